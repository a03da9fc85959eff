/* GATT on NimBLE for the core: all services, then each one's characteristics (every one reported
 * with gw_on_characteristic), a subscription's CCCD found among its descriptors and written, reads
 * and writes by UUID, and the values that arrive. The tables map the core's UUIDs to handles. */
#include <string.h>

#include "esp_log.h"
#include "gw_device_events.h"
#include "gw_esp_convert.h"
#include "gw_esp_radio.h"
#include "host/ble_att.h"
#include "host/ble_hs.h"

static const char *TAG = "gw_gatt";
#define CCCD_UUID 0x2902

/* One value at a time: the host task runs one callback at a time. */
static uint8_t value_buffer[GW_MAX_PAYLOAD_BYTES];

static void *slot_arg(uint8_t slot) { return (void *)(uintptr_t)slot; }
static uint8_t arg_slot(void *arg) { return (uint8_t)(uintptr_t)arg; }

/* The callback belongs to the link the slot still has (not to one that dropped meanwhile). */
static gw_esp_slot *live_slot(uint16_t conn_handle, uint8_t slot) {
  if (slot >= GW_MAX_DEVICES) return NULL;
  gw_esp_slot *s = &gw_esp_slots[slot];
  return s->linked && s->conn_handle == conn_handle ? s : NULL;
}

static int find_characteristic(const gw_esp_slot *s, const gw_uuid *service, const gw_uuid *characteristic) {
  for (int i = 0; i < s->characteristic_count; i++) {
    const gw_esp_characteristic *c = &s->characteristics[i];
    if (gw_uuid_equal(&c->uuid, characteristic) && gw_uuid_equal(&s->services[c->service].uuid, service))
      return i;
  }
  return -1;
}

static void discovery_failed(uint8_t slot, int status) {
  ESP_LOGW(TAG, "slot %u: discovery failed (status %d)", slot, status);
  gw_esp_report(slot, GW_ESP_DEFER_DISCOVERY_FAILED, 0);
}

static int on_characteristic(uint16_t conn_handle, const struct ble_gatt_error *error, const struct ble_gatt_chr *chr,
                             void *arg);

/* Characteristics of the next service, or the end of discovery. */
static void discover_next_service(uint8_t slot) {
  gw_esp_slot *s = &gw_esp_slots[slot];
  if (s->next_service >= s->service_count) {
    gw_esp_core_enter();
    gw_on_discovery_done(gw_esp_gateway, slot, true);
    gw_esp_core_leave();
    return;
  }
  const gw_esp_service *service = &s->services[s->next_service];
  int rc = ble_gattc_disc_all_chrs(s->conn_handle, service->start_handle, service->end_handle, on_characteristic,
                                   slot_arg(slot));
  if (rc != 0) discovery_failed(slot, rc);
}

/* A characteristic's descriptors run up to the next characteristic's declaration, or the service's end. */
static void close_service(gw_esp_slot *s) {
  for (int i = 0; i < s->characteristic_count; i++) {
    gw_esp_characteristic *c = &s->characteristics[i];
    if (c->service != s->next_service) continue;
    c->end_handle = s->services[c->service].end_handle;
    if (i + 1 < s->characteristic_count && s->characteristics[i + 1].service == c->service)
      c->end_handle = (uint16_t)(s->characteristics[i + 1].def_handle - 1);
  }
}

static int on_characteristic(uint16_t conn_handle, const struct ble_gatt_error *error, const struct ble_gatt_chr *chr,
                             void *arg) {
  uint8_t slot = arg_slot(arg);
  gw_esp_slot *s = live_slot(conn_handle, slot);
  if (s == NULL) return 0;
  if (error->status == BLE_HS_EDONE) {
    close_service(s);
    s->next_service++;
    discover_next_service(slot);
    return 0;
  }
  if (error->status != 0) {
    discovery_failed(slot, error->status);
    return 0;
  }
  if (s->characteristic_count == GW_ESP_MAX_CHARACTERISTICS) {
    ESP_LOGW(TAG, "slot %u: more than %d characteristics, handle %u not kept", slot, GW_ESP_MAX_CHARACTERISTICS,
             chr->val_handle);
    return 0;
  }
  gw_esp_characteristic *c = &s->characteristics[s->characteristic_count++];
  c->service = s->next_service;
  c->uuid = gw_esp_uuid_from_nimble(&chr->uuid.u);
  c->def_handle = chr->def_handle;
  c->val_handle = chr->val_handle;
  c->end_handle = chr->val_handle;
  c->properties = chr->properties;
  gw_esp_core_enter();
  gw_on_characteristic(gw_esp_gateway, slot, &s->services[c->service].uuid, &c->uuid,
                       (chr->properties & BLE_GATT_CHR_PROP_NOTIFY) != 0,
                       (chr->properties & BLE_GATT_CHR_PROP_INDICATE) != 0);
  gw_esp_core_leave();
  return 0;
}

static int on_service(uint16_t conn_handle, const struct ble_gatt_error *error, const struct ble_gatt_svc *service,
                      void *arg) {
  uint8_t slot = arg_slot(arg);
  gw_esp_slot *s = live_slot(conn_handle, slot);
  if (s == NULL) return 0;
  if (error->status == BLE_HS_EDONE) {
    s->next_service = 0;
    discover_next_service(slot);
  } else if (error->status != 0) {
    discovery_failed(slot, error->status);
  } else if (s->service_count == GW_ESP_MAX_SERVICES) {
    ESP_LOGW(TAG, "slot %u: more than %d services, handles %u-%u not kept", slot, GW_ESP_MAX_SERVICES,
             service->start_handle, service->end_handle);
  } else {
    gw_esp_service *kept = &s->services[s->service_count++];
    kept->uuid = gw_esp_uuid_from_nimble(&service->uuid.u);
    kept->start_handle = service->start_handle;
    kept->end_handle = service->end_handle;
  }
  return 0;
}

void gw_esp_gatt_discover(uint8_t slot) {
  gw_esp_slot *s = &gw_esp_slots[slot];
  s->service_count = 0;
  s->characteristic_count = 0;
  s->subscribing = -1;
  int rc = s->linked ? ble_gattc_disc_all_svcs(s->conn_handle, on_service, slot_arg(slot)) : BLE_HS_ENOTCONN;
  if (rc != 0) discovery_failed(slot, rc);
}

static int on_cccd_written(uint16_t conn_handle, const struct ble_gatt_error *error, struct ble_gatt_attr *attr,
                           void *arg);

static int write_cccd(gw_esp_slot *s, uint8_t slot) {
  /* CCCD bits: 0x0001 notifications, 0x0002 indications (little-endian). */
  const uint8_t cccd[2] = {s->indicate ? 0x02 : 0x01, 0x00};
  return ble_gattc_write_flat(s->conn_handle, s->cccd_handle, cccd, sizeof cccd, on_cccd_written, slot_arg(slot));
}

static void subscribe_failed(gw_esp_slot *s, uint8_t slot, int status) {
  ESP_LOGW(TAG, "slot %u: no CCCD written (status %d)", slot, status);
  s->subscribing = -1;
  gw_esp_report(slot, GW_ESP_DEFER_SUBSCRIBE_FAILED, 0);
}

static bool wants_encryption(int status) {
  return status == BLE_HS_ATT_ERR(BLE_ATT_ERR_INSUFFICIENT_AUTHEN) ||
         status == BLE_HS_ATT_ERR(BLE_ATT_ERR_INSUFFICIENT_ENC);
}

static int on_cccd_written(uint16_t conn_handle, const struct ble_gatt_error *error, struct ble_gatt_attr *attr,
                           void *arg) {
  (void)attr;
  uint8_t slot = arg_slot(arg);
  gw_esp_slot *s = live_slot(conn_handle, slot);
  if (s == NULL || s->subscribing < 0) return 0;
  /* A device that wants an encrypted link (many BP monitors): pair ("Just Works", bonded), once per link. */
  if (wants_encryption(error->status) && !s->pairing) {
    s->pairing = true;
    if (ble_gap_security_initiate(conn_handle) == 0) return 0;
  }
  if (error->status != 0) {
    subscribe_failed(s, slot, error->status);
    return 0;
  }
  s->subscribing = -1;
  gw_esp_report(slot, GW_ESP_DEFER_SUBSCRIBED, 0);
  return 0;
}

void gw_esp_gatt_encrypted(uint8_t slot, bool ok) {
  gw_esp_slot *s = &gw_esp_slots[slot];
  if (!s->pairing || s->subscribing < 0) return;
  int rc = ok ? write_cccd(s, slot) : BLE_HS_EAUTHEN;
  if (rc != 0) subscribe_failed(s, slot, rc);
}

static int on_descriptor(uint16_t conn_handle, const struct ble_gatt_error *error, uint16_t chr_val_handle,
                         const struct ble_gatt_dsc *dsc, void *arg) {
  (void)chr_val_handle;
  uint8_t slot = arg_slot(arg);
  gw_esp_slot *s = live_slot(conn_handle, slot);
  if (s == NULL || s->subscribing < 0) return 0;
  if (error->status == 0) {
    if (ble_uuid_cmp(&dsc->uuid.u, BLE_UUID16_DECLARE(CCCD_UUID)) == 0 && s->cccd_handle == 0)
      s->cccd_handle = dsc->handle;
    return 0;
  }
  int rc = error->status;
  if (rc == BLE_HS_EDONE && s->cccd_handle != 0) {
    rc = write_cccd(s, slot);
    if (rc == 0) return 0;
  }
  subscribe_failed(s, slot, rc);
  return 0;
}

void gw_esp_gatt_subscribe(uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic, bool indicate) {
  gw_esp_slot *s = &gw_esp_slots[slot];
  int index = s->linked ? find_characteristic(s, service, characteristic) : -1;
  /* A characteristic whose value handle ends it has no descriptor, so no CCCD. */
  if (index < 0 || s->characteristics[index].end_handle <= s->characteristics[index].val_handle) {
    gw_esp_report(slot, GW_ESP_DEFER_SUBSCRIBE_FAILED, 0);
    return;
  }
  const gw_esp_characteristic *c = &s->characteristics[index];
  s->subscribing = (int8_t)index;
  s->cccd_handle = 0;
  s->indicate = indicate;
  int rc = ble_gattc_disc_all_dscs(s->conn_handle, c->val_handle, c->end_handle, on_descriptor, slot_arg(slot));
  if (rc != 0) {
    s->subscribing = -1;
    gw_esp_report(slot, GW_ESP_DEFER_SUBSCRIBE_FAILED, 0);
  }
}

static int on_written(uint16_t conn_handle, const struct ble_gatt_error *error, struct ble_gatt_attr *attr,
                      void *arg) {
  (void)attr;
  uint8_t slot = arg_slot(arg);
  if (live_slot(conn_handle, slot) == NULL) return 0;
  int att = gw_esp_att_error(error->status);
  if (att >= 0) gw_esp_report(slot, GW_ESP_DEFER_WRITE_DONE, (uint8_t)att);
  return 0;
}

bool gw_esp_gatt_write(uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic, const uint8_t *value,
                       size_t length) {
  gw_esp_slot *s = &gw_esp_slots[slot];
  int index = s->linked ? find_characteristic(s, service, characteristic) : -1;
  if (index < 0 || length > GW_MAX_PAYLOAD_BYTES) return false;
  uint16_t handle = s->characteristics[index].val_handle;
  /* A value longer than one ATT packet goes as a prepared (long) write. */
  if (length + 3 > ble_att_mtu(s->conn_handle)) {
    struct os_mbuf *om = ble_hs_mbuf_from_flat(value, (uint16_t)length);
    return om != NULL && ble_gattc_write_long(s->conn_handle, handle, 0, om, on_written, slot_arg(slot)) == 0;
  }
  return ble_gattc_write_flat(s->conn_handle, handle, value, (uint16_t)length, on_written, slot_arg(slot)) == 0;
}

static int on_read(uint16_t conn_handle, const struct ble_gatt_error *error, struct ble_gatt_attr *attr, void *arg) {
  uint8_t slot = arg_slot(arg);
  if (live_slot(conn_handle, slot) == NULL) return 0;
  if (error->status == 0 && attr != NULL) {
    uint16_t length = 0;
    /* A value longer than the buffer is cut: it is longer than any ATT value may be. */
    ble_hs_mbuf_to_flat(attr->om, value_buffer, sizeof value_buffer, &length);
    gw_esp_core_enter();
    gw_on_read_done(gw_esp_gateway, slot, 0, value_buffer, length);
    gw_esp_core_leave();
    return 0;
  }
  int att = gw_esp_att_error(error->status);
  if (att >= 0) gw_esp_report(slot, GW_ESP_DEFER_READ_FAILED, (uint8_t)att);
  return 0;
}

bool gw_esp_gatt_read(uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic) {
  gw_esp_slot *s = &gw_esp_slots[slot];
  int index = s->linked ? find_characteristic(s, service, characteristic) : -1;
  if (index < 0) return false;
  return ble_gattc_read(s->conn_handle, s->characteristics[index].val_handle, on_read, slot_arg(slot)) == 0;
}

void gw_esp_gatt_value(uint16_t conn_handle, uint16_t attr_handle, bool indication, const struct os_mbuf *om) {
  int slot = gw_esp_slot_of(conn_handle);
  if (slot < 0) return;
  const gw_esp_slot *s = &gw_esp_slots[slot];
  for (int i = 0; i < s->characteristic_count; i++) {
    const gw_esp_characteristic *c = &s->characteristics[i];
    if (c->val_handle != attr_handle) continue;
    uint16_t length = 0;
    ble_hs_mbuf_to_flat(om, value_buffer, sizeof value_buffer, &length);
    gw_esp_core_enter();
    gw_on_value(gw_esp_gateway, (uint8_t)slot, &s->services[c->service].uuid, &c->uuid, indication, value_buffer,
                length);
    gw_esp_core_leave();
    return;
  }
  ESP_LOGW(TAG, "slot %d: a value from handle %u, which discovery did not keep", slot, attr_handle);
}
