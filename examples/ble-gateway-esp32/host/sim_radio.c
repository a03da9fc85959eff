#include "sim_radio.h"

#include <stdio.h>
#include <string.h>

#include "gw_device_events.h"

typedef enum {
  EV_LINK_UP,
  EV_DISCOVER,
  EV_SUBSCRIBED,
  EV_WRITE,
  EV_READ,
  EV_SEND_READING,
  EV_THERM_MEASURE,
  EV_THERM_RESEND,
  EV_LINK_DOWN,
  EV_SCAN_DONE,
} event_kind;

typedef struct {
  uint32_t due_ms;
  event_kind kind;
  int device;
  sim_value value; /* EV_WRITE: what the core wrote */
  gw_uuid service;
  gw_uuid characteristic;
} sim_event;

#define MAX_EVENTS 64
#define STEP_MS 5
#define READVERTISE_MS 2000
#define ADVERTISING_INTERVAL_MS 1000
/* A device that is read (it has Device Information or a clock) stays linked this long after its
 * last value, as real ones do for a few seconds: long enough for the agent's READs and clock WRITE. */
#define LINGER_MS 2000
#define THERM_MEASURE_MS 500

static gw_gateway *core;
static sim_event events[MAX_EVENTS];
static int event_count;
static uint32_t now;
static bool scanning;

static sim_event *schedule(event_kind kind, int device, uint32_t delay_ms) {
  static sim_event lost;
  if (event_count == MAX_EVENTS) {
    fprintf(stderr, "sim radio: event queue full\n");
    return &lost;
  }
  sim_event *event = &events[event_count++];
  memset(event, 0, sizeof *event);
  event->due_ms = now + delay_ms;
  event->kind = kind;
  event->device = device;
  return event;
}

static int device_in_slot(uint8_t slot) {
  for (int i = 0; i < sim_device_count; i++)
    if (sim_devices[i].slot == slot) return i;
  return -1;
}

static bool start_scan(void *context, uint16_t seconds) {
  (void)context;
  if (scanning) return false;
  scanning = true;
  schedule(EV_SCAN_DONE, -1, (uint32_t)seconds * 1000u);
  return true;
}

static void connect(void *context, uint8_t slot, const gw_address *address, gw_address_type type) {
  (void)context, (void)type;
  for (int i = 0; i < sim_device_count; i++) {
    if (memcmp(sim_devices[i].address.bytes, address->bytes, GW_ADDRESS_BYTES) == 0) {
      sim_devices[i].slot = slot;
      sim_devices[i].notifying = false;
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
  (void)context, (void)service, (void)indicate;
  int device = device_in_slot(slot);
  if (device < 0) return;
  if (gw_uuid_equal(characteristic, &sim_devices[device].characteristic)) sim_devices[device].notifying = true;
  schedule(EV_SUBSCRIBED, device, STEP_MS);
}

static bool write(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                  const uint8_t *value, size_t length) {
  (void)context;
  int device = device_in_slot(slot);
  if (device < 0 || length > SIM_MAX_VALUE) return false;
  sim_event *event = schedule(EV_WRITE, device, STEP_MS);
  memcpy(event->value.bytes, value, length);
  event->value.length = (uint8_t)length;
  event->service = *service;
  event->characteristic = *characteristic;
  return true;
}

static bool read(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic) {
  (void)context;
  int device = device_in_slot(slot);
  if (device < 0) return false;
  sim_event *event = schedule(EV_READ, device, STEP_MS);
  event->service = *service;
  event->characteristic = *characteristic;
  return true;
}

static void disconnect(void *context, uint8_t slot) {
  (void)context;
  int device = device_in_slot(slot);
  if (device >= 0) schedule(EV_LINK_DOWN, device, STEP_MS);
}

gw_radio sim_radio_interface(void) {
  gw_radio radio = {.context = NULL,
                    .start_scan = start_scan,
                    .connect = connect,
                    .discover = discover,
                    .subscribe = subscribe,
                    .write = write,
                    .read = read,
                    .disconnect = disconnect};
  return radio;
}

void sim_radio_init(gw_gateway *gateway) {
  core = gateway;
  event_count = 0;
  scanning = false;
}

/* Every characteristic the device has, as discovery reports it (the read-only ones too: READ and
 * WRITE of one the device lacks are answered NOT_FOUND from this). */
static void discover_device(int index) {
  sim_device *device = &sim_devices[index];
  uint8_t slot = (uint8_t)device->slot;
  gw_uuid access = gw_uuid16(0x1800), name = gw_uuid16(0x2A00);
  gw_on_characteristic(core, slot, &access, &name, false, false);
  if (device->kind == SIM_METER) {
    gw_uuid measurement = gw_uuid16(0x2A18), context = gw_uuid16(0x2A34), racp = gw_uuid16(0x2A52);
    gw_on_characteristic(core, slot, &device->service, &measurement, true, false);
    gw_on_characteristic(core, slot, &device->service, &context, true, false);
    gw_on_characteristic(core, slot, &device->service, &racp, false, true);
  } else {
    gw_on_characteristic(core, slot, &device->service, &device->characteristic, !device->indicate, device->indicate);
  }
  if (device->kind == SIM_THERM) {
    gw_uuid command = sim_therm_command();
    gw_on_characteristic(core, slot, &device->service, &command, false, false);
  }
  if (device->has_info) {
    static const uint16_t INFO_UUIDS[SIM_INFO_COUNT] = {0x2A29, 0x2A24, 0x2A25, 0x2A26};
    gw_uuid info = gw_uuid16(0x180A);
    for (int i = 0; i < SIM_INFO_COUNT; i++) {
      gw_uuid uuid = gw_uuid16(INFO_UUIDS[i]);
      if (device->info[i][0] != '\0') gw_on_characteristic(core, slot, &info, &uuid, false, false);
    }
  }
  if (device->has_clock) {
    gw_uuid time = gw_uuid16(0x1805), current_time = gw_uuid16(0x2A2B);
    gw_on_characteristic(core, slot, &time, &current_time, true, false);
  }
  gw_on_discovery_done(core, slot, true);
}

/* Report stored records (op code 1): all (operator 1) or with sequence number >= n (operator 3,
 * filter type 1). The meter ends with an indication of the outcome, as a real one does. */
static void answer_racp(int index, const sim_value *request) {
  sim_device *device = &sim_devices[index];
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
    /* A record keeps the time the meter measured it at: setting its clock changes later ones only. */
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

/* KD-Therm commands: 0x01 measures (a notification about 500 ms later), 0x02 sends the last
 * measurement again. Anything else is refused with an application error. */
static void therm_command(int index, const sim_value *value) {
  sim_device *device = &sim_devices[index];
  uint8_t slot = (uint8_t)device->slot;
  if (value->length == 1 && value->bytes[0] == 0x01) {
    gw_on_write_done(core, slot, 0);
    schedule(EV_THERM_MEASURE, index, THERM_MEASURE_MS)->value.length = 1; /* asked for, not on its own */
  } else if (value->length == 1 && value->bytes[0] == 0x02 && device->last_frame.length > 0) {
    gw_on_write_done(core, slot, 0);
    schedule(EV_THERM_RESEND, index, STEP_MS);
  } else {
    gw_on_write_done(core, slot, 0x80);
  }
}

static void run_write(const sim_event *event) {
  sim_device *device = &sim_devices[event->device];
  uint8_t slot = (uint8_t)device->slot;
  gw_uuid racp = gw_uuid16(0x2A52), current_time = gw_uuid16(0x2A2B), command = sim_therm_command();
  if (device->kind == SIM_METER && gw_uuid_equal(&event->characteristic, &racp)) {
    answer_racp(event->device, &event->value);
  } else if (device->has_clock && gw_uuid_equal(&event->characteristic, &current_time)) {
    gw_on_write_done(core, slot, sim_device_set_clock(device, event->value.bytes, event->value.length, now));
  } else if (device->kind == SIM_THERM && gw_uuid_equal(&event->characteristic, &command)) {
    therm_command(event->device, &event->value);
  } else {
    gw_on_write_done(core, slot, 0x03); /* Write Not Permitted */
  }
}

static uint32_t linger_ms(const sim_device *device) { return device->has_info || device->has_clock ? LINGER_MS : 50; }

static void send_reading(int index) {
  sim_device *device = &sim_devices[index];
  sim_value value = device->values[device->next_value++];
  sim_device_stamp(device, &device->characteristic, &value, now);
  gw_on_value(core, (uint8_t)device->slot, &device->service, &device->characteristic, device->indicate, value.bytes,
              value.length);
  if (device->next_value < device->value_count) {
    schedule(EV_SEND_READING, index, 200);
    return;
  }
  device->done = true;
  schedule(EV_LINK_DOWN, index, linger_ms(device));
}

/* One measurement: the next temperature given, or the last one again once they are used up. */
static void therm_measure(int index, bool on_its_own) {
  sim_device *device = &sim_devices[index];
  uint8_t at = device->next_value < device->value_count ? device->next_value++ : (uint8_t)(device->value_count - 1);
  const sim_value *temperature = &device->values[at];
  const sim_value *frame = sim_therm_measure(device, (uint16_t)(temperature->bytes[0] | temperature->bytes[1] << 8));
  /* Without its CCCD written the device keeps the measurement to itself, as a real one does. */
  if (device->notifying)
    gw_on_value(core, (uint8_t)device->slot, &device->service, &device->characteristic, false, frame->bytes,
                frame->length);
  if (!on_its_own) return;
  if (device->next_value < device->value_count) {
    schedule(EV_THERM_MEASURE, index, THERM_MEASURE_MS);
    return;
  }
  device->done = true;
  schedule(EV_LINK_DOWN, index, LINGER_MS);
}

/* Once connected (STATE connected was just sent), a device with something to send sends it, a
 * KD-Therm as if its button was pressed. */
static void start_sending(int index) {
  sim_device *device = &sim_devices[index];
  if (core->devices[device->slot].phase != GW_PHASE_CONNECTED || device->done || device->next_value > 0) return;
  if (device->kind == SIM_READING) schedule(EV_SEND_READING, index, 20);
  if (device->kind == SIM_THERM) schedule(EV_THERM_MEASURE, index, THERM_MEASURE_MS);
}

static void run_event(const sim_event *event) {
  if (event->kind == EV_SCAN_DONE) {
    scanning = false;
    gw_on_scan_done(core);
    return;
  }
  sim_device *device = &sim_devices[event->device];
  if (device->slot < 0) return;
  uint8_t slot = (uint8_t)device->slot;
  switch (event->kind) {
    case EV_LINK_UP: gw_on_link_up(core, slot); break;
    case EV_DISCOVER:
      discover_device(event->device);
      start_sending(event->device); /* with nothing to subscribe to, it is connected already */
      break;
    case EV_SUBSCRIBED:
      gw_on_subscribed(core, slot, true);
      start_sending(event->device);
      break;
    case EV_SEND_READING: send_reading(event->device); break;
    case EV_THERM_MEASURE: therm_measure(event->device, event->value.length == 0); break;
    case EV_THERM_RESEND:
      if (device->notifying)
        gw_on_value(core, slot, &device->service, &device->characteristic, false, device->last_frame.bytes,
                    device->last_frame.length);
      break;
    case EV_WRITE: run_write(event); break;
    case EV_READ: {
      sim_value value = {0};
      uint8_t error = sim_device_read(device, &event->service, &event->characteristic, now, &value);
      gw_on_read_done(core, slot, error, value.bytes, value.length);
      break;
    }
    case EV_LINK_DOWN:
      device->slot = -1;
      device->advertise_at_ms = now + READVERTISE_MS;
      gw_on_link_down(core, slot, "HCI 0x13");
      break;
    case EV_SCAN_DONE: break;
  }
}

void sim_radio_run(uint32_t now_ms) {
  now = now_ms;
  for (int i = 0; i < sim_device_count; i++) {
    sim_device *device = &sim_devices[i];
    bool has_something = device->kind == SIM_METER || !device->done;
    if (device->slot >= 0 || !has_something || (int32_t)(now - device->advertise_at_ms) < 0) continue;
    device->advertise_at_ms = now + ADVERTISING_INTERVAL_MS;
    gw_on_advertisement(core, &device->address, GW_ADDRESS_PUBLIC, device->rssi, device->name, &device->service, 1);
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
