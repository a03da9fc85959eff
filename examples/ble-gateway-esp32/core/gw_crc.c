#include "gw_crc.h"

/* Bitwise, not a 512-byte table: a line is at most 1,200 bytes, so eight shifts a byte cost the
 * chip microseconds, and the flash stays free for the radio stack. */
uint16_t gw_crc16_update(uint16_t crc, const uint8_t *bytes, size_t length) {
  for (size_t i = 0; i < length; i++) {
    crc = (uint16_t)(crc ^ (bytes[i] << 8));
    for (int bit = 0; bit < 8; bit++) {
      uint16_t shifted = (uint16_t)(crc << 1);
      crc = (crc & 0x8000u) ? (uint16_t)(shifted ^ 0x1021u) : shifted;
    }
  }
  return crc;
}

uint16_t gw_crc16(const uint8_t *bytes, size_t length) {
  return gw_crc16_update(GW_CRC_INIT, bytes, length);
}
