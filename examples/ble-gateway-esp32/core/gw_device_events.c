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
  device->subscription_count = 0;
  device->subscribed = 0;
  gateway->radio.discover(gateway->radio.context, slot);
}

void gw_on_characteristic(gw_gateway *gateway, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                          bool can_notify, bool can_indicate) {
  gw_device *device = device_in(gateway, slot, GW_PHASE_DISCOVERING);
  if (device == NULL || (!can_notify && !can_indicate) || !gw_is_health_service(service)) return;
  if (device->subscription_count == GW_MAX_SUBSCRIPTIONS) return;
  gw_subscription *subscription = &device->subscriptions[device->subscription_count++];
  subscription->service = *service;
  subscription->characteristic = *characteristic;
  /* Indications are confirmed at the ATT layer: a reading cannot be lost between device and gateway. */
  subscription->indicate = can_indicate;
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
  const gw_subscription *next = &device->subscriptions[device->subscribed];
  gateway->radio.subscribe(gateway->radio.context, slot, &next->service, &next->characteristic, next->indicate);
}

void gw_on_discovery_done(gw_gateway *gateway, uint8_t slot, bool ok) {
  gw_device *device = device_in(gateway, slot, GW_PHASE_DISCOVERING);
  if (device == NULL) return;
  if (!ok) {
    fail_link(gateway, slot, "service discovery failed", true);
    return;
  }
  device->phase = GW_PHASE_SUBSCRIBING;
  subscribe_next(gateway, slot);
}

void gw_on_subscribed(gw_gateway *gateway, uint8_t slot, bool ok) {
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
  if (device->write_id != GW_NO_ID) {
    gw_gateway_send(gateway, gw_format_err(gateway->line, sizeof gateway->line, device->write_id,
                                           GW_ERR_NOT_CONNECTED, "the device disconnected"));
    device->write_id = GW_NO_ID;
  }
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

void gw_on_write_done(gw_gateway *gateway, uint8_t slot, uint8_t att_error) {
  if (slot >= GW_MAX_DEVICES || gateway->devices[slot].write_id == GW_NO_ID) return;
  gw_device *device = &gateway->devices[slot];
  if (att_error == 0) {
    gw_gateway_send(gateway, gw_format_ok(gateway->line, sizeof gateway->line, (uint16_t)device->write_id));
  } else {
    static const char HEX[] = "0123456789ABCDEF";
    char message[] = "ATT error 0x00";
    message[12] = HEX[att_error >> 4];
    message[13] = HEX[att_error & 0x0F];
    gw_gateway_send(gateway, gw_format_err(gateway->line, sizeof gateway->line, device->write_id,
                                           GW_ERR_GATT_ERROR, message));
  }
  device->write_id = GW_NO_ID;
}
