/* The core's line codec as a filter, for cross-language tests against the agent's codec.
 *
 *   gw_lines parse            each command line on stdin -> one JSON line: its meaning, the ERR the
 *                             gateway answers ({"answer":{"id","code"}}), or {"ignored":true}
 *   gw_lines emit SEED COUNT  COUNT random gateway lines built by the core's formatters, each as
 *                             "<meaning as JSON>\t<the line, CR LF included>"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_command.h"
#include "gw_line_reader.h"
#include "gw_message.h"

static void print_uuid(const gw_uuid *uuid) {
  for (size_t i = 0; i < uuid->length; i++) {
    if (uuid->length == 16 && (i == 4 || i == 6 || i == 8 || i == 10)) putchar('-');
    printf("%02x", uuid->bytes[i]);
  }
}

static void print_address(const gw_address *address) {
  const uint8_t *b = address->bytes;
  printf("\"%02X:%02X:%02X:%02X:%02X:%02X\"", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static void print_command(const gw_command *c) {
  static const char *const TYPES[] = {"ping", "status", "scan", "connect", "write", "disconnect", "subscribe", "read"};
  printf("{\"type\":\"%s\",\"id\":%u", TYPES[c->type], c->id);
  if (c->type == GW_CMD_SCAN) printf(",\"seconds\":%u", c->scan_seconds);
  if (c->type != GW_CMD_PING && c->type != GW_CMD_STATUS && c->type != GW_CMD_SCAN) {
    printf(",\"address\":");
    print_address(&c->address);
  }
  if (c->type == GW_CMD_CONNECT && c->has_address_type)
    printf(",\"addressType\":\"%s\"", c->address_type == GW_ADDRESS_RANDOM ? "random" : "public");
  if (c->type == GW_CMD_WRITE || c->type == GW_CMD_SUBSCRIBE || c->type == GW_CMD_READ) {
    printf(",\"service\":\"");
    print_uuid(&c->service);
    printf("\",\"characteristic\":\"");
    print_uuid(&c->characteristic);
    putchar('"');
  }
  if (c->type == GW_CMD_WRITE) {
    printf(",\"payload\":\"");
    for (size_t i = 0; i < c->payload_length; i++) printf("%02x", c->payload[i]);
    putchar('"');
  }
  printf("}\n");
}

static void print_answer(int32_t id, gw_error_code code) {
  if (id == GW_NO_ID) printf("{\"answer\":{\"id\":null,\"code\":\"%s\"}}\n", gw_error_name(code));
  else printf("{\"answer\":{\"id\":%d,\"code\":\"%s\"}}\n", (int)id, gw_error_name(code));
}

static int parse(void) {
  static gw_line_reader reader;
  static gw_command command;
  gw_line_reader_init(&reader);
  int byte;
  while ((byte = getchar()) != EOF) {
    gw_read_result read = gw_line_reader_push(&reader, (uint8_t)byte);
    if (read == GW_READ_TOO_LONG) print_answer(GW_NO_ID, GW_ERR_TOO_LONG);
    if (read != GW_READ_LINE) continue;
    gw_parse_error error;
    gw_parse_result result = gw_parse_command(reader.line, reader.length, &command, &error);
    if (result == GW_PARSE_OK) print_command(&command);
    else if (result == GW_PARSE_ERROR) print_answer(error.id, error.code);
    else printf("{\"ignored\":true}\n");
  }
  return 0;
}

static uint64_t seed;
static uint32_t next_random(void) {
  seed ^= seed >> 12;
  seed ^= seed << 25;
  seed ^= seed >> 27;
  return (uint32_t)((seed * 0x2545F4914F6CDD1Du) >> 32);
}
static uint32_t below(uint32_t n) { return next_random() % n; }

/* Text of printable ASCII, the escaped specials, control bytes and valid UTF-8 (2 and 3 bytes). */
static void random_text(char *out, size_t max_chars) {
  static const char *const PIECES[] = {"a", "Z", "0", " ", "%", ",", "*", "$", "\t", "\r", "\n",
                                       "\"", "\\", "\xC3\xA9", "\xE2\x82\xAC", "~", "-"};
  size_t length = 0;
  size_t chars = below((uint32_t)max_chars + 1);
  for (size_t i = 0; i < chars; i++) {
    const char *piece = PIECES[below(sizeof PIECES / sizeof PIECES[0])];
    size_t n = strlen(piece);
    memcpy(out + length, piece, n);
    length += n;
  }
  out[length] = '\0';
}

static void print_json_text(const char *text) {
  putchar('"');
  for (const unsigned char *at = (const unsigned char *)text; *at != 0; at++) {
    if (*at == '"' || *at == '\\') printf("\\%c", *at);
    else if (*at < 0x20) printf("\\u%04x", *at);
    else putchar(*at);
  }
  putchar('"');
}

static gw_address random_address(void) {
  gw_address address;
  for (size_t i = 0; i < GW_ADDRESS_BYTES; i++) address.bytes[i] = (uint8_t)below(256);
  return address;
}

static gw_uuid random_uuid(void) {
  if (below(2) == 0) return gw_uuid16((uint16_t)below(65536));
  gw_uuid uuid = {.length = 16};
  for (size_t i = 0; i < 16; i++) uuid.bytes[i] = (uint8_t)below(256);
  uuid.bytes[0] |= 0x80; /* never on the Bluetooth base, which reads back as 16-bit */
  return uuid;
}

static void print_uuid_json(const gw_uuid *uuid) {
  putchar('"');
  print_uuid(uuid);
  putchar('"');
}

/* One random line: its meaning as JSON on stdout, the line itself into `line`. */
static size_t emit_one(char *line, size_t capacity) {
  static const char *const STATES[] = {"connecting", "connected", "disconnected", "failed"};
  char a[400], b[400];
  gw_address address = random_address();
  switch (below(8)) {
    case 0:
      random_text(a, 40), random_text(b, 40);
      printf("{\"type\":\"hello\",\"protocolVersion\":1,\"gatewayId\":");
      print_json_text(a), printf(",\"firmware\":"), print_json_text(b), printf("}");
      return gw_format_hello(line, capacity, a, b);
    case 1: {
      uint32_t uptime = next_random();
      uint8_t connected = (uint8_t)below(256), watched = (uint8_t)below(256);
      printf("{\"type\":\"status\",\"uptimeSeconds\":%u,\"connected\":%u,\"watched\":%u}", uptime, connected, watched);
      return gw_format_status(line, capacity, uptime, connected, watched);
    }
    case 2: {
      gw_uuid services[3];
      size_t count = below(4);
      int rssi = (int)below(148) - 127;
      gw_address_type type = below(2) ? GW_ADDRESS_RANDOM : GW_ADDRESS_PUBLIC;
      random_text(a, 30);
      printf("{\"type\":\"advertisement\",\"address\":");
      print_address(&address);
      printf(",\"addressType\":\"%s\",\"rssi\":%d,\"name\":", type == GW_ADDRESS_RANDOM ? "random" : "public", rssi);
      print_json_text(a);
      printf(",\"services\":[");
      for (size_t i = 0; i < count; i++) {
        services[i] = random_uuid();
        if (i > 0) putchar(',');
        print_uuid_json(&services[i]);
      }
      printf("]}");
      return gw_format_adv(line, capacity, &address, type, rssi, a, services, count);
    }
    case 3: {
      gw_connection_state state = (gw_connection_state)below(4);
      bool reason = below(2) == 0;
      random_text(a, 30);
      printf("{\"type\":\"state\",\"address\":");
      print_address(&address);
      printf(",\"state\":\"%s\"", STATES[state]);
      if (reason) printf(",\"reason\":"), print_json_text(a);
      printf("}");
      return gw_format_state(line, capacity, &address, state, reason ? a : NULL);
    }
    case 4:
    case 5: {
      static uint8_t value[GW_MAX_PAYLOAD_BYTES];
      size_t length = below(8) == 0 ? below(GW_MAX_PAYLOAD_BYTES + 1) : below(24);
      for (size_t i = 0; i < length; i++) value[i] = (uint8_t)below(256);
      gw_uuid service = random_uuid(), characteristic = random_uuid();
      /* NTF, IND, or a READ's VAL: the same fields. */
      uint32_t kind = below(3);
      static const char *const KINDS[] = {"notification", "indication", "value"};
      printf("{\"type\":\"%s\",\"address\":", KINDS[kind]);
      print_address(&address);
      printf(",\"service\":"), print_uuid_json(&service);
      printf(",\"characteristic\":"), print_uuid_json(&characteristic);
      printf(",\"payload\":\"");
      for (size_t i = 0; i < length; i++) printf("%02x", value[i]);
      printf("\"}");
      if (kind == 2) return gw_format_val(line, capacity, &address, &service, &characteristic, value, length);
      return gw_format_value(line, capacity, kind == 1, &address, &service, &characteristic, value, length);
    }
    case 6: {
      uint16_t id = (uint16_t)below(65536);
      printf("{\"type\":\"ok\",\"id\":%u}", id);
      return gw_format_ok(line, capacity, id);
    }
    default: {
      int32_t id = below(4) == 0 ? GW_NO_ID : (int32_t)below(65536);
      gw_error_code code = (gw_error_code)(1 + below(GW_ERR_TOO_MANY));
      random_text(a, 40);
      if (id == GW_NO_ID) printf("{\"type\":\"error\",\"id\":null");
      else printf("{\"type\":\"error\",\"id\":%d", (int)id);
      printf(",\"code\":\"%s\",\"message\":", gw_error_name(code));
      print_json_text(a);
      printf("}");
      return gw_format_err(line, capacity, id, code, a);
    }
  }
}

static int emit(uint64_t start, long count) {
  static char line[GW_MAX_LINE_BYTES];
  seed = start == 0 ? 1 : start;
  for (long i = 0; i < count; i++) {
    size_t length = emit_one(line, sizeof line);
    if (length == 0) {
      fprintf(stderr, "gw_lines: line %ld did not fit\n", i);
      return 1;
    }
    putchar('\t');
    fwrite(line, 1, length, stdout);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "parse") == 0) return parse();
  if (argc == 4 && strcmp(argv[1], "emit") == 0) return emit(strtoull(argv[2], NULL, 10), strtol(argv[3], NULL, 10));
  fprintf(stderr, "usage: gw_lines parse | gw_lines emit SEED COUNT\n");
  return 2;
}
