/* The klinik-desa BLE gateway on an ESP32: the portable core (../../core) with NimBLE as its radio
 * and a serial link to the kiosk. This file starts the parts and pumps the core on the NimBLE host
 * task: bytes from the kiosk in, a 20 ms tick, bytes for the kiosk out (why one task: gw_esp_radio.h). */
#include <stdio.h>

#include "esp_app_desc.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_timer.h"
#include "gw_esp_link.h"
#include "gw_esp_radio.h"
#include "gw_gateway.h"
#include "host/ble_hs.h"
#include "nimble/nimble_port.h"
#include "nimble/nimble_port_freertos.h"
#include "nvs_flash.h"

static const char *TAG = "gw_main";
/* NimBLE's bond store in NVS; ESP-IDF declares it in no public header. */
void ble_store_config_init(void);
#define TICK_MS 20

static gw_gateway gateway;
static char gateway_id[18];  /* the chip's Bluetooth MAC, AA:BB:CC:DD:EE:FF */
static char firmware[48];
static struct ble_npl_event readable;
static struct ble_npl_callout tick;

/* What the core has for the kiosk, as much as the link takes now; the rest waits in the core's
 * queue, whose policy when full is the core's. */
static void flush_output(void) {
  uint8_t chunk[256];
  for (size_t room = gw_esp_link_room(); room > 0;) {
    size_t length = gw_gateway_take_output(&gateway, chunk, room < sizeof chunk ? room : sizeof chunk);
    if (length == 0) break;
    gw_esp_link_write(chunk, length);
    room -= length;
  }
}

static void on_readable(struct ble_npl_event *event) {
  (void)event;
  uint8_t chunk[256];
  size_t length;
  while ((length = gw_esp_link_read(chunk, sizeof chunk)) > 0) {
    gw_esp_core_enter();
    gw_gateway_receive(&gateway, chunk, length);
    gw_esp_core_leave();
  }
  flush_output();
}

static void on_tick(struct ble_npl_event *event) {
  (void)event;
  gw_esp_core_enter();
  gw_gateway_tick(&gateway, (uint32_t)(esp_timer_get_time() / 1000));
  gw_esp_core_leave();
  flush_output();
  ble_npl_callout_reset(&tick, ble_npl_time_ms_to_ticks32(TICK_MS));
}

static void on_sync(void) {
  ESP_LOGI(TAG, "Bluetooth ready");
  gw_esp_radio_synced();
}

static void on_reset(int reason) {
  ESP_LOGW(TAG, "Bluetooth controller reset (reason %d)", reason);
  gw_esp_radio_reset();
}

static void host_task(void *argument) {
  (void)argument;
  nimble_port_run(); /* returns only when NimBLE is stopped, which this firmware never does */
  nimble_port_freertos_deinit();
}

static void name_the_gateway(void) {
  uint8_t mac[6];
  ESP_ERROR_CHECK(esp_read_mac(mac, ESP_MAC_BT));
  snprintf(gateway_id, sizeof gateway_id, "%02X:%02X:%02X:%02X:%02X:%02X", mac[0], mac[1], mac[2], mac[3], mac[4],
           mac[5]);
  snprintf(firmware, sizeof firmware, "kd-gateway-esp32 %s", esp_app_get_description()->version);
}

void app_main(void) {
  /* The PHY's calibration data lives in NVS. */
  esp_err_t rc = nvs_flash_init();
  if (rc == ESP_ERR_NVS_NO_FREE_PAGES || rc == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    ESP_ERROR_CHECK(nvs_flash_erase());
    rc = nvs_flash_init();
  }
  ESP_ERROR_CHECK(rc);
  ESP_ERROR_CHECK(nimble_port_init());
  name_the_gateway();

  gw_gateway_init(&gateway, gateway_id, firmware, gw_esp_radio_init(&gateway));
  ble_hs_cfg.sync_cb = on_sync;
  ble_hs_cfg.reset_cb = on_reset;
  /* Pairing when a device asks for it: no display or keys on the gateway ("Just Works"), bonded, so
   * the device's next connection is encrypted at once. */
  ble_hs_cfg.sm_io_cap = BLE_SM_IO_CAP_NO_IO;
  ble_hs_cfg.sm_bonding = 1;
  ble_hs_cfg.sm_sc = 1;
  ble_hs_cfg.sm_our_key_dist = BLE_SM_PAIR_KEY_DIST_ENC | BLE_SM_PAIR_KEY_DIST_ID;
  ble_hs_cfg.sm_their_key_dist = BLE_SM_PAIR_KEY_DIST_ENC | BLE_SM_PAIR_KEY_DIST_ID;
  ble_hs_cfg.store_status_cb = ble_store_util_status_rr;
  ble_store_config_init();
  ble_npl_event_init(&readable, on_readable, NULL);
  ble_npl_callout_init(&tick, nimble_port_get_dflt_eventq(), on_tick, NULL);
  ble_npl_callout_reset(&tick, ble_npl_time_ms_to_ticks32(TICK_MS));
  gw_esp_link_start(&readable);
  ESP_LOGI(TAG, "gateway %s, %s", gateway_id, firmware);
  /* From here on the core is touched on the NimBLE host task only. */
  nimble_port_freertos_init(host_task);
}
