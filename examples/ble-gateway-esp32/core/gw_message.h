#ifndef GW_MESSAGE_H
#define GW_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_protocol.h"

/* Every line the gateway sends. Each writes one whole line (CR LF included) into `buffer` and
 * returns its length, or 0 when it would not fit `capacity` or GW_MAX_LINE_BYTES (then nothing is
 * to be sent). A buffer of GW_MAX_LINE_BYTES always fits a line the core builds from valid input. */

typedef enum {
  GW_STATE_CONNECTING,
  GW_STATE_CONNECTED,
  GW_STATE_DISCONNECTED,
  GW_STATE_FAILED,
} gw_connection_state;

/* RSSI goes out within -127..20 dBm (the range the agent accepts); a controller's 127, "not
 * available", goes out as -127. */
#define GW_RSSI_MIN (-127)
#define GW_RSSI_MAX 20

size_t gw_format_hello(char *buffer, size_t capacity, const char *gateway_id, const char *firmware);
size_t gw_format_status(char *buffer, size_t capacity, uint32_t uptime_seconds, uint8_t connected,
                        uint8_t watched);
/* `services`: 16-bit and 128-bit advertised services alike, space-separated in one field. */
size_t gw_format_adv(char *buffer, size_t capacity, const gw_address *address, gw_address_type type,
                     int rssi, const char *name, const gw_uuid *services, size_t service_count);
/* `reason` may be NULL (no fourth field). */
size_t gw_format_state(char *buffer, size_t capacity, const gw_address *address,
                       gw_connection_state state, const char *reason);
/* NTF (indication false) or IND. */
size_t gw_format_value(char *buffer, size_t capacity, bool indication, const gw_address *address,
                       const gw_uuid *service, const gw_uuid *characteristic, const uint8_t *value,
                       size_t length);
/* VAL: the value a READ got, sent before that READ's OK. */
size_t gw_format_val(char *buffer, size_t capacity, const gw_address *address, const gw_uuid *service,
                     const gw_uuid *characteristic, const uint8_t *value, size_t length);
size_t gw_format_ok(char *buffer, size_t capacity, uint16_t id);
/* `id` GW_NO_ID writes `-`. */
size_t gw_format_err(char *buffer, size_t capacity, int32_t id, gw_error_code code, const char *message);
/* "<address> <service>/<characteristic><tail>" into `out` (cut to fit), for the text of an ERR
 * about one characteristic: "A4:C1:38:00:00:05 180A/2A29 not on the device". */
const char *gw_describe_characteristic(char *out, size_t capacity, const gw_address *address,
                                       const gw_uuid *service, const gw_uuid *characteristic, const char *tail);

#endif
