#include "gw_protocol.h"

#include <string.h>

static const char *const ERROR_NAMES[] = {
    [GW_ERR_BAD_CHECKSUM] = "BAD_CHECKSUM", [GW_ERR_BAD_COMMAND] = "BAD_COMMAND",
    [GW_ERR_TOO_LONG] = "TOO_LONG",         [GW_ERR_NOT_CONNECTED] = "NOT_CONNECTED",
    [GW_ERR_GATT_ERROR] = "GATT_ERROR",     [GW_ERR_BUSY] = "BUSY",
    [GW_ERR_TIMEOUT] = "TIMEOUT",           [GW_ERR_NOT_FOUND] = "NOT_FOUND",
    [GW_ERR_TOO_MANY] = "TOO_MANY",
};

const char *gw_error_name(gw_error_code code) {
  if (code <= GW_ERR_NONE || code > GW_ERR_TOO_MANY) return NULL;
  return ERROR_NAMES[code];
}

bool gw_uuid_equal(const gw_uuid *a, const gw_uuid *b) {
  return a->length == b->length && memcmp(a->bytes, b->bytes, a->length) == 0;
}

gw_uuid gw_uuid16(uint16_t value) {
  gw_uuid uuid = {.length = 2, .bytes = {(uint8_t)(value >> 8), (uint8_t)value}};
  return uuid;
}
