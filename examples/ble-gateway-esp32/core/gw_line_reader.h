#ifndef GW_LINE_READER_H
#define GW_LINE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_protocol.h"

/* Splits the bytes of the serial link into lines, in a fixed buffer. A line is handed on whole and
 * only within the cap: up to GW_MAX_LINE_BYTES bytes before its LF (a CR counts), the same cap the
 * agent applies. A longer `$` line is reported once as too long and its rest dropped up to the LF;
 * a longer line without `$` is noise and dropped silently. Empty lines are skipped. */
typedef struct {
  uint8_t line[GW_MAX_LINE_BYTES];
  size_t length;
  bool skipping;   /* inside an overlong line: drop up to the LF */
  bool delivered;  /* the last push returned a line: the next push starts a new one */
} gw_line_reader;

typedef enum {
  GW_READ_MORE = 0, /* nothing to do yet */
  GW_READ_LINE,     /* reader->line[0..length) is a whole line, LF removed (a CR may remain) */
  GW_READ_TOO_LONG, /* a `$` line passed the cap: answer ERR,-,TOO_LONG */
} gw_read_result;

void gw_line_reader_init(gw_line_reader *reader);
gw_read_result gw_line_reader_push(gw_line_reader *reader, uint8_t byte);

#endif
