#ifndef GW_ESP_RADIO_H
#define GW_ESP_RADIO_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_gateway.h"

struct os_mbuf;

/* The core's radio on NimBLE: each gw_radio request becomes one NimBLE call, each GAP or GATT
 * callback one gw_on_* event. No decision lives here: when to connect, what to subscribe to, what to
 * relay and how to retry are the core's (gw_device_events.h).
 *
 * Everything runs on the NimBLE host task: NimBLE's callbacks already do, and the binding posts the
 * serial link's bytes and its 20 ms tick to the host's event queue too (gw_esp_main.c). So the
 * core, which is not thread-safe, is touched by one task only, without a mutex, and a notification's
 * value is copied once, straight from NimBLE's buffer into the core's line. */

/* Discovered per device: enough for the six health services, Device Information, Current Time and a
 * vendor service or two. Services or characteristics past these are not seen (a request for one is
 * answered NOT_FOUND by the core) and are logged. */
#define GW_ESP_MAX_SERVICES 12
#define GW_ESP_MAX_CHARACTERISTICS 32

typedef struct {
  gw_uuid uuid;
  uint16_t start_handle;
  uint16_t end_handle;
} gw_esp_service;

typedef struct {
  uint8_t service; /* index in the slot's services */
  gw_uuid uuid;
  uint16_t def_handle;
  uint16_t val_handle;
  uint16_t end_handle; /* the last handle of its descriptors */
  uint8_t properties;
} gw_esp_characteristic;

/* Outcomes NimBLE reported while the core was running (a request refused at once), handed to the
 * core once it has returned. */
enum {
  GW_ESP_DEFER_LINK_DOWN = 1u << 0,
  GW_ESP_DEFER_DISCOVERY_FAILED = 1u << 1,
  GW_ESP_DEFER_SUBSCRIBE_FAILED = 1u << 2,
  GW_ESP_DEFER_SUBSCRIBED = 1u << 3,
  GW_ESP_DEFER_WRITE_DONE = 1u << 4,
  GW_ESP_DEFER_READ_FAILED = 1u << 5,
};

/* One core slot's link. */
typedef struct {
  bool linked;
  bool hang_up; /* the core asked to disconnect while the link was being made */
  uint16_t conn_handle;
  gw_esp_service services[GW_ESP_MAX_SERVICES];
  uint8_t service_count;
  uint8_t next_service; /* the service whose characteristics are being discovered */
  gw_esp_characteristic characteristics[GW_ESP_MAX_CHARACTERISTICS];
  uint8_t characteristic_count;
  int8_t subscribing; /* the characteristic whose CCCD is being found and written, or -1 */
  uint16_t cccd_handle;
  bool indicate;
  bool pairing; /* a CCCD write was refused for want of encryption: paired once, then written again */
  uint8_t deferred;      /* GW_ESP_DEFER_* */
  uint8_t deferred_att;  /* the ATT error of a deferred write or read */
  char down_reason[24];  /* the text of a deferred link-down */
} gw_esp_slot;

/* Keeps `gateway` for the events and returns the radio to hand to gw_gateway_init. */
gw_radio gw_esp_radio_init(gw_gateway *gateway);
/* NimBLE is in sync with its controller: scanning may start. */
void gw_esp_radio_synced(void);
/* NimBLE lost its controller (ble_hs_cfg.reset_cb). */
void gw_esp_radio_reset(void);

/* Every call into the core goes between these (see "Outcomes" above). */
void gw_esp_core_enter(void);
void gw_esp_core_leave(void);

/* Shared by gw_esp_radio.c and gw_esp_gatt.c. */
extern gw_esp_slot gw_esp_slots[GW_MAX_DEVICES];
extern gw_gateway *gw_esp_gateway;
/* The slot on this connection, or -1. */
int gw_esp_slot_of(uint16_t conn_handle);
/* Reports an outcome now, or after the core returns when it is running. */
void gw_esp_report(uint8_t slot, uint8_t outcome, uint8_t att_error);
void gw_esp_report_link_down(uint8_t slot, const char *reason);
/* A GATT status as the ATT error the core reports; -1 when the link is gone (its link-down follows). */
int gw_esp_att_error(int status);

/* gw_esp_gatt.c: discovery, subscriptions, reads and writes, and the values that arrive. */
void gw_esp_gatt_discover(uint8_t slot);
void gw_esp_gatt_subscribe(uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic, bool indicate);
bool gw_esp_gatt_write(uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic, const uint8_t *value,
                       size_t length);
bool gw_esp_gatt_read(uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic);
/* The link's encryption changed (BLE_GAP_EVENT_ENC_CHANGE): a CCCD write waiting for it goes on. */
void gw_esp_gatt_encrypted(uint8_t slot, bool ok);
/* A notification or indication NimBLE received (BLE_GAP_EVENT_NOTIFY_RX). */
void gw_esp_gatt_value(uint16_t conn_handle, uint16_t attr_handle, bool indication, const struct os_mbuf *om);

#endif
