#include "gw_message.h"

#include <string.h>

#include "gw_line_writer.h"

static const char *const STATE_WORDS[] = {
    [GW_STATE_CONNECTING] = "connecting",
    [GW_STATE_CONNECTED] = "connected",
    [GW_STATE_DISCONNECTED] = "disconnected",
    [GW_STATE_FAILED] = "failed",
};

size_t gw_format_hello(char *buffer, size_t capacity, const char *gateway_id, const char *firmware) {
  gw_line_writer w;
  gw_line_begin(&w, buffer, capacity, "HELLO");
  gw_line_field_uint(&w, GW_PROTOCOL_VERSION);
  gw_line_field_text(&w, gateway_id);
  gw_line_field_text(&w, firmware);
  return gw_line_end(&w);
}

size_t gw_format_status(char *buffer, size_t capacity, uint32_t uptime_seconds, uint8_t connected,
                        uint8_t watched) {
  gw_line_writer w;
  gw_line_begin(&w, buffer, capacity, "STATUS");
  gw_line_field_uint(&w, uptime_seconds);
  gw_line_field_uint(&w, connected);
  gw_line_field_uint(&w, watched);
  return gw_line_end(&w);
}

size_t gw_format_adv(char *buffer, size_t capacity, const gw_address *address, gw_address_type type,
                     int rssi, const char *name, const gw_uuid *services, size_t service_count) {
  if (rssi > GW_RSSI_MAX) rssi = rssi == 127 ? GW_RSSI_MIN : GW_RSSI_MAX;
  if (rssi < GW_RSSI_MIN) rssi = GW_RSSI_MIN;
  gw_line_writer w;
  gw_line_begin(&w, buffer, capacity, "ADV");
  gw_line_field_address(&w, address);
  gw_line_field_word(&w, type == GW_ADDRESS_RANDOM ? "random" : "public");
  gw_line_field_int(&w, (int32_t)rssi);
  gw_line_field_text(&w, name);
  gw_line_field_open(&w);
  for (size_t i = 0; i < service_count; i++) {
    if (i > 0) gw_line_append(&w, " ", 1);
    gw_line_append_uuid(&w, &services[i]);
  }
  return gw_line_end(&w);
}

size_t gw_format_state(char *buffer, size_t capacity, const gw_address *address,
                       gw_connection_state state, const char *reason) {
  if ((unsigned)state > GW_STATE_FAILED) return 0;
  gw_line_writer w;
  gw_line_begin(&w, buffer, capacity, "STATE");
  gw_line_field_address(&w, address);
  gw_line_field_word(&w, STATE_WORDS[state]);
  if (reason != NULL) gw_line_field_text(&w, reason);
  return gw_line_end(&w);
}

static size_t format_value_line(char *buffer, size_t capacity, const char *type, const gw_address *address,
                                const gw_uuid *service, const gw_uuid *characteristic, const uint8_t *value,
                                size_t length) {
  gw_line_writer w;
  gw_line_begin(&w, buffer, capacity, type);
  gw_line_field_address(&w, address);
  gw_line_field_uuid(&w, service);
  gw_line_field_uuid(&w, characteristic);
  gw_line_field_hex(&w, value, length);
  return gw_line_end(&w);
}

size_t gw_format_value(char *buffer, size_t capacity, bool indication, const gw_address *address,
                       const gw_uuid *service, const gw_uuid *characteristic, const uint8_t *value,
                       size_t length) {
  return format_value_line(buffer, capacity, indication ? "IND" : "NTF", address, service, characteristic, value,
                           length);
}

size_t gw_format_val(char *buffer, size_t capacity, const gw_address *address, const gw_uuid *service,
                     const gw_uuid *characteristic, const uint8_t *value, size_t length) {
  return format_value_line(buffer, capacity, "VAL", address, service, characteristic, value, length);
}

size_t gw_format_ok(char *buffer, size_t capacity, uint16_t id) {
  gw_line_writer w;
  gw_line_begin(&w, buffer, capacity, "OK");
  gw_line_field_uint(&w, id);
  return gw_line_end(&w);
}

size_t gw_format_err(char *buffer, size_t capacity, int32_t id, gw_error_code code, const char *message) {
  const char *name = gw_error_name(code);
  if (name == NULL) return 0;
  gw_line_writer w;
  gw_line_begin(&w, buffer, capacity, "ERR");
  if (id < 0 || id > (int32_t)GW_MAX_ID) gw_line_field_word(&w, "-");
  else gw_line_field_uint(&w, (uint32_t)id);
  gw_line_field_word(&w, name);
  gw_line_field_text(&w, message);
  return gw_line_end(&w);
}

static size_t put_hex(char *out, const uint8_t *bytes, size_t count, char separator) {
  static const char HEX[] = "0123456789ABCDEF";
  size_t at = 0;
  for (size_t i = 0; i < count; i++) {
    if (i > 0 && separator != 0) out[at++] = separator;
    out[at++] = HEX[bytes[i] >> 4];
    out[at++] = HEX[bytes[i] & 0x0F];
  }
  return at;
}

static size_t put_uuid(char *out, const gw_uuid *uuid) {
  if (uuid->length != 16) return put_hex(out, uuid->bytes, uuid->length, 0);
  size_t at = 0;
  static const uint8_t GROUPS[5] = {4, 2, 2, 2, 6};
  const uint8_t *bytes = uuid->bytes;
  for (size_t g = 0; g < 5; bytes += GROUPS[g], g++) {
    if (g > 0) out[at++] = '-';
    at += put_hex(out + at, bytes, GROUPS[g], 0);
  }
  return at;
}

const char *gw_describe_characteristic(char *out, size_t capacity, const gw_address *address,
                                       const gw_uuid *service, const gw_uuid *characteristic, const char *tail) {
  /* 17 + 1 + 36 + 1 + 36 characters at most before the tail. */
  char text[96];
  size_t at = put_hex(text, address->bytes, GW_ADDRESS_BYTES, ':');
  text[at++] = ' ';
  at += put_uuid(text + at, service);
  text[at++] = '/';
  at += put_uuid(text + at, characteristic);
  text[at] = '\0';
  size_t tail_length = strlen(tail);
  if (capacity == 0) return out;
  size_t head = at < capacity - 1 ? at : capacity - 1;
  memcpy(out, text, head);
  size_t rest = tail_length < capacity - 1 - head ? tail_length : capacity - 1 - head;
  memcpy(out + head, tail, rest);
  out[head + rest] = '\0';
  return out;
}
