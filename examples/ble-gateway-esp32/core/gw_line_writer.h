#ifndef GW_LINE_WRITER_H
#define GW_LINE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_protocol.h"

/* Builds one `$TYPE,field,...*CRC\r\n` line in a caller's buffer, computing the CRC as it goes. A
 * line that would pass the buffer or GW_MAX_LINE_BYTES is not sent in part: gw_line_end returns 0. */
typedef struct {
  char *buffer;
  size_t capacity;
  size_t length;
  uint16_t crc;
  bool overflow;
} gw_line_writer;

void gw_line_begin(gw_line_writer *writer, char *buffer, size_t capacity, const char *type);
/* A field written as given: the caller vouches it needs no escaping (a word such as "connected"). */
void gw_line_field_word(gw_line_writer *writer, const char *word);
/* A text field: `%`, `,`, `*`, `$` and bytes outside 0x20-0x7E travel as %XX. */
void gw_line_field_text(gw_line_writer *writer, const char *text);
void gw_line_field_uint(gw_line_writer *writer, uint32_t value);
void gw_line_field_int(gw_line_writer *writer, int32_t value);
void gw_line_field_address(gw_line_writer *writer, const gw_address *address);
void gw_line_field_uuid(gw_line_writer *writer, const gw_uuid *uuid);
void gw_line_field_hex(gw_line_writer *writer, const uint8_t *bytes, size_t length);
/* Starts a field and leaves it open, for fields built from parts (ADV's service list). */
void gw_line_field_open(gw_line_writer *writer);
void gw_line_append(gw_line_writer *writer, const char *text, size_t length);
void gw_line_append_uuid(gw_line_writer *writer, const gw_uuid *uuid);
/* Ends the line; returns its length including CR LF, or 0 if it did not fit. */
size_t gw_line_end(gw_line_writer *writer);

#endif
