#include "gw_line_writer.h"

#include <string.h>

#include "gw_crc.h"

static const char HEX[] = "0123456789ABCDEF";

/* Room for the end: `*` CRC CR LF. */
#define END_BYTES 7

static size_t limit(const gw_line_writer *writer) {
  size_t cap = writer->capacity < GW_MAX_LINE_BYTES ? writer->capacity : GW_MAX_LINE_BYTES;
  return cap < END_BYTES ? 0 : cap - END_BYTES;
}

static void put(gw_line_writer *writer, char c) {
  if (writer->overflow || writer->length >= limit(writer)) {
    writer->overflow = true;
    return;
  }
  writer->buffer[writer->length++] = c;
  /* The CRC covers what follows the `$`. */
  if (writer->length > 1) writer->crc = gw_crc16_update(writer->crc, (const uint8_t *)&c, 1);
}

static void put_hex_byte(gw_line_writer *writer, uint8_t byte) {
  put(writer, HEX[byte >> 4]);
  put(writer, HEX[byte & 0x0F]);
}

void gw_line_append(gw_line_writer *writer, const char *text, size_t length) {
  for (size_t i = 0; i < length; i++) put(writer, text[i]);
}

void gw_line_begin(gw_line_writer *writer, char *buffer, size_t capacity, const char *type) {
  writer->buffer = buffer;
  writer->capacity = capacity;
  writer->length = 0;
  writer->crc = GW_CRC_INIT;
  writer->overflow = false;
  put(writer, '$');
  gw_line_append(writer, type, strlen(type));
}

void gw_line_field_open(gw_line_writer *writer) { put(writer, ','); }

void gw_line_field_word(gw_line_writer *writer, const char *word) {
  gw_line_field_open(writer);
  gw_line_append(writer, word, strlen(word));
}

void gw_line_field_text(gw_line_writer *writer, const char *text) {
  gw_line_field_open(writer);
  for (const unsigned char *at = (const unsigned char *)text; *at != 0; at++) {
    unsigned char c = *at;
    if (c < 0x20 || c > 0x7E || c == '%' || c == ',' || c == '*' || c == '$') {
      put(writer, '%');
      put_hex_byte(writer, c);
    } else {
      put(writer, (char)c);
    }
  }
}

static void put_decimal(gw_line_writer *writer, uint32_t value) {
  char digits[10];
  size_t count = 0;
  do {
    digits[count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value > 0);
  while (count > 0) put(writer, digits[--count]);
}

void gw_line_field_uint(gw_line_writer *writer, uint32_t value) {
  gw_line_field_open(writer);
  put_decimal(writer, value);
}

void gw_line_field_int(gw_line_writer *writer, int32_t value) {
  gw_line_field_open(writer);
  if (value < 0) put(writer, '-');
  put_decimal(writer, value < 0 ? (uint32_t)(-(int64_t)value) : (uint32_t)value);
}

void gw_line_field_address(gw_line_writer *writer, const gw_address *address) {
  gw_line_field_open(writer);
  for (size_t i = 0; i < GW_ADDRESS_BYTES; i++) {
    if (i > 0) put(writer, ':');
    put_hex_byte(writer, address->bytes[i]);
  }
}

void gw_line_append_uuid(gw_line_writer *writer, const gw_uuid *uuid) {
  for (size_t i = 0; i < uuid->length; i++) {
    if (uuid->length == 16 && (i == 4 || i == 6 || i == 8 || i == 10)) put(writer, '-');
    put_hex_byte(writer, uuid->bytes[i]);
  }
}

void gw_line_field_uuid(gw_line_writer *writer, const gw_uuid *uuid) {
  gw_line_field_open(writer);
  gw_line_append_uuid(writer, uuid);
}

void gw_line_field_hex(gw_line_writer *writer, const uint8_t *bytes, size_t length) {
  gw_line_field_open(writer);
  for (size_t i = 0; i < length; i++) put_hex_byte(writer, bytes[i]);
}

size_t gw_line_end(gw_line_writer *writer) {
  if (writer->overflow) return 0;
  /* limit() kept END_BYTES free, so these writes cannot fail. */
  char *at = writer->buffer + writer->length;
  at[0] = '*';
  for (int i = 0; i < 4; i++) at[1 + i] = HEX[(writer->crc >> (12 - 4 * i)) & 0x0F];
  at[5] = '\r';
  at[6] = '\n';
  writer->length += END_BYTES;
  return writer->length;
}
