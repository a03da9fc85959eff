#include "gw_command.h"
#include "gw_message.h"
#include "test_main.h"

static char line[GW_MAX_LINE_BYTES];
static const gw_address DEVICE = {{0xA4, 0xC1, 0x38, 0x00, 0x00, 0x01}};

static void expect_line(size_t length, const char *expected) {
  assert_int_equal(length, strlen(expected));
  assert_memory_equal(line, expected, length);
}

static gw_uuid vendor_uuid(void) {
  gw_uuid uuid;
  assert_true(gw_parse_uuid("6e400001-b5a3-f393-e0a9-e50e24dcca9e", 36, &uuid));
  return uuid;
}

/* The expected lines are those of docs/gateway-protocol.md, or written by the agent's codec. */
static void writes_the_documented_hello(void **state) {
  (void)state;
  expect_line(gw_format_hello(line, sizeof line, "24:6F:28:AA:BB:CC", "kd-gateway 1.0.0"),
              "$HELLO,1,24:6F:28:AA:BB:CC,kd-gateway 1.0.0*D479\r\n");
}

static void escapes_text_fields_byte_by_byte(void **state) {
  (void)state;
  expect_line(gw_format_hello(line, sizeof line, "x", "t\xC3\xA9s"), "$HELLO,1,x,t%C3%A9s*467A\r\n");
  expect_line(gw_format_err(line, sizeof line, 7, GW_ERR_GATT_ERROR, "ATT 0x03, write not permitted*$%"),
              "$ERR,7,GATT_ERROR,ATT 0x03%2C write not permitted%2A%24%25*A861\r\n");
}

static void writes_the_documented_states(void **state) {
  (void)state;
  expect_line(gw_format_state(line, sizeof line, &DEVICE, GW_STATE_CONNECTING, NULL),
              "$STATE,A4:C1:38:00:00:01,connecting*0B5B\r\n");
  expect_line(gw_format_state(line, sizeof line, &DEVICE, GW_STATE_CONNECTED, NULL),
              "$STATE,A4:C1:38:00:00:01,connected*BB9B\r\n");
  expect_line(gw_format_state(line, sizeof line, &DEVICE, GW_STATE_DISCONNECTED, NULL),
              "$STATE,A4:C1:38:00:00:01,disconnected*1BD6\r\n");
  expect_line(gw_format_state(line, sizeof line, &DEVICE, GW_STATE_FAILED, "pairing refused"),
              "$STATE,A4:C1:38:00:00:01,failed,pairing refused*E132\r\n");
}

static void writes_the_documented_values_and_ok(void **state) {
  (void)state;
  gw_uuid glucose = gw_uuid16(0x1808);
  gw_uuid measurement = gw_uuid16(0x2A18);
  gw_uuid racp = gw_uuid16(0x2A52);
  const uint8_t record[] = {0x02, 0x11, 0x00, 0xE9, 0x07, 0x09, 0x13, 0x08, 0x0F, 0x00, 0x6E, 0xB0, 0x11};
  expect_line(gw_format_value(line, sizeof line, false, &DEVICE, &glucose, &measurement, record, sizeof record),
              "$NTF,A4:C1:38:00:00:01,1808,2A18,021100E9070913080F006EB011*186A\r\n");
  const uint8_t done[] = {0x06, 0x00, 0x01, 0x01};
  expect_line(gw_format_value(line, sizeof line, true, &DEVICE, &glucose, &racp, done, sizeof done),
              "$IND,A4:C1:38:00:00:01,1808,2A52,06000101*F790\r\n");
  expect_line(gw_format_ok(line, sizeof line, 1), "$OK,1*B617\r\n");
  expect_line(gw_format_ok(line, sizeof line, 3), "$OK,3*9655\r\n");
}

static void writes_err_without_an_id_as_a_dash(void **state) {
  (void)state;
  expect_line(gw_format_err(line, sizeof line, GW_NO_ID, GW_ERR_BAD_CHECKSUM, "CRC does not match"),
              "$ERR,-,BAD_CHECKSUM,CRC does not match*93D6\r\n");
  assert_int_equal(gw_format_err(line, sizeof line, 1, GW_ERR_NONE, "x"), 0);
}

static void writes_status_up_to_the_largest_uptime(void **state) {
  (void)state;
  expect_line(gw_format_status(line, sizeof line, 4294967295u, 2, 4), "$STATUS,4294967295,2,4*B1C9\r\n");
}

static void writes_adv_with_16_and_128_bit_services_in_one_field(void **state) {
  (void)state;
  gw_uuid services[2] = {gw_uuid16(0x1810), vendor_uuid()};
  expect_line(gw_format_adv(line, sizeof line, &DEVICE, GW_ADDRESS_RANDOM, -67, "Omron BP,7361T", services, 2),
              "$ADV,A4:C1:38:00:00:01,random,-67,Omron BP%2C7361T,1810 "
              "6E400001-B5A3-F393-E0A9-E50E24DCCA9E*45B8\r\n");
}

static void keeps_rssi_within_the_agreed_range(void **state) {
  (void)state;
  const char *floor = "$ADV,A4:C1:38:00:00:01,public,-127,,*0ED5\r\n";
  expect_line(gw_format_adv(line, sizeof line, &DEVICE, GW_ADDRESS_PUBLIC, 127, "", NULL, 0), floor);
  expect_line(gw_format_adv(line, sizeof line, &DEVICE, GW_ADDRESS_PUBLIC, -128, "", NULL, 0), floor);
  size_t length = gw_format_adv(line, sizeof line, &DEVICE, GW_ADDRESS_PUBLIC, 40, "", NULL, 0);
  line[length] = '\0';
  assert_non_null(strstr(line, ",public,20,,*"));
}

static void fits_the_largest_att_value_with_vendor_uuids(void **state) {
  (void)state;
  static uint8_t value[GW_MAX_PAYLOAD_BYTES];
  memset(value, 0xAB, sizeof value);
  gw_uuid uuid = vendor_uuid();
  size_t length = gw_format_value(line, sizeof line, false, &DEVICE, &uuid, &uuid, value, sizeof value);
  assert_true(length > 2 * GW_MAX_PAYLOAD_BYTES);
  assert_true(length <= GW_MAX_LINE_BYTES);
  assert_memory_equal(line + length - 2, "\r\n", 2);
}

static void writes_nothing_when_the_line_does_not_fit(void **state) {
  (void)state;
  char small[12];
  assert_int_equal(gw_format_ok(small, sizeof small, 1), 12);
  assert_int_equal(gw_format_ok(small, sizeof small, 10), 0);
  static char name[GW_MAX_LINE_BYTES];
  memset(name, ',', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  assert_int_equal(gw_format_hello(line, sizeof line, "id", name), 0);
}

static void describes_a_characteristic_and_cuts_the_text_to_fit(void **state) {
  (void)state;
  const gw_address address = {{0xA4, 0xC1, 0x38, 0x00, 0x00, 0x05}};
  gw_uuid service, characteristic = gw_uuid16(0x2A29);
  assert_true(gw_parse_uuid("7b3a0001-5c1e-4d2b-9f00-4b4450000001", 36, &service));
  char text[128];
  assert_string_equal(gw_describe_characteristic(text, sizeof text, &address, &service, &characteristic, " not on the device"),
                      "A4:C1:38:00:00:05 7B3A0001-5C1E-4D2B-9F00-4B4450000001/2A29 not on the device");
  char small[21];
  memset(small, 'x', sizeof small);
  assert_string_equal(gw_describe_characteristic(small, sizeof small, &address, &service, &characteristic, "!"),
                      "A4:C1:38:00:00:05 7B");
}

static void writes_val_as_it_writes_ntf(void **state) {
  (void)state;
  const gw_address address = {{0xA4, 0xC1, 0x38, 0x00, 0x00, 0x01}};
  gw_uuid service = gw_uuid16(0x180A), characteristic = gw_uuid16(0x2A24);
  char val[GW_MAX_LINE_BYTES];
  size_t length = gw_format_val(val, sizeof val, &address, &service, &characteristic, (const uint8_t *)"KD-BP10", 7);
  /* The shared vector val-dis-model. */
  assert_int_equal(length, strlen("$VAL,A4:C1:38:00:00:01,180A,2A24,4B442D42503130*9D3D\r\n"));
  assert_memory_equal(val, "$VAL,A4:C1:38:00:00:01,180A,2A24,4B442D42503130*9D3D\r\n", length);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(writes_the_documented_hello),
      GW_TEST(escapes_text_fields_byte_by_byte),
      GW_TEST(writes_the_documented_states),
      GW_TEST(writes_the_documented_values_and_ok),
      GW_TEST(writes_err_without_an_id_as_a_dash),
      GW_TEST(writes_status_up_to_the_largest_uptime),
      GW_TEST(writes_adv_with_16_and_128_bit_services_in_one_field),
      GW_TEST(keeps_rssi_within_the_agreed_range),
      GW_TEST(fits_the_largest_att_value_with_vendor_uuids),
      GW_TEST(writes_nothing_when_the_line_does_not_fit),
      GW_TEST(describes_a_characteristic_and_cuts_the_text_to_fit),
      GW_TEST(writes_val_as_it_writes_ntf),
  };
  return GW_RUN_TESTS(tests);
}
