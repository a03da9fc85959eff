#ifndef GW_ESP_CONVERT_H
#define GW_ESP_CONVERT_H

#include "gw_protocol.h"
#include "host/ble_hs.h"

/* NimBLE keeps addresses and 128-bit UUIDs least significant byte first; the core keeps them in the
 * order they are written (gw_protocol.h). These turn one into the other and nothing more. */

gw_address gw_esp_address_from_nimble(const ble_addr_t *address);
gw_address_type gw_esp_address_type_from_nimble(uint8_t type);
ble_addr_t gw_esp_address_to_nimble(const gw_address *address, gw_address_type type);
/* A 128-bit UUID on the Bluetooth base comes out in its 16-bit form, as the core expects. */
gw_uuid gw_esp_uuid_from_nimble(const ble_uuid_t *uuid);

#endif
