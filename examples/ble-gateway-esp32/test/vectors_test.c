/* The cross-language vectors (packages/devices/vectors/gateway-lines.jsonl), also checked by the
 * agent's codec: every command line parses to its meaning or gets its documented answer, and every
 * gateway line is written byte for byte from its meaning. */
#include <stdio.h>

#include "gateway_lines.h"
#include "gw_command.h"
#include "gw_message.h"
#include "test_main.h"

#define VECTOR_COUNT (sizeof GW_VECTORS / sizeof GW_VECTORS[0])

static char text[GW_MAX_LINE_BYTES];

/* The field as the vectors write it: UUIDs and payloads in lower case, addresses in upper. */
static const char *uuid_text(const gw_uuid *uuid, char *out) {
  size_t at = 0;
  for (size_t i = 0; i < uuid->length; i++) {
    if (uuid->length == 16 && (i == 4 || i == 6 || i == 8 || i == 10)) out[at++] = '-';
    at += (size_t)sprintf(out + at, "%02x", uuid->bytes[i]);
  }
  out[at] = '\0';
  return out;
}

static const char *address_text(const gw_address *address, char *out) {
  const uint8_t *b = address->bytes;
  sprintf(out, "%02X:%02X:%02X:%02X:%02X:%02X", b[0], b[1], b[2], b[3], b[4], b[5]);
  return out;
}

static void expect_arg(const gw_vector *vector, size_t index, const char *actual) {
  const char *expected = vector->args[index];
  bool same = (expected == NULL && actual == NULL) ||
              (expected != NULL && actual != NULL && strcmp(expected, actual) == 0);
  if (!same) {
    print_error("vector %s: field %zu is \"%s\", expected \"%s\"\n", vector->id, index,
                actual ? actual : "(none)", expected ? expected : "(none)");
    fail();
  }
}

static void expect_command_meaning(const gw_vector *vector, const gw_command *command) {
  static const char *const TYPES[] = {"ping", "status", "scan", "connect", "write", "disconnect", "subscribe", "read"};
  char buffer[3][40];
  if (strcmp(TYPES[command->type], vector->type) != 0) {
    print_error("vector %s: parsed as %s, expected %s\n", vector->id, TYPES[command->type], vector->type);
    fail();
  }
  sprintf(buffer[0], "%u", command->id);
  expect_arg(vector, 0, buffer[0]);
  switch (command->type) {
    case GW_CMD_SCAN:
      sprintf(buffer[1], "%u", command->scan_seconds);
      expect_arg(vector, 1, buffer[1]);
      break;
    case GW_CMD_CONNECT:
      expect_arg(vector, 1, address_text(&command->address, buffer[1]));
      expect_arg(vector, 2, !command->has_address_type ? NULL
                            : command->address_type == GW_ADDRESS_RANDOM ? "random" : "public");
      break;
    case GW_CMD_WRITE: {
      expect_arg(vector, 1, address_text(&command->address, buffer[1]));
      expect_arg(vector, 2, uuid_text(&command->service, buffer[2]));
      expect_arg(vector, 3, uuid_text(&command->characteristic, buffer[0]));
      size_t at = 0;
      for (size_t i = 0; i < command->payload_length; i++) at += (size_t)sprintf(text + at, "%02x", command->payload[i]);
      text[at] = '\0';
      expect_arg(vector, 4, text);
      break;
    }
    case GW_CMD_DISCONNECT:
      expect_arg(vector, 1, address_text(&command->address, buffer[1]));
      break;
    case GW_CMD_SUBSCRIBE:
    case GW_CMD_READ:
      expect_arg(vector, 1, address_text(&command->address, buffer[1]));
      expect_arg(vector, 2, uuid_text(&command->service, buffer[2]));
      expect_arg(vector, 3, uuid_text(&command->characteristic, buffer[0]));
      break;
    default:
      break;
  }
}

static void every_good_command_parses_to_its_meaning(void **state) {
  (void)state;
  static gw_command command;
  size_t checked = 0;
  for (size_t i = 0; i < VECTOR_COUNT; i++) {
    const gw_vector *vector = &GW_VECTORS[i];
    if (!vector->command || vector->kind != GW_VECTOR_GOOD) continue;
    gw_parse_error error;
    gw_parse_result result = gw_parse_command((const uint8_t *)vector->line, vector->length, &command, &error);
    if (result != GW_PARSE_OK) {
      print_error("vector %s: refused (%s: %s)\n", vector->id, gw_error_name(error.code), error.message);
      fail();
    }
    expect_command_meaning(vector, &command);
    checked++;
  }
  assert_true(checked > 0);
}

static void every_bad_command_gets_its_answer(void **state) {
  (void)state;
  static gw_command command;
  size_t checked = 0;
  for (size_t i = 0; i < VECTOR_COUNT; i++) {
    const gw_vector *vector = &GW_VECTORS[i];
    if (!vector->command || vector->kind == GW_VECTOR_GOOD) continue;
    gw_parse_error error;
    gw_parse_result result = gw_parse_command((const uint8_t *)vector->line, vector->length, &command, &error);
    if (vector->kind == GW_VECTOR_IGNORED) {
      assert_int_equal(result, GW_PARSE_IGNORED);
    } else if (result != GW_PARSE_ERROR || strcmp(gw_error_name(error.code), vector->answer_code) != 0 ||
               error.id != vector->answer_id) {
      print_error("vector %s: answered %s id %d, expected %s id %d\n", vector->id,
                  result == GW_PARSE_ERROR ? gw_error_name(error.code) : "nothing", (int)error.id,
                  vector->answer_code, (int)vector->answer_id);
      fail();
    }
    checked++;
  }
  assert_true(checked > 0);
}

static gw_address parse_address(const char *field) {
  gw_address address;
  assert_true(gw_parse_address(field, strlen(field), &address));
  return address;
}

static gw_uuid parse_uuid(const char *field) {
  gw_uuid uuid;
  assert_true(gw_parse_uuid(field, strlen(field), &uuid));
  return uuid;
}

static gw_error_code error_code_named(const char *name) {
  for (int code = GW_ERR_NONE + 1; gw_error_name((gw_error_code)code) != NULL; code++) {
    if (strcmp(gw_error_name((gw_error_code)code), name) == 0) return (gw_error_code)code;
  }
  print_error("no error code %s\n", name);
  fail();
  return GW_ERR_NONE;
}

/* Writes the line a vector's meaning gives, with the core's formatters. */
static size_t write_message(const gw_vector *v) {
  const char *const *a = v->args;
  const char *type = v->type;
  if (strcmp(type, "hello") == 0) {
    assert_string_equal(a[0], "1");
    return gw_format_hello(text, sizeof text, a[1], a[2]);
  }
  if (strcmp(type, "status") == 0)
    return gw_format_status(text, sizeof text, (uint32_t)strtoul(a[0], NULL, 10), (uint8_t)atoi(a[1]),
                            (uint8_t)atoi(a[2]));
  if (strcmp(type, "advertisement") == 0) {
    gw_uuid services[8];
    size_t count = 0;
    for (const char *at = a[4]; *at != '\0' && count < 8;) {
      size_t length = strcspn(at, " ");
      assert_true(gw_parse_uuid(at, length, &services[count++]));
      at += length + (at[length] == ' ');
    }
    gw_address address = parse_address(a[0]);
    return gw_format_adv(text, sizeof text, &address, strcmp(a[1], "random") == 0 ? GW_ADDRESS_RANDOM : GW_ADDRESS_PUBLIC,
                         atoi(a[2]), a[3], services, count);
  }
  if (strcmp(type, "state") == 0) {
    static const char *const STATES[] = {"connecting", "connected", "disconnected", "failed"};
    gw_connection_state state = GW_STATE_FAILED;
    for (int s = 0; s < 4; s++)
      if (strcmp(a[1], STATES[s]) == 0) state = (gw_connection_state)s;
    gw_address address = parse_address(a[0]);
    return gw_format_state(text, sizeof text, &address, state, a[2]);
  }
  if (strcmp(type, "notification") == 0 || strcmp(type, "indication") == 0 || strcmp(type, "value") == 0) {
    static uint8_t value[GW_MAX_PAYLOAD_BYTES];
    size_t length = 0;
    assert_true(gw_parse_hex(a[3], strlen(a[3]), value, sizeof value, &length));
    gw_address address = parse_address(a[0]);
    gw_uuid service = parse_uuid(a[1]);
    gw_uuid characteristic = parse_uuid(a[2]);
    if (type[0] == 'v') return gw_format_val(text, sizeof text, &address, &service, &characteristic, value, length);
    return gw_format_value(text, sizeof text, type[0] == 'i', &address, &service, &characteristic, value, length);
  }
  if (strcmp(type, "ok") == 0) return gw_format_ok(text, sizeof text, (uint16_t)atoi(a[0]));
  if (strcmp(type, "error") == 0)
    return gw_format_err(text, sizeof text, strcmp(a[0], "-") == 0 ? GW_NO_ID : atoi(a[0]),
                         error_code_named(a[1]), a[2]);
  print_error("vector %s: no formatter for %s\n", v->id, type);
  fail();
  return 0;
}

static void every_good_message_is_written_byte_for_byte(void **state) {
  (void)state;
  size_t checked = 0;
  for (size_t i = 0; i < VECTOR_COUNT; i++) {
    const gw_vector *vector = &GW_VECTORS[i];
    if (vector->command || vector->kind != GW_VECTOR_GOOD) continue;
    size_t length = write_message(vector);
    if (length != vector->length || memcmp(text, vector->line, length) != 0) {
      print_error("vector %s: wrote %.*s expected %s\n", vector->id, (int)length, text, vector->line);
      fail();
    }
    checked++;
  }
  assert_true(checked > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(every_good_command_parses_to_its_meaning),
      GW_TEST(every_bad_command_gets_its_answer),
      GW_TEST(every_good_message_is_written_byte_for_byte),
  };
  return GW_RUN_TESTS(tests);
}
