#ifndef GW_COMMAND_H
#define GW_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_protocol.h"

/* The lines the agent sends, parsed. */
typedef enum {
  GW_CMD_PING,
  GW_CMD_STATUS,
  GW_CMD_SCAN,
  GW_CMD_CONNECT,
  GW_CMD_WRITE,
  GW_CMD_DISCONNECT,
  GW_CMD_SUBSCRIBE,
  GW_CMD_READ,
} gw_command_type;

typedef struct {
  gw_command_type type;
  uint16_t id;
  uint16_t scan_seconds;           /* SCAN: 1-300 */
  gw_address address;              /* CONNECT, WRITE, DISCONNECT, SUBSCRIBE, READ */
  bool has_address_type;           /* CONNECT: the optional fourth field was given */
  gw_address_type address_type;
  gw_uuid service;                 /* WRITE, SUBSCRIBE, READ */
  gw_uuid characteristic;          /* WRITE, SUBSCRIBE, READ */
  uint16_t payload_length;         /* WRITE: 0-GW_MAX_PAYLOAD_BYTES */
  uint8_t payload[GW_MAX_PAYLOAD_BYTES];
} gw_command;

typedef enum {
  GW_PARSE_OK = 0,
  GW_PARSE_IGNORED, /* no leading `$`: not protocol, no answer */
  GW_PARSE_ERROR,   /* answer with gw_parse_error */
} gw_parse_result;

/* What to answer a bad line: ERR,<id or ->,<code>,<message>. */
typedef struct {
  gw_error_code code;
  int32_t id; /* the line's id when its frame is sound and its second field is an id; else GW_NO_ID */
  const char *message;
} gw_parse_error;

/* Parses one line as handed on by gw_line_reader (a trailing CR or LF is allowed). */
gw_parse_result gw_parse_command(const uint8_t *line, size_t length, gw_command *command,
                                 gw_parse_error *error);

/* Field parsers shared with the host tools: each takes the whole field and accepts nothing else. */
bool gw_parse_address(const char *text, size_t length, gw_address *address);
bool gw_parse_uuid(const char *text, size_t length, gw_uuid *uuid);
bool gw_parse_integer(const char *text, size_t length, int64_t min, int64_t max, int64_t *value);
bool gw_parse_hex(const char *text, size_t length, uint8_t *bytes, size_t capacity, size_t *count);

#endif
