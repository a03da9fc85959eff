#include "gw_command.h"
#include "framing.h"
#include "test_main.h"

static gw_command command;
static gw_parse_error error;
static char line[2 * GW_MAX_LINE_BYTES];

static gw_parse_result parse_body(const char *body) {
  size_t length = frame_line(line, sizeof line, body);
  return gw_parse_command((const uint8_t *)line, length, &command, &error);
}

static gw_parse_result parse_raw(const char *text) {
  return gw_parse_command((const uint8_t *)text, strlen(text), &command, &error);
}

static void expect_refused(gw_parse_result result, gw_error_code code, int32_t id) {
  assert_int_equal(result, GW_PARSE_ERROR);
  assert_int_equal(error.code, code);
  assert_int_equal(error.id, id);
  assert_non_null(error.message);
}

static void parses_the_documented_ping(void **state) {
  (void)state;
  assert_int_equal(parse_raw("$PING,1*F692\r\n"), GW_PARSE_OK);
  assert_int_equal(command.type, GW_CMD_PING);
  assert_int_equal(command.id, 1);
}

static void parses_status_and_scan(void **state) {
  (void)state;
  assert_int_equal(parse_body("STATUS,65535"), GW_PARSE_OK);
  assert_int_equal(command.type, GW_CMD_STATUS);
  assert_int_equal(command.id, 65535);
  assert_int_equal(parse_body("SCAN,7,300"), GW_PARSE_OK);
  assert_int_equal(command.type, GW_CMD_SCAN);
  assert_int_equal(command.scan_seconds, 300);
  expect_refused(parse_body("SCAN,7,0"), GW_ERR_BAD_COMMAND, 7);
  expect_refused(parse_body("SCAN,7,301"), GW_ERR_BAD_COMMAND, 7);
}

static void parses_the_documented_connect_in_either_case(void **state) {
  (void)state;
  assert_int_equal(parse_raw("$CONNECT,2,A4:C1:38:00:00:01*010C\n"), GW_PARSE_OK);
  assert_int_equal(command.type, GW_CMD_CONNECT);
  assert_false(command.has_address_type);
  const uint8_t expected[6] = {0xA4, 0xC1, 0x38, 0x00, 0x00, 0x01};
  assert_memory_equal(command.address.bytes, expected, 6);
  assert_int_equal(parse_body("CONNECT,2,a4:c1:38:00:00:01,random"), GW_PARSE_OK);
  assert_memory_equal(command.address.bytes, expected, 6);
  assert_true(command.has_address_type);
  assert_int_equal(command.address_type, GW_ADDRESS_RANDOM);
  expect_refused(parse_body("CONNECT,2,A4:C1:38:00:00:01,static"), GW_ERR_BAD_COMMAND, 2);
  expect_refused(parse_body("CONNECT,2,A4-C1-38-00-00-01"), GW_ERR_BAD_COMMAND, 2);
}

static void parses_the_documented_write(void **state) {
  (void)state;
  assert_int_equal(parse_raw("$WRITE,3,A4:C1:38:00:00:01,1808,2A52,0101*1230\r\n"), GW_PARSE_OK);
  assert_int_equal(command.type, GW_CMD_WRITE);
  assert_int_equal(command.id, 3);
  gw_uuid glucose = gw_uuid16(0x1808);
  gw_uuid racp = gw_uuid16(0x2A52);
  assert_true(gw_uuid_equal(&command.service, &glucose));
  assert_true(gw_uuid_equal(&command.characteristic, &racp));
  assert_int_equal(command.payload_length, 2);
  assert_memory_equal(command.payload, "\x01\x01", 2);
}

static void keeps_vendor_uuids_and_shortens_sig_ones(void **state) {
  (void)state;
  assert_int_equal(
      parse_body("WRITE,4,A4:C1:38:00:00:01,6e400001-b5a3-f393-e0a9-e50e24dcca9e,"
                 "00002A52-0000-1000-8000-00805F9B34FB,"),
      GW_PARSE_OK);
  assert_int_equal(command.service.length, 16);
  assert_int_equal(command.service.bytes[0], 0x6E);
  assert_int_equal(command.service.bytes[15], 0x9E);
  gw_uuid racp = gw_uuid16(0x2A52);
  assert_true(gw_uuid_equal(&command.characteristic, &racp));
  assert_int_equal(command.payload_length, 0);
}

static void refuses_payloads_that_are_not_hex_or_too_long(void **state) {
  (void)state;
  expect_refused(parse_body("WRITE,5,A4:C1:38:00:00:01,1808,2A52,010"), GW_ERR_BAD_COMMAND, 5);
  expect_refused(parse_body("WRITE,5,A4:C1:38:00:00:01,1808,2A52,0G"), GW_ERR_BAD_COMMAND, 5);
  static char body[1200];
  strcpy(body, "WRITE,5,A4:C1:38:00:00:01,1808,2A52,");
  size_t at = strlen(body);
  memset(body + at, 'A', 2 * (GW_MAX_PAYLOAD_BYTES + 1));
  body[at + 2 * (GW_MAX_PAYLOAD_BYTES + 1)] = '\0';
  expect_refused(parse_body(body), GW_ERR_BAD_COMMAND, 5);
  body[at + 2 * GW_MAX_PAYLOAD_BYTES] = '\0';
  assert_int_equal(parse_body(body), GW_PARSE_OK);
  assert_int_equal(command.payload_length, GW_MAX_PAYLOAD_BYTES);
}

static void parses_disconnect(void **state) {
  (void)state;
  assert_int_equal(parse_body("DISCONNECT,9,A4:C1:38:00:00:01"), GW_PARSE_OK);
  assert_int_equal(command.type, GW_CMD_DISCONNECT);
  expect_refused(parse_body("DISCONNECT,9"), GW_ERR_BAD_COMMAND, 9);
}

static void ignores_lines_without_a_dollar(void **state) {
  (void)state;
  assert_int_equal(parse_raw("I (312) boot: ESP-IDF v5.2\r\n"), GW_PARSE_IGNORED);
  assert_int_equal(parse_raw("\r\n"), GW_PARSE_IGNORED);
  assert_int_equal(parse_raw(""), GW_PARSE_IGNORED);
}

static void answers_a_damaged_frame_with_bad_checksum_and_no_id(void **state) {
  (void)state;
  expect_refused(parse_raw("$PING,1*F693\r\n"), GW_ERR_BAD_CHECKSUM, GW_NO_ID);
  expect_refused(parse_raw("$PING,1*f692\r\n"), GW_ERR_BAD_CHECKSUM, GW_NO_ID);
  expect_refused(parse_raw("$PING,1\r\n"), GW_ERR_BAD_CHECKSUM, GW_NO_ID);
  expect_refused(parse_raw("$PING,1*F69\r\n"), GW_ERR_BAD_CHECKSUM, GW_NO_ID);
  expect_refused(parse_raw("$"), GW_ERR_BAD_CHECKSUM, GW_NO_ID);
  expect_refused(parse_raw("$PIGN,1*F692\r\n"), GW_ERR_BAD_CHECKSUM, GW_NO_ID);
}

static void answers_an_unknown_command_with_bad_command_and_its_id(void **state) {
  (void)state;
  expect_refused(parse_body("REBOOT,12"), GW_ERR_BAD_COMMAND, 12);
  expect_refused(parse_body("REBOOT"), GW_ERR_BAD_COMMAND, GW_NO_ID);
  expect_refused(parse_body("ping,12"), GW_ERR_BAD_COMMAND, 12);
  expect_refused(parse_body(""), GW_ERR_BAD_COMMAND, GW_NO_ID);
  /* "$*FFFF" is a sound frame (FFFF is the CRC of nothing) around an empty command. */
  expect_refused(parse_raw("$*FFFF"), GW_ERR_BAD_COMMAND, GW_NO_ID);
}

static void answers_wrong_fields_with_the_id_when_it_is_one(void **state) {
  (void)state;
  expect_refused(parse_body("PING,1,2"), GW_ERR_BAD_COMMAND, 1);
  expect_refused(parse_body("PING"), GW_ERR_BAD_COMMAND, GW_NO_ID);
  expect_refused(parse_body("PING,65536"), GW_ERR_BAD_COMMAND, GW_NO_ID);
  expect_refused(parse_body("PING,-1"), GW_ERR_BAD_COMMAND, GW_NO_ID);
  expect_refused(parse_body("PING,x"), GW_ERR_BAD_COMMAND, GW_NO_ID);
  expect_refused(parse_body("STATUS,4,,,,,,,,,,,"), GW_ERR_BAD_COMMAND, 4);
}

static void reads_ids_as_the_agent_codec_does(void **state) {
  (void)state;
  /* /^-?\d{1,10}$/ then the range: leading zeros pass, eleven digits do not. */
  assert_int_equal(parse_body("PING,00042"), GW_PARSE_OK);
  assert_int_equal(command.id, 42);
  assert_int_equal(parse_body("PING,-0"), GW_PARSE_OK);
  assert_int_equal(command.id, 0);
  expect_refused(parse_body("PING,00000000001"), GW_ERR_BAD_COMMAND, GW_NO_ID);
  expect_refused(parse_body("PING, 1"), GW_ERR_BAD_COMMAND, GW_NO_ID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(parses_the_documented_ping),
      GW_TEST(parses_status_and_scan),
      GW_TEST(parses_the_documented_connect_in_either_case),
      GW_TEST(parses_the_documented_write),
      GW_TEST(keeps_vendor_uuids_and_shortens_sig_ones),
      GW_TEST(refuses_payloads_that_are_not_hex_or_too_long),
      GW_TEST(parses_disconnect),
      GW_TEST(ignores_lines_without_a_dollar),
      GW_TEST(answers_a_damaged_frame_with_bad_checksum_and_no_id),
      GW_TEST(answers_an_unknown_command_with_bad_command_and_its_id),
      GW_TEST(answers_wrong_fields_with_the_id_when_it_is_one),
      GW_TEST(reads_ids_as_the_agent_codec_does),
  };
  return GW_RUN_TESTS(tests);
}
