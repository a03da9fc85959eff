#include "gw_device_events.h"

#include <string.h>

#include "gw_message.h"

static const uint16_t HEALTH_SERVICES[] = {0x1810, 0x1808, 0x181D, 0x181B, 0x1809, 0x1822};

bool gw_is_health_service(const gw_uuid *service) {
  if (service->length != 2) return false;
  uint16_t value = (uint16_t)(service->bytes[0] << 8 | service->bytes[1]);
  for (size_t i = 0; i < sizeof HEALTH_SERVICES / sizeof HEALTH_SERVICES[0]; i++)
    if (HEALTH_SERVICES[i] == value) return true;
  return false;
}

static gw_device *device_in(gw_gateway *gateway, uint8_t slot, gw_device_phase phase) {
  if (slot >= GW_MAX_DEVICES || gateway->devices[slot].phase != phase) return NULL;
  return &gateway->devices[slot];
}

void gw_on_advertisement(gw_gateway *gateway, const gw_address *address, gw_address_type type, int rssi,
                         const char *name, const gw_uuid *services, size_t service_count) {
  if (gateway->scan_id != GW_NO_ID) {
    gw_gateway_send(gateway, gw_format_adv(gateway->line, sizeof gateway->line, address, type, rssi, name,
                                           services, service_count));
  }
  for (uint8_t slot = 0; slot < GW_MAX_DEVICES; slot++) {
    gw_device *device = &gateway->devices[slot];
    if (device->phase != GW_PHASE_WAITING || memcmp(device->address.bytes, address->bytes, GW_ADDRESS_BYTES) != 0)
      continue;
    if ((int32_t)(gateway->now_ms - device->retry_at_ms) < 0) continue;
    device->phase = GW_PHASE_CONNECTING;
    gw_gateway_send_state(gateway, slot, GW_STATE_CONNECTING, NULL);
    gateway->radio.connect(gateway->radio.context, slot, &device->address, device->address_type);
  }
}

void gw_on_scan_done(gw_gateway *gateway) {
  if (gateway->scan_id == GW_NO_ID) return;
  gw_gateway_send(gateway, gw_format_ok(gateway->line, sizeof gateway->line, (uint16_t)gateway->scan_id));
  gateway->scan_id = GW_NO_ID;
}

void gw_on_link_up(gw_gateway *gateway, uint8_t slot) {
  gw_device *device = device_in(gateway, slot, GW_PHASE_CONNECTING);
  if (device == NULL) return;
  device->phase = GW_PHASE_DISCOVERING;
  gw_table_clear(&device->table);
  device->subscription_count = 0;
  device->subscribed = 0;
  gateway->radio.discover(gateway->radio.context, slot);
}

static bool is_extra(const gw_device *device, const gw_uuid *service, const gw_uuid *characteristic) {
  for (uint8_t i = 0; i < device->extra_count; i++) {
    if (gw_uuid_equal(&device->extras[i].service, service) &&
        gw_uuid_equal(&device->extras[i].characteristic, characteristic))
      return true;
  }
  return false;
}

void gw_on_characteristic(gw_gateway *gateway, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                          bool can_notify, bool can_indicate) {
  gw_device *device = device_in(gateway, slot, GW_PHASE_DISCOVERING);
  if (device == NULL) return;
  uint8_t properties = (uint8_t)((can_notify ? GW_CAN_NOTIFY : 0u) | (can_indicate ? GW_CAN_INDICATE : 0u));
  bool wanted = gw_is_health_service(service) || is_extra(device, service, characteristic);
  if (properties != 0 && wanted) properties |= GW_KEEP;
  gw_table_add(&device->table, service, characteristic, properties);
}

/* Appends the table entry to the subscription list unless it is there; false if the list is full. */
static bool add_subscription(gw_device *device, uint8_t index) {
  for (uint8_t i = 0; i < device->subscription_count; i++)
    if (device->subscriptions[i] == index) return true;
  if (device->subscription_count == GW_MAX_SUBSCRIPTIONS) return false;
  device->subscriptions[device->subscription_count++] = index;
  return true;
}

static void report_missing(gw_gateway *gateway, const gw_device *device, const gw_characteristic_name *name,
                           const char *why) {
  char message[128];
  gw_gateway_send_err(gateway, GW_NO_ID, GW_ERR_NOT_FOUND,
                      gw_describe_characteristic(message, sizeof message, &device->address, &name->service,
                                                 &name->characteristic, why));
}

/* Adds an extra subscription's characteristic to the list, or says why it cannot be. */
static void take_up_extra(gw_gateway *gateway, gw_device *device, const gw_characteristic_name *extra) {
  int index = gw_table_find(&device->table, &extra->service, &extra->characteristic);
  if (index < 0) {
    report_missing(gateway, device, extra, " not on the device");
    return;
  }
  if ((device->table.characteristics[index].properties & (GW_CAN_NOTIFY | GW_CAN_INDICATE)) == 0) {
    report_missing(gateway, device, extra, " can neither notify nor indicate");
    return;
  }
  add_subscription(device, (uint8_t)index);
}

/* The health characteristics in the order found, then the agent's extras in the order it sent them. */
static void choose_subscriptions(gw_gateway *gateway, gw_device *device) {
  const gw_characteristic_table *table = &device->table;
  uint8_t health = 0;
  for (uint8_t i = 0; i < table->characteristic_count && health < GW_MAX_HEALTH_SUBSCRIPTIONS; i++) {
    const gw_known_characteristic *entry = &table->characteristics[i];
    if ((entry->properties & (GW_CAN_NOTIFY | GW_CAN_INDICATE)) == 0) continue;
    if (!gw_is_health_service(&table->services[entry->service])) continue;
    add_subscription(device, i);
    health++;
  }
  for (uint8_t i = 0; i < device->extra_count; i++) take_up_extra(gateway, device, &device->extras[i]);
}

static void write_subscription(gw_gateway *gateway, uint8_t slot, uint8_t position) {
  gw_device *device = &gateway->devices[slot];
  uint8_t index = device->subscriptions[position];
  const gw_known_characteristic *entry = &device->table.characteristics[index];
  /* Indications are confirmed at the ATT layer: a reading cannot be lost between device and gateway. */
  gateway->radio.subscribe(gateway->radio.context, slot, gw_table_service_of(&device->table, index), &entry->uuid,
                           (entry->properties & GW_CAN_INDICATE) != 0);
}

void gw_device_extra_added(gw_gateway *gateway, uint8_t slot, const gw_characteristic_name *extra) {
  gw_device *device = &gateway->devices[slot];
  /* Before discovery ends, choose_subscriptions takes it up with the rest. */
  if (device->phase != GW_PHASE_SUBSCRIBING && device->phase != GW_PHASE_CONNECTED) return;
  uint8_t before = device->subscription_count;
  take_up_extra(gateway, device, extra);
  bool idle = device->subscribed == before;
  /* While subscribing, subscribe_next reaches it; once connected, nothing else is being written. */
  if (device->phase == GW_PHASE_CONNECTED && idle && device->subscription_count > before)
    write_subscription(gateway, slot, before);
}

/* `linked`: the link is still up and must be dropped. */
static void fail_link(gw_gateway *gateway, uint8_t slot, const char *reason, bool linked) {
  gw_device *device = &gateway->devices[slot];
  gw_gateway_send_state(gateway, slot, GW_STATE_FAILED, reason);
  if (linked) gateway->radio.disconnect(gateway->radio.context, slot);
  /* The link-down event that follows finds the device waiting already and says nothing more. */
  device->phase = GW_PHASE_WAITING;
  device->retry_at_ms = gateway->now_ms + device->backoff_ms;
  device->backoff_ms = device->backoff_ms >= GW_BACKOFF_CAP_MS / 2 ? GW_BACKOFF_CAP_MS : device->backoff_ms * 2;
}

static void subscribe_next(gw_gateway *gateway, uint8_t slot) {
  gw_device *device = &gateway->devices[slot];
  if (device->subscribed == device->subscription_count) {
    device->phase = GW_PHASE_CONNECTED;
    device->backoff_ms = GW_BACKOFF_FIRST_MS;
    gw_gateway_send_state(gateway, slot, GW_STATE_CONNECTED, NULL);
    return;
  }
  write_subscription(gateway, slot, device->subscribed);
}

void gw_on_discovery_done(gw_gateway *gateway, uint8_t slot, bool ok) {
  gw_device *device = device_in(gateway, slot, GW_PHASE_DISCOVERING);
  if (device == NULL) return;
  if (!ok) {
    fail_link(gateway, slot, "service discovery failed", true);
    return;
  }
  device->phase = GW_PHASE_SUBSCRIBING;
  choose_subscriptions(gateway, device);
  subscribe_next(gateway, slot);
}

/* A subscription SUBSCRIBE asked for while connected: a refusal is reported, the link stays. */
static void live_subscribed(gw_gateway *gateway, uint8_t slot, bool ok) {
  gw_device *device = &gateway->devices[slot];
  if (device->subscribed == device->subscription_count) return;
  if (!ok) {
    uint8_t index = device->subscriptions[device->subscribed];
    char message[128];
    gw_gateway_send_err(gateway, GW_NO_ID, GW_ERR_GATT_ERROR,
                        gw_describe_characteristic(message, sizeof message, &device->address,
                                                   gw_table_service_of(&device->table, index),
                                                   &device->table.characteristics[index].uuid,
                                                   " subscription refused"));
  }
  device->subscribed++;
  if (device->subscribed < device->subscription_count) write_subscription(gateway, slot, device->subscribed);
}

void gw_on_subscribed(gw_gateway *gateway, uint8_t slot, bool ok) {
  if (slot < GW_MAX_DEVICES && gateway->devices[slot].phase == GW_PHASE_CONNECTED) {
    live_subscribed(gateway, slot, ok);
    return;
  }
  gw_device *device = device_in(gateway, slot, GW_PHASE_SUBSCRIBING);
  if (device == NULL) return;
  if (!ok) {
    fail_link(gateway, slot, "subscription refused", true);
    return;
  }
  device->subscribed++;
  subscribe_next(gateway, slot);
}

void gw_on_link_down(gw_gateway *gateway, uint8_t slot, const char *reason) {
  if (slot >= GW_MAX_DEVICES) return;
  gw_device *device = &gateway->devices[slot];
  if (device->phase == GW_PHASE_CLOSING) {
    device->phase = GW_PHASE_FREE;
    return;
  }
  if (device->phase < GW_PHASE_CONNECTING) return;
  gw_gateway_end_operation(gateway, slot, GW_ERR_NOT_CONNECTED, "the device disconnected");
  if (device->phase == GW_PHASE_CONNECTED) {
    /* A health device hangs up once it has handed its reading over: that is no failure. */
    gw_gateway_send_state(gateway, slot, GW_STATE_DISCONNECTED, reason);
    device->phase = GW_PHASE_WAITING;
    device->retry_at_ms = gateway->now_ms;
    return;
  }
  fail_link(gateway, slot, reason, false);
}

void gw_on_value(gw_gateway *gateway, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                 bool indication, const uint8_t *value, size_t length) {
  if (slot >= GW_MAX_DEVICES) return;
  gw_device *device = &gateway->devices[slot];
  /* A meter may send as soon as its first CCCD is written, before the last one is. */
  if (device->phase != GW_PHASE_SUBSCRIBING && device->phase != GW_PHASE_CONNECTED) return;
  gw_gateway_send(gateway, gw_format_value(gateway->line, sizeof gateway->line, indication, &device->address,
                                           service, characteristic, value, length));
}

/* Ends the waiting operation of this kind: OK on success, else GATT_ERROR with the ATT code. */
static gw_device *answered(gw_gateway *gateway, uint8_t slot, gw_operation_kind kind, uint8_t att_error) {
  if (slot >= GW_MAX_DEVICES || gateway->devices[slot].operation != kind) return NULL;
  gw_device *device = &gateway->devices[slot];
  if (att_error != 0) {
    static const char HEX[] = "0123456789ABCDEF";
    char message[] = "ATT error 0x00";
    message[12] = HEX[att_error >> 4];
    message[13] = HEX[att_error & 0x0F];
    gw_gateway_end_operation(gateway, slot, GW_ERR_GATT_ERROR, message);
    return NULL;
  }
  return device;
}

static void finish(gw_gateway *gateway, gw_device *device) {
  gw_gateway_send(gateway, gw_format_ok(gateway->line, sizeof gateway->line, (uint16_t)device->operation_id));
  device->operation = GW_OP_NONE;
  device->operation_id = GW_NO_ID;
}

void gw_on_write_done(gw_gateway *gateway, uint8_t slot, uint8_t att_error) {
  gw_device *device = answered(gateway, slot, GW_OP_WRITE, att_error);
  if (device != NULL) finish(gateway, device);
}

void gw_on_read_done(gw_gateway *gateway, uint8_t slot, uint8_t att_error, const uint8_t *value, size_t length) {
  gw_device *device = answered(gateway, slot, GW_OP_READ, att_error);
  if (device == NULL) return;
  if (length > GW_MAX_PAYLOAD_BYTES) {
    gw_gateway_end_operation(gateway, slot, GW_ERR_GATT_ERROR, "value longer than 512 bytes");
    return;
  }
  const gw_characteristic_name *target = &device->operation_target;
  gw_gateway_send(gateway, gw_format_val(gateway->line, sizeof gateway->line, &device->address, &target->service,
                                         &target->characteristic, value, length));
  finish(gateway, device);
}
