#ifndef GW_ESP_LINK_H
#define GW_ESP_LINK_H

#include <stddef.h>
#include <stdint.h>

struct ble_npl_event;

/* The serial link to the kiosk: UART0 behind a USB-serial chip (CP2102, CH340, CH9102) or the
 * chip's own USB Serial/JTAG (Kconfig GW_LINK_*), 115200 8N1. Two small tasks block on the driver
 * so the NimBLE host task, which runs the core, never does: one moves received bytes into a buffer
 * and posts `readable` to the host's event queue, the other sends what the core handed over. */

void gw_esp_link_start(struct ble_npl_event *readable);
/* Received bytes, up to `capacity`; never waits. */
size_t gw_esp_link_read(uint8_t *out, size_t capacity);
/* How many bytes gw_esp_link_write takes now without waiting. */
size_t gw_esp_link_room(void);
void gw_esp_link_write(const uint8_t *bytes, size_t length);

#endif
