#include "gw_esp_convert.h"

#include <string.h>

/* The Bluetooth base UUID 00000000-0000-1000-8000-00805F9B34FB, written order. */
static const uint8_t BASE_UUID[16] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                                      0x80, 0x00, 0x00, 0x80, 0x5F, 0x9B, 0x34, 0xFB};

gw_address gw_esp_address_from_nimble(const ble_addr_t *address) {
  gw_address out;
  for (size_t i = 0; i < GW_ADDRESS_BYTES; i++) out.bytes[i] = address->val[GW_ADDRESS_BYTES - 1 - i];
  return out;
}

gw_address_type gw_esp_address_type_from_nimble(uint8_t type) {
  /* The identity types (a device using privacy, resolved by the controller) keep their kind. */
  return type == BLE_ADDR_RANDOM || type == BLE_ADDR_RANDOM_ID ? GW_ADDRESS_RANDOM : GW_ADDRESS_PUBLIC;
}

ble_addr_t gw_esp_address_to_nimble(const gw_address *address, gw_address_type type) {
  ble_addr_t out = {.type = type == GW_ADDRESS_RANDOM ? BLE_ADDR_RANDOM : BLE_ADDR_PUBLIC};
  for (size_t i = 0; i < GW_ADDRESS_BYTES; i++) out.val[i] = address->bytes[GW_ADDRESS_BYTES - 1 - i];
  return out;
}

/* Written-order 128-bit bytes to the core's form: 16-bit when on the base with a zero top half. */
static gw_uuid from_written_128(const uint8_t written[16]) {
  if (written[0] == 0 && written[1] == 0 && memcmp(written + 4, BASE_UUID + 4, 12) == 0)
    return gw_uuid16((uint16_t)(written[2] << 8 | written[3]));
  gw_uuid out = {.length = 16};
  memcpy(out.bytes, written, 16);
  return out;
}

gw_uuid gw_esp_uuid_from_nimble(const ble_uuid_t *uuid) {
  uint8_t written[16];
  switch (uuid->type) {
  case BLE_UUID_TYPE_16:
    return gw_uuid16(BLE_UUID16(uuid)->value);
  case BLE_UUID_TYPE_32: {
    uint32_t value = BLE_UUID32(uuid)->value;
    memcpy(written, BASE_UUID, 16);
    written[0] = (uint8_t)(value >> 24);
    written[1] = (uint8_t)(value >> 16);
    written[2] = (uint8_t)(value >> 8);
    written[3] = (uint8_t)value;
    return from_written_128(written);
  }
  default:
    for (size_t i = 0; i < 16; i++) written[i] = BLE_UUID128(uuid)->value[15 - i];
    return from_written_128(written);
  }
}
