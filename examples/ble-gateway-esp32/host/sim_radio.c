#include "sim_radio.h"

#include <stdio.h>
#include <string.h>

#include "gw_device_events.h"

typedef enum { EV_LINK_UP, EV_DISCOVER, EV_SUBSCRIBED, EV_WRITE, EV_SEND_READING, EV_LINK_DOWN } event_kind;

typedef struct {
  uint32_t due_ms;
  event_kind kind;
  int device;
  sim_value value; /* EV_WRITE: what the core wrote */
  gw_uuid characteristic;
} sim_event;

#define MAX_EVENTS 64
#define STEP_MS 5
#define METER_READVERTISE_MS 2000

static gw_gateway *core;
static sim_device devices[SIM_MAX_DEVICES];
static int device_count;
static sim_event events[MAX_EVENTS];
static int event_count;
static uint32_t now;

static void schedule(event_kind kind, int device, uint32_t delay_ms) {
  if (event_count == MAX_EVENTS) {
    fprintf(stderr, "sim radio: event queue full\n");
    return;
  }
  sim_event *event = &events[event_count++];
  memset(event, 0, sizeof *event);
  event->due_ms = now + delay_ms;
  event->kind = kind;
  event->device = device;
}

static int device_in_slot(uint8_t slot) {
  for (int i = 0; i < device_count; i++)
    if (devices[i].slot == slot) return i;
  return -1;
}

static bool start_scan(void *context, uint16_t seconds) {
  (void)context, (void)seconds;
  return false; /* the host radio does not scan: the agent's tests do not need it */
}

static void connect(void *context, uint8_t slot, const gw_address *address, gw_address_type type) {
  (void)context, (void)type;
  for (int i = 0; i < device_count; i++) {
    if (memcmp(devices[i].address.bytes, address->bytes, GW_ADDRESS_BYTES) == 0) {
      devices[i].slot = slot;
      schedule(EV_LINK_UP, i, STEP_MS);
      return;
    }
  }
}

static void discover(void *context, uint8_t slot) {
  (void)context;
  int device = device_in_slot(slot);
  if (device >= 0) schedule(EV_DISCOVER, device, STEP_MS);
}

static void subscribe(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                      bool indicate) {
  (void)context, (void)service, (void)characteristic, (void)indicate;
  int device = device_in_slot(slot);
  if (device >= 0) schedule(EV_SUBSCRIBED, device, STEP_MS);
}

static bool write(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                  const uint8_t *value, size_t length) {
  (void)context, (void)service;
  int device = device_in_slot(slot);
  if (device < 0 || length > SIM_MAX_VALUE) return false;
  schedule(EV_WRITE, device, STEP_MS);
  sim_event *event = &events[event_count - 1];
  memcpy(event->value.bytes, value, length);
  event->value.length = (uint8_t)length;
  event->characteristic = *characteristic;
  return true;
}

static void disconnect(void *context, uint8_t slot) {
  (void)context;
  int device = device_in_slot(slot);
  if (device >= 0) schedule(EV_LINK_DOWN, device, STEP_MS);
}

gw_radio sim_radio_interface(void) {
  gw_radio radio = {NULL, start_scan, connect, discover, subscribe, write, disconnect};
  return radio;
}

void sim_radio_init(gw_gateway *gateway) {
  core = gateway;
  device_count = 0;
  event_count = 0;
}

static sim_device *find_or_add(const char *address_text) {
  gw_address address;
  if (!gw_parse_address(address_text, GW_ADDRESS_TEXT_LEN, &address)) return NULL;
  for (int i = 0; i < device_count; i++)
    if (memcmp(devices[i].address.bytes, address.bytes, GW_ADDRESS_BYTES) == 0) return &devices[i];
  if (device_count == SIM_MAX_DEVICES) return NULL;
  sim_device *device = &devices[device_count++];
  memset(device, 0, sizeof *device);
  device->address = address;
  device->slot = -1;
  device->advertise_at_ms = 500;
  snprintf(device->name, sizeof device->name, "sim %s", address_text + 12);
  return device;
}

static bool parse_value(const char *hex, sim_value *value) {
  size_t count = 0;
  if (!gw_parse_hex(hex, strlen(hex), value->bytes, SIM_MAX_VALUE, &count)) return false;
  value->length = (uint8_t)count;
  return true;
}

bool sim_radio_add(const char *spec) {
  char copy[256];
  snprintf(copy, sizeof copy, "%s", spec);
  char *fields[6] = {0};
  int count = 0;
  char *colon = strchr(copy, ':');
  if (colon == NULL) return false;
  *colon = '\0';
  for (char *at = colon + 1; at != NULL && count < 6; count++) {
    fields[count] = at;
    at = strchr(at, ',');
    if (at != NULL) *at++ = '\0';
  }
  if (count < 1 || strlen(fields[0]) != GW_ADDRESS_TEXT_LEN) return false;
  if (strcmp(copy, "meter") == 0 && count == 1) {
    sim_device *device = find_or_add(fields[0]);
    if (device == NULL) return false;
    device->meter = true;
    device->service = gw_uuid16(0x1808);
    return true;
  }
  if (strcmp(copy, "record") == 0 && count == 2) {
    sim_device *device = find_or_add(fields[0]);
    if (device == NULL || device->record_count == SIM_MAX_RECORDS) return false;
    return parse_value(fields[1], &device->records[device->record_count++]);
  }
  if (strcmp(copy, "reading") == 0 && count == 5) {
    sim_device *device = find_or_add(fields[0]);
    if (device == NULL || device->meter || device->value_count == SIM_MAX_RECORDS) return false;
    device->indicate = strcmp(fields[3], "ind") == 0;
    return gw_parse_uuid(fields[1], strlen(fields[1]), &device->service) &&
           gw_parse_uuid(fields[2], strlen(fields[2]), &device->characteristic) &&
           parse_value(fields[4], &device->values[device->value_count++]);
  }
  return false;
}

static void discover_device(int index) {
  sim_device *device = &devices[index];
  uint8_t slot = (uint8_t)device->slot;
  gw_uuid access = gw_uuid16(0x1800), name = gw_uuid16(0x2A00);
  /* A read-only characteristic of a service the gateway does not watch: discovery must skip it. */
  gw_on_characteristic(core, slot, &access, &name, false, false);
  if (device->meter) {
    gw_uuid measurement = gw_uuid16(0x2A18), context = gw_uuid16(0x2A34), racp = gw_uuid16(0x2A52);
    gw_on_characteristic(core, slot, &device->service, &measurement, true, false);
    gw_on_characteristic(core, slot, &device->service, &context, true, false);
    gw_on_characteristic(core, slot, &device->service, &racp, false, true);
  } else {
    gw_on_characteristic(core, slot, &device->service, &device->characteristic, !device->indicate, device->indicate);
  }
  gw_on_discovery_done(core, slot, true);
}

/* Report stored records (op code 1): all (operator 1) or with sequence number >= n (operator 3,
 * filter type 1). The meter ends with an indication of the outcome, as a real one does. */
static void answer_racp(int index, const sim_value *request) {
  sim_device *device = &devices[index];
  uint8_t slot = (uint8_t)device->slot;
  gw_uuid measurement = gw_uuid16(0x2A18), racp = gw_uuid16(0x2A52);
  uint8_t op = request->length > 0 ? request->bytes[0] : 0;
  bool all = request->length == 2 && request->bytes[1] == 0x01;
  bool from = request->length == 5 && request->bytes[1] == 0x03 && request->bytes[2] == 0x01;
  gw_on_write_done(core, slot, 0);
  if (op != 0x01 || (!all && !from)) {
    uint8_t refused[4] = {0x06, 0x00, op, 0x02};
    gw_on_value(core, slot, &device->service, &racp, true, refused, sizeof refused);
    return;
  }
  uint16_t minimum = 0;
  if (from) minimum = (uint16_t)(request->bytes[3] | request->bytes[4] << 8);
  int sent = 0;
  for (int r = 0; r < device->record_count; r++) {
    const sim_value *record = &device->records[r];
    uint16_t sequence = (uint16_t)(record->bytes[1] | record->bytes[2] << 8);
    if (sequence < minimum) continue;
    gw_on_value(core, slot, &device->service, &measurement, false, record->bytes, record->length);
    sent++;
  }
  uint8_t outcome[4] = {0x06, 0x00, 0x01, sent > 0 ? 0x01 : 0x06};
  gw_on_value(core, slot, &device->service, &racp, true, outcome, sizeof outcome);
  schedule(EV_LINK_DOWN, index, 300);
}

static void run_event(const sim_event *event) {
  sim_device *device = &devices[event->device];
  if (device->slot < 0) return;
  uint8_t slot = (uint8_t)device->slot;
  switch (event->kind) {
    case EV_LINK_UP: gw_on_link_up(core, slot); break;
    case EV_DISCOVER: discover_device(event->device); break;
    case EV_SUBSCRIBED:
      gw_on_subscribed(core, slot, true);
      if (!device->meter && core->devices[slot].phase == GW_PHASE_CONNECTED)
        schedule(EV_SEND_READING, event->device, 20);
      break;
    case EV_SEND_READING: {
      const sim_value *value = &device->values[device->next_value++];
      gw_on_value(core, slot, &device->service, &device->characteristic, device->indicate, value->bytes,
                  value->length);
      if (device->next_value < device->value_count) {
        schedule(EV_SEND_READING, event->device, 200);
        break;
      }
      device->reading_sent = true;
      schedule(EV_LINK_DOWN, event->device, 50);
      break;
    }
    case EV_WRITE: {
      gw_uuid racp = gw_uuid16(0x2A52);
      if (device->meter && gw_uuid_equal(&event->characteristic, &racp)) answer_racp(event->device, &event->value);
      else gw_on_write_done(core, slot, 0x03);
      break;
    }
    case EV_LINK_DOWN:
      device->slot = -1;
      device->advertise_at_ms = now + METER_READVERTISE_MS;
      gw_on_link_down(core, slot, "HCI 0x13");
      break;
  }
}

void sim_radio_run(uint32_t now_ms) {
  now = now_ms;
  for (int i = 0; i < device_count; i++) {
    sim_device *device = &devices[i];
    bool has_something = device->meter || !device->reading_sent;
    if (device->slot >= 0 || !has_something || (int32_t)(now - device->advertise_at_ms) < 0) continue;
    device->advertise_at_ms = now + 1000;
    gw_on_advertisement(core, &device->address, GW_ADDRESS_PUBLIC, -60, device->name, &device->service, 1);
  }
  /* Oldest first; an event may schedule more, which wait for a later pass. */
  int pending = event_count;
  for (int i = 0; i < pending && i < event_count;) {
    if ((int32_t)(now - events[i].due_ms) < 0) {
      i++;
      continue;
    }
    sim_event event = events[i];
    memmove(&events[i], &events[i + 1], (size_t)(event_count - i - 1) * sizeof events[0]);
    event_count--;
    pending--;
    run_event(&event);
  }
}
