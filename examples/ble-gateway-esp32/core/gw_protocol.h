#ifndef GW_PROTOCOL_H
#define GW_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The gateway line protocol, version 1 (docs/gateway-protocol.md): the limits and the shared types. */
#define GW_PROTOCOL_VERSION 1
/* A line on the wire is at most this many bytes including its end. */
#define GW_MAX_LINE_BYTES 1200
/* The largest ATT value: 1,024 hex digits on the wire. */
#define GW_MAX_PAYLOAD_BYTES 512
#define GW_ADDRESS_BYTES 6
#define GW_ADDRESS_TEXT_LEN 17
#define GW_MAX_ID 65535u
/* A command's id, or none: a damaged line's id cannot be trusted, so its ERR carries "-". */
#define GW_NO_ID (-1)

typedef enum {
  GW_ERR_NONE = 0,
  GW_ERR_BAD_CHECKSUM, /* the frame is damaged: no "*CRC", a CRC that is not 4 upper-case hex, or a mismatch */
  GW_ERR_BAD_COMMAND,  /* an unknown type, or wrong fields */
  GW_ERR_TOO_LONG,     /* the line passed GW_MAX_LINE_BYTES before its LF */
  GW_ERR_NOT_CONNECTED,
  GW_ERR_GATT_ERROR,
  GW_ERR_BUSY,
  GW_ERR_TIMEOUT,
  GW_ERR_NOT_FOUND,
  GW_ERR_TOO_MANY,
} gw_error_code;

/* The code's name as it travels in an ERR line ("BAD_COMMAND"); NULL for GW_ERR_NONE or out of range. */
const char *gw_error_name(gw_error_code code);

typedef enum { GW_ADDRESS_PUBLIC = 0, GW_ADDRESS_RANDOM = 1 } gw_address_type;

typedef struct {
  uint8_t bytes[GW_ADDRESS_BYTES]; /* in the order written: bytes[0] is "AA" of AA:BB:... */
} gw_address;

/* A 16-bit SIG UUID (length 2) or a 128-bit vendor UUID (length 16), bytes in written order. A
 * 128-bit UUID on the Bluetooth base is kept as its 16-bit form, so one service has one spelling. */
typedef struct {
  uint8_t length;
  uint8_t bytes[16];
} gw_uuid;

bool gw_uuid_equal(const gw_uuid *a, const gw_uuid *b);
gw_uuid gw_uuid16(uint16_t value);

#endif
