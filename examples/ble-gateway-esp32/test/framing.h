#ifndef GW_TEST_FRAMING_H
#define GW_TEST_FRAMING_H

#include <stdio.h>
#include <string.h>

#include "gw_crc.h"

/* `$body*CRC\r\n` with a correct CRC, for writing test lines by their body alone. */
static inline size_t frame_line(char *out, size_t capacity, const char *body) {
  size_t length = strlen(body);
  int written = snprintf(out, capacity, "$%s*%04X\r\n", body, gw_crc16((const uint8_t *)body, length));
  return written < 0 ? 0 : (size_t)written;
}

#endif
