#include "gw_line_reader.h"

void gw_line_reader_init(gw_line_reader *reader) {
  reader->length = 0;
  reader->skipping = false;
  reader->delivered = false;
}

gw_read_result gw_line_reader_push(gw_line_reader *reader, uint8_t byte) {
  if (reader->delivered) {
    reader->length = 0;
    reader->delivered = false;
  }
  if (byte == '\n') {
    if (reader->skipping) {
      reader->skipping = false;
      reader->length = 0;
      return GW_READ_MORE;
    }
    if (reader->length == 0) return GW_READ_MORE;
    reader->delivered = true;
    return GW_READ_LINE;
  }
  if (reader->skipping) return GW_READ_MORE;
  if (reader->length == GW_MAX_LINE_BYTES) {
    reader->skipping = true;
    bool command = reader->line[0] == '$';
    reader->length = 0;
    return command ? GW_READ_TOO_LONG : GW_READ_MORE;
  }
  reader->line[reader->length++] = byte;
  return GW_READ_MORE;
}
