#ifndef GW_CRC_H
#define GW_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR ("123456789" -> 0x29B1). */
#define GW_CRC_INIT 0xFFFFu

uint16_t gw_crc16_update(uint16_t crc, const uint8_t *bytes, size_t length);
uint16_t gw_crc16(const uint8_t *bytes, size_t length);

#endif
