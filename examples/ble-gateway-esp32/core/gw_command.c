#include "gw_command.h"

#include <string.h>

#include "gw_crc.h"

/* WRITE has the most fields (6); one slot more tells "too many" from "just right". */
#define MAX_FIELDS 7

typedef struct {
  const char *text;
  size_t length;
} field;

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static bool is_upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

static bool field_is(const field *f, const char *word) {
  size_t n = strlen(word);
  return f->length == n && memcmp(f->text, word, n) == 0;
}

bool gw_parse_integer(const char *text, size_t length, int64_t min, int64_t max, int64_t *value) {
  /* The agent's codec reads /^-?\d{1,10}$/ and then checks the range; so does this. */
  size_t at = 0;
  bool negative = length > 0 && text[0] == '-';
  if (negative) at = 1;
  size_t digits = length - at;
  if (digits < 1 || digits > 10) return false;
  int64_t result = 0;
  for (; at < length; at++) {
    if (text[at] < '0' || text[at] > '9') return false;
    result = result * 10 + (text[at] - '0');
  }
  if (negative) result = -result;
  if (result < min || result > max) return false;
  *value = result;
  return true;
}

bool gw_parse_hex(const char *text, size_t length, uint8_t *bytes, size_t capacity, size_t *count) {
  if (length % 2 != 0 || length / 2 > capacity) return false;
  for (size_t i = 0; i < length; i += 2) {
    int high = hex_value(text[i]);
    int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes[i / 2] = (uint8_t)(high << 4 | low);
  }
  *count = length / 2;
  return true;
}

bool gw_parse_address(const char *text, size_t length, gw_address *address) {
  if (length != GW_ADDRESS_TEXT_LEN) return false;
  for (size_t i = 0; i < GW_ADDRESS_BYTES; i++) {
    const char *at = text + i * 3;
    int high = hex_value(at[0]);
    int low = hex_value(at[1]);
    if (high < 0 || low < 0 || (i < GW_ADDRESS_BYTES - 1 && at[2] != ':')) return false;
    address->bytes[i] = (uint8_t)(high << 4 | low);
  }
  return true;
}

/* 0000xxxx-0000-1000-8000-00805F9B34FB: a SIG UUID in its long form. */
static const uint8_t BLUETOOTH_BASE_TAIL[12] = {0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                                0x00, 0x80, 0x5F, 0x9B, 0x34, 0xFB};

bool gw_parse_uuid(const char *text, size_t length, gw_uuid *uuid) {
  size_t count = 0;
  if (length == 4) {
    if (!gw_parse_hex(text, 4, uuid->bytes, 2, &count)) return false;
    uuid->length = 2;
    return true;
  }
  if (length != 36) return false;
  /* 8-4-4-4-12 hex digits with hyphens between. */
  static const uint8_t GROUPS[5] = {8, 4, 4, 4, 12};
  size_t at = 0;
  size_t written = 0;
  for (size_t g = 0; g < 5; g++) {
    if (g > 0 && text[at++] != '-') return false;
    if (!gw_parse_hex(text + at, GROUPS[g], uuid->bytes + written, 16 - written, &count)) return false;
    at += GROUPS[g];
    written += count;
  }
  uuid->length = 16;
  if (uuid->bytes[0] == 0 && uuid->bytes[1] == 0 &&
      memcmp(uuid->bytes + 4, BLUETOOTH_BASE_TAIL, sizeof BLUETOOTH_BASE_TAIL) == 0) {
    uuid->bytes[0] = uuid->bytes[2];
    uuid->bytes[1] = uuid->bytes[3];
    uuid->length = 2;
  }
  return true;
}

static gw_parse_result refuse(gw_parse_error *error, gw_error_code code, int32_t id, const char *message) {
  error->code = code;
  error->id = id;
  error->message = message;
  return GW_PARSE_ERROR;
}

/* Checks `$BODY*CRC` and finds BODY; on failure fills `error`. */
static bool check_frame(const uint8_t *line, size_t length, size_t *body_end, gw_parse_error *error) {
  if (length < 6 || line[length - 5] != '*') {
    refuse(error, GW_ERR_BAD_CHECKSUM, GW_NO_ID, "no *CRC at the end of the line");
    return false;
  }
  const char *crc_text = (const char *)line + length - 4;
  uint16_t expected = 0;
  for (size_t i = 0; i < 4; i++) {
    if (!is_upper_hex(crc_text[i])) {
      refuse(error, GW_ERR_BAD_CHECKSUM, GW_NO_ID, "CRC is not four upper-case hex digits");
      return false;
    }
    expected = (uint16_t)(expected << 4 | (uint16_t)hex_value(crc_text[i]));
  }
  if (gw_crc16(line + 1, length - 6) != expected) {
    refuse(error, GW_ERR_BAD_CHECKSUM, GW_NO_ID, "CRC does not match");
    return false;
  }
  *body_end = length - 5;
  return true;
}

static size_t split(const char *body, size_t length, field *fields) {
  size_t count = 0;
  size_t start = 0;
  for (size_t i = 0; i <= length; i++) {
    if (i == length || body[i] == ',') {
      /* Counts every field, keeps the first MAX_FIELDS: more than any command has is refused anyway. */
      if (count < MAX_FIELDS) {
        fields[count].text = body + start;
        fields[count].length = i - start;
      }
      count++;
      start = i + 1;
    }
  }
  return count;
}

static gw_parse_result parse_fields(const field *fields, size_t count, gw_command *command,
                                    gw_parse_error *error) {
  int64_t id = 0;
  bool has_id = count >= 2 && gw_parse_integer(fields[1].text, fields[1].length, 0, GW_MAX_ID, &id);
  int32_t answer_id = has_id ? (int32_t)id : GW_NO_ID;
#define BAD(message) refuse(error, GW_ERR_BAD_COMMAND, answer_id, message)
  memset(command, 0, offsetof(gw_command, payload));
  command->id = (uint16_t)id;
  const field *type = &fields[0];
  size_t min = 0;
  size_t max = 0;
  if (field_is(type, "PING")) {
    command->type = GW_CMD_PING, min = max = 2;
  } else if (field_is(type, "STATUS")) {
    command->type = GW_CMD_STATUS, min = max = 2;
  } else if (field_is(type, "SCAN")) {
    command->type = GW_CMD_SCAN, min = max = 3;
  } else if (field_is(type, "CONNECT")) {
    command->type = GW_CMD_CONNECT, min = 3, max = 4;
  } else if (field_is(type, "WRITE")) {
    command->type = GW_CMD_WRITE, min = max = 6;
  } else if (field_is(type, "DISCONNECT")) {
    command->type = GW_CMD_DISCONNECT, min = max = 3;
  } else if (field_is(type, "SUBSCRIBE")) {
    command->type = GW_CMD_SUBSCRIBE, min = max = 5;
  } else if (field_is(type, "READ")) {
    command->type = GW_CMD_READ, min = max = 5;
  } else {
    return BAD("unknown command");
  }
  if (count < min || count > max) return BAD("wrong number of fields");
  if (!has_id) return BAD("id is not an integer 0-65535");
  if (command->type == GW_CMD_SCAN) {
    int64_t seconds = 0;
    if (!gw_parse_integer(fields[2].text, fields[2].length, 1, 300, &seconds))
      return BAD("seconds is not an integer 1-300");
    command->scan_seconds = (uint16_t)seconds;
  }
  if (command->type != GW_CMD_PING && command->type != GW_CMD_STATUS && command->type != GW_CMD_SCAN) {
    if (!gw_parse_address(fields[2].text, fields[2].length, &command->address))
      return BAD("bad device address");
  }
  if (command->type == GW_CMD_CONNECT && count == 4) {
    command->has_address_type = true;
    if (field_is(&fields[3], "public")) command->address_type = GW_ADDRESS_PUBLIC;
    else if (field_is(&fields[3], "random")) command->address_type = GW_ADDRESS_RANDOM;
    else return BAD("address type is neither public nor random");
  }
  if (command->type == GW_CMD_WRITE || command->type == GW_CMD_SUBSCRIBE || command->type == GW_CMD_READ) {
    if (!gw_parse_uuid(fields[3].text, fields[3].length, &command->service)) return BAD("bad service UUID");
    if (!gw_parse_uuid(fields[4].text, fields[4].length, &command->characteristic))
      return BAD("bad characteristic UUID");
  }
  if (command->type == GW_CMD_WRITE) {
    size_t bytes = 0;
    if (!gw_parse_hex(fields[5].text, fields[5].length, command->payload, GW_MAX_PAYLOAD_BYTES, &bytes))
      return BAD("payload is not hex of at most 512 bytes");
    command->payload_length = (uint16_t)bytes;
  }
#undef BAD
  return GW_PARSE_OK;
}

gw_parse_result gw_parse_command(const uint8_t *line, size_t length, gw_command *command,
                                 gw_parse_error *error) {
  while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) length--;
  if (length == 0 || line[0] != '$') return GW_PARSE_IGNORED;
  size_t body_end = 0;
  if (!check_frame(line, length, &body_end, error)) return GW_PARSE_ERROR;
  field fields[MAX_FIELDS];
  size_t count = split((const char *)line + 1, body_end - 1, fields);
  return parse_fields(fields, count, command, error);
}
