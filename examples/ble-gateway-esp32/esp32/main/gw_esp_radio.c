/* GAP on NimBLE for the core: scanning, connecting, hanging up, and the events that come back. */
#include "gw_esp_radio.h"

#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "gw_device_events.h"
#include "gw_esp_convert.h"
#include "host/ble_hs.h"
#include "nimble/nimble_port.h"

static const char *TAG = "gw_radio";
/* A device that stops advertising while the link is being made: the attempt ends, the core retries. */
#define CONNECT_TIMEOUT_MS 10000
#define MAX_ADVERTISED_SERVICES 8

gw_esp_slot gw_esp_slots[GW_MAX_DEVICES];
gw_gateway *gw_esp_gateway;

static uint8_t own_address_type;
static bool synced;
static int connecting_slot = -1; /* NimBLE makes one connection at a time */
static unsigned core_depth;
static struct ble_npl_event deferred_event;
static struct ble_npl_callout scan_timer;

int gw_esp_slot_of(uint16_t conn_handle) {
  for (int i = 0; i < GW_MAX_DEVICES; i++)
    if (gw_esp_slots[i].linked && gw_esp_slots[i].conn_handle == conn_handle) return i;
  return -1;
}

int gw_esp_att_error(int status) {
  if (status == 0) return 0;
  if (status > BLE_HS_ERR_ATT_BASE && status < BLE_HS_ERR_ATT_BASE + 0x100) return status - BLE_HS_ERR_ATT_BASE;
  if (status == BLE_HS_ENOTCONN) return -1;
  /* A host-side failure (no ATT answer, e.g. out of buffers): ATT's own "unlikely error". */
  return BLE_ATT_ERR_UNLIKELY;
}

/* ---- outcomes held while the core runs ---- */

void gw_esp_core_enter(void) { core_depth++; }

void gw_esp_core_leave(void) {
  if (--core_depth > 0) return;
  for (int i = 0; i < GW_MAX_DEVICES; i++) {
    if (gw_esp_slots[i].deferred != 0) {
      ble_npl_eventq_put(nimble_port_get_dflt_eventq(), &deferred_event);
      return;
    }
  }
}

static void hand_over(uint8_t slot, uint8_t outcome, uint8_t att, const char *reason) {
  gw_gateway *g = gw_esp_gateway;
  gw_esp_core_enter();
  switch (outcome) {
  case GW_ESP_DEFER_LINK_DOWN: gw_on_link_down(g, slot, reason); break;
  case GW_ESP_DEFER_DISCOVERY_FAILED: gw_on_discovery_done(g, slot, false); break;
  case GW_ESP_DEFER_SUBSCRIBE_FAILED: gw_on_subscribed(g, slot, false); break;
  case GW_ESP_DEFER_SUBSCRIBED: gw_on_subscribed(g, slot, true); break;
  case GW_ESP_DEFER_WRITE_DONE: gw_on_write_done(g, slot, att); break;
  case GW_ESP_DEFER_READ_FAILED: gw_on_read_done(g, slot, att, NULL, 0); break;
  default: break;
  }
  gw_esp_core_leave();
}

static void run_deferred(struct ble_npl_event *event) {
  (void)event;
  for (uint8_t slot = 0; slot < GW_MAX_DEVICES; slot++) {
    gw_esp_slot *s = &gw_esp_slots[slot];
    while (s->deferred != 0) {
      uint8_t outcome = (uint8_t)(s->deferred & -s->deferred); /* lowest first: a link-down before the rest */
      s->deferred &= (uint8_t)~outcome;
      hand_over(slot, outcome, s->deferred_att, s->down_reason);
    }
  }
}

void gw_esp_report(uint8_t slot, uint8_t outcome, uint8_t att_error) {
  if (core_depth == 0) {
    hand_over(slot, outcome, att_error, "");
    return;
  }
  gw_esp_slots[slot].deferred |= outcome;
  gw_esp_slots[slot].deferred_att = att_error;
}

void gw_esp_report_link_down(uint8_t slot, const char *reason) {
  gw_esp_slot *s = &gw_esp_slots[slot];
  s->linked = false;
  s->hang_up = false;
  s->subscribing = -1;
  if (core_depth == 0) {
    hand_over(slot, GW_ESP_DEFER_LINK_DOWN, 0, reason);
    return;
  }
  snprintf(s->down_reason, sizeof s->down_reason, "%s", reason);
  s->deferred |= GW_ESP_DEFER_LINK_DOWN;
}

/* ---- scanning ---- */

static int on_gap_event(struct ble_gap_event *event, void *arg);

/* The radio listens whenever it is not making a connection: the core connects a registered device
 * when it hears it advertise, and relays what it hears while a SCAN runs. Every report is passed on
 * (no duplicate filter): a device that hung up is heard again when it advertises again. */
static void listen(void) {
  if (!synced || connecting_slot >= 0 || ble_gap_disc_active()) return;
  const struct ble_gap_disc_params params = {.passive = 0, .filter_duplicates = 0};
  int rc = ble_gap_disc(own_address_type, BLE_HS_FOREVER, &params, on_gap_event, NULL);
  if (rc != 0) ESP_LOGW(TAG, "cannot scan (status %d)", rc);
}

static void on_advertisement(const struct ble_gap_disc_desc *report) {
  struct ble_hs_adv_fields fields;
  if (ble_hs_adv_parse_fields(&fields, report->data, report->length_data) != 0) return;
  gw_uuid services[MAX_ADVERTISED_SERVICES];
  size_t count = 0;
  for (size_t i = 0; i < fields.num_uuids16 && count < MAX_ADVERTISED_SERVICES; i++)
    services[count++] = gw_esp_uuid_from_nimble(&fields.uuids16[i].u);
  for (size_t i = 0; i < fields.num_uuids32 && count < MAX_ADVERTISED_SERVICES; i++)
    services[count++] = gw_esp_uuid_from_nimble(&fields.uuids32[i].u);
  for (size_t i = 0; i < fields.num_uuids128 && count < MAX_ADVERTISED_SERVICES; i++)
    services[count++] = gw_esp_uuid_from_nimble(&fields.uuids128[i].u);
  char name[32] = "";
  if (fields.name != NULL) {
    size_t length = fields.name_len < sizeof name - 1 ? fields.name_len : sizeof name - 1;
    memcpy(name, fields.name, length);
    name[length] = '\0';
  }
  gw_address address = gw_esp_address_from_nimble(&report->addr);
  gw_esp_core_enter();
  gw_on_advertisement(gw_esp_gateway, &address, gw_esp_address_type_from_nimble(report->addr.type), report->rssi,
                      name[0] != '\0' ? name : NULL, services, count);
  gw_esp_core_leave();
}

static void scan_time_up(struct ble_npl_event *event) {
  (void)event;
  gw_esp_core_enter();
  gw_on_scan_done(gw_esp_gateway);
  gw_esp_core_leave();
}

static bool radio_start_scan(void *context, uint16_t seconds) {
  (void)context;
  if (!synced) return false;
  listen();
  ble_npl_callout_reset(&scan_timer, ble_npl_time_ms_to_ticks32((uint32_t)seconds * 1000u));
  return true;
}

/* ---- links ---- */

static void reason_text(char *out, size_t size, int status) {
  if (status > BLE_HS_ERR_HCI_BASE && status < BLE_HS_ERR_HCI_BASE + 0x100)
    snprintf(out, size, "HCI 0x%02X", status - BLE_HS_ERR_HCI_BASE);
  else if (status == BLE_HS_ETIMEOUT)
    snprintf(out, size, "connect timed out");
  else
    snprintf(out, size, "host error %d", status);
}

static int on_mtu(uint16_t conn_handle, const struct ble_gatt_error *error, uint16_t mtu, void *arg) {
  (void)error;
  (void)mtu;
  uint8_t slot = (uint8_t)(uintptr_t)arg;
  if (gw_esp_slot_of(conn_handle) != slot) return 0;
  gw_esp_core_enter();
  gw_on_link_up(gw_esp_gateway, slot);
  gw_esp_core_leave();
  return 0;
}

static void on_connect(uint8_t slot, int status, uint16_t conn_handle) {
  if (connecting_slot == slot) connecting_slot = -1;
  gw_esp_slot *s = &gw_esp_slots[slot];
  char reason[24];
  if (status == 0 && s->hang_up) {
    /* The link came up just as the attempt was cancelled: end it, its disconnect event reports it down. */
    s->hang_up = false;
    s->linked = true;
    s->conn_handle = conn_handle;
    if (ble_gap_terminate(conn_handle, BLE_ERR_REM_USER_CONN_TERM) != 0) gw_esp_report_link_down(slot, "cancelled");
  } else if (status != 0) {
    s->hang_up = false;
    reason_text(reason, sizeof reason, status);
    gw_esp_report_link_down(slot, reason);
  } else {
    s->linked = true;
    s->conn_handle = conn_handle;
    s->pairing = false;
    /* A larger MTU first, so a long measurement arrives in one notification; the link is up either way. */
    void *arg = (void *)(uintptr_t)slot;
    if (ble_gattc_exchange_mtu(conn_handle, on_mtu, arg) != 0) on_mtu(conn_handle, NULL, 0, arg);
  }
  listen();
}

static int on_gap_event(struct ble_gap_event *event, void *arg) {
  switch (event->type) {
  case BLE_GAP_EVENT_DISC:
    on_advertisement(&event->disc);
    break;
  case BLE_GAP_EVENT_DISC_COMPLETE:
    listen();
    break;
  case BLE_GAP_EVENT_CONNECT:
    on_connect((uint8_t)(uintptr_t)arg, event->connect.status, event->connect.conn_handle);
    break;
  case BLE_GAP_EVENT_DISCONNECT: {
    int slot = gw_esp_slot_of(event->disconnect.conn.conn_handle);
    char reason[24];
    reason_text(reason, sizeof reason, event->disconnect.reason);
    if (slot >= 0) gw_esp_report_link_down((uint8_t)slot, reason);
    listen();
    break;
  }
  case BLE_GAP_EVENT_ENC_CHANGE: {
    int slot = gw_esp_slot_of(event->enc_change.conn_handle);
    if (slot >= 0) gw_esp_gatt_encrypted((uint8_t)slot, event->enc_change.status == 0);
    break;
  }
  case BLE_GAP_EVENT_REPEAT_PAIRING: {
    /* The device lost its bond with the gateway (reset, new batteries): forget ours and pair again. */
    struct ble_gap_conn_desc link;
    if (ble_gap_conn_find(event->repeat_pairing.conn_handle, &link) == 0)
      ble_store_util_delete_peer(&link.peer_id_addr);
    return BLE_GAP_REPEAT_PAIRING_RETRY;
  }
  case BLE_GAP_EVENT_NOTIFY_RX:
    gw_esp_gatt_value(event->notify_rx.conn_handle, event->notify_rx.attr_handle, event->notify_rx.indication,
                      event->notify_rx.om);
    break;
  default:
    break;
  }
  return 0;
}

static void radio_connect(void *context, uint8_t slot, const gw_address *address, gw_address_type type) {
  (void)context;
  if (connecting_slot >= 0) {
    gw_esp_report_link_down(slot, "radio busy connecting");
    return;
  }
  if (ble_gap_disc_active()) ble_gap_disc_cancel();
  ble_addr_t peer = gw_esp_address_to_nimble(address, type);
  int rc = ble_gap_connect(own_address_type, &peer, CONNECT_TIMEOUT_MS, NULL, on_gap_event, (void *)(uintptr_t)slot);
  if (rc != 0) {
    char reason[24];
    reason_text(reason, sizeof reason, rc);
    gw_esp_report_link_down(slot, reason);
    listen();
    return;
  }
  connecting_slot = slot;
}

static void radio_disconnect(void *context, uint8_t slot) {
  (void)context;
  gw_esp_slot *s = &gw_esp_slots[slot];
  if (s->linked && ble_gap_terminate(s->conn_handle, BLE_ERR_REM_USER_CONN_TERM) == 0) return;
  /* The cancelled attempt reports its end as a connect event with an error. */
  if (connecting_slot == slot && ble_gap_conn_cancel() == 0) {
    s->hang_up = true;
    return;
  }
  gw_esp_report_link_down(slot, "disconnected");
}

static void radio_discover(void *context, uint8_t slot) {
  (void)context;
  gw_esp_gatt_discover(slot);
}

static void radio_subscribe(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                            bool indicate) {
  (void)context;
  gw_esp_gatt_subscribe(slot, service, characteristic, indicate);
}

static bool radio_write(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                        const uint8_t *value, size_t length) {
  (void)context;
  return gw_esp_gatt_write(slot, service, characteristic, value, length);
}

static bool radio_read(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic) {
  (void)context;
  return gw_esp_gatt_read(slot, service, characteristic);
}

gw_radio gw_esp_radio_init(gw_gateway *gateway) {
  gw_esp_gateway = gateway;
  for (int i = 0; i < GW_MAX_DEVICES; i++) gw_esp_slots[i].subscribing = -1;
  ble_npl_event_init(&deferred_event, run_deferred, NULL);
  ble_npl_callout_init(&scan_timer, nimble_port_get_dflt_eventq(), scan_time_up, NULL);
  return (gw_radio){
      .context = NULL,
      .start_scan = radio_start_scan,
      .connect = radio_connect,
      .discover = radio_discover,
      .subscribe = radio_subscribe,
      .write = radio_write,
      .read = radio_read,
      .disconnect = radio_disconnect,
  };
}

void gw_esp_radio_reset(void) {
  /* NimBLE reports every link that dropped with it as a disconnect; scanning waits for the next sync. */
  synced = false;
  connecting_slot = -1;
}

void gw_esp_radio_synced(void) {
  /* A public address if the chip has one, else its static random one. */
  int rc = ble_hs_id_infer_auto(0, &own_address_type);
  if (rc != 0) {
    ESP_LOGE(TAG, "no usable Bluetooth address (status %d)", rc);
    return;
  }
  synced = true;
  listen();
}
