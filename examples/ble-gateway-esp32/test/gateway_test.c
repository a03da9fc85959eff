#include "test_main.h"

#include "fake_radio.h"

static gw_gateway gateway;
static const gw_address METER = {{0xA4, 0xC1, 0x38, 0x00, 0x00, 0x01}};
static const gw_address SCALE = {{0xA4, 0xC1, 0x38, 0x00, 0x00, 0x02}};
#define METER_TEXT "A4:C1:38:00:00:01"

static void boot(void) {
  gw_gateway_init(&gateway, "24:6F:28:AA:BB:CC", "kd-gateway 1.0.0", fake_radio_new());
  assert_string_equal(drain(&gateway), "HELLO,1,24:6F:28:AA:BB:CC,kd-gateway 1.0.0");
}

static void expect_call(size_t index, const char *call) {
  assert_true(index < radio.call_count);
  assert_string_equal(radio.calls[index], call);
}

/* Registers the meter and walks it to connected through the glucose service's three characteristics. */
static void connect_meter(void) {
  send_command(&gateway, "CONNECT,2," METER_TEXT);
  assert_string_equal(drain(&gateway), "OK,2");
  radio.call_count = 0;
  gw_on_advertisement(&gateway, &METER, GW_ADDRESS_PUBLIC, -60, "meter", NULL, 0);
  assert_string_equal(drain(&gateway), "STATE," METER_TEXT ",connecting");
  gw_on_link_up(&gateway, 0);
  gw_uuid glucose = gw_uuid16(0x1808), access = gw_uuid16(0x1800);
  gw_uuid measurement = gw_uuid16(0x2A18), context = gw_uuid16(0x2A34), racp = gw_uuid16(0x2A52),
          name = gw_uuid16(0x2A00);
  gw_on_characteristic(&gateway, 0, &access, &name, true, false);
  gw_on_characteristic(&gateway, 0, &glucose, &measurement, true, false);
  gw_on_characteristic(&gateway, 0, &glucose, &context, true, false);
  gw_on_characteristic(&gateway, 0, &glucose, &racp, false, true);
  gw_on_discovery_done(&gateway, 0, true);
  for (int i = 0; i < 3; i++) {
    assert_string_equal(drain(&gateway), "");
    gw_on_subscribed(&gateway, 0, true);
  }
  assert_string_equal(drain(&gateway), "STATE," METER_TEXT ",connected");
  expect_call(0, "connect 0");
  expect_call(1, "discover 0");
  expect_call(2, "notify 2A18 0");
  expect_call(3, "notify 2A34 0");
  expect_call(4, "indicate 2A52 0");
  assert_int_equal(radio.call_count, 5);
}

static void boots_with_hello_and_answers_ping(void **state) {
  (void)state;
  boot();
  send_command(&gateway, "PING,1");
  assert_string_equal(drain(&gateway), "HELLO,1,24:6F:28:AA:BB:CC,kd-gateway 1.0.0|OK,1");
}

static void status_counts_connected_and_registered_devices(void **state) {
  (void)state;
  boot();
  connect_meter();
  send_command(&gateway, "CONNECT,3,A4:C1:38:00:00:02,random");
  gw_gateway_tick(&gateway, 7999);
  send_command(&gateway, "STATUS,4");
  assert_string_equal(drain(&gateway), "OK,3|STATUS,7,1,2|OK,4");
}

static void answers_scan_when_it_ends_and_busy_to_a_second(void **state) {
  (void)state;
  boot();
  gw_on_advertisement(&gateway, &SCALE, GW_ADDRESS_PUBLIC, -70, "before", NULL, 0);
  send_command(&gateway, "SCAN,5,10");
  gw_uuid scale = gw_uuid16(0x181D);
  gw_on_advertisement(&gateway, &SCALE, GW_ADDRESS_RANDOM, -70, "scale", &scale, 1);
  send_command(&gateway, "SCAN,6,10");
  send_command(&gateway, "PING,7");
  assert_string_equal(drain(&gateway),
                      "ADV,A4:C1:38:00:00:02,random,-70,scale,181D|ERR,6,BUSY,a scan is running|"
                      "HELLO,1,24:6F:28:AA:BB:CC,kd-gateway 1.0.0|OK,7");
  gw_on_scan_done(&gateway);
  gw_on_advertisement(&gateway, &SCALE, GW_ADDRESS_PUBLIC, -70, "after", NULL, 0);
  assert_string_equal(drain(&gateway), "OK,5");
  radio.refuse_scan = true;
  send_command(&gateway, "SCAN,8,10");
  assert_string_equal(drain(&gateway), "ERR,8,BUSY,the radio could not start a scan");
}

static void registers_up_to_the_limit_and_once_per_address(void **state) {
  (void)state;
  boot();
  send_command(&gateway, "CONNECT,1,A4:C1:38:00:00:01");
  send_command(&gateway, "CONNECT,2,a4:c1:38:00:00:01,random");
  send_command(&gateway, "CONNECT,3,A4:C1:38:00:00:03");
  send_command(&gateway, "CONNECT,4,A4:C1:38:00:00:04");
  send_command(&gateway, "CONNECT,5,A4:C1:38:00:00:05");
  send_command(&gateway, "CONNECT,6,A4:C1:38:00:00:06");
  assert_string_equal(drain(&gateway), "OK,1|OK,2|OK,3|OK,4|OK,5|ERR,6,TOO_MANY,no room for another device");
  assert_int_equal(gateway.devices[0].address_type, GW_ADDRESS_RANDOM);
}

static void relays_the_racp_write_and_the_meters_answer(void **state) {
  (void)state;
  boot();
  connect_meter();
  send_command(&gateway, "WRITE,3," METER_TEXT ",1808,2A52,0101");
  assert_string_equal(drain(&gateway), "");
  send_command(&gateway, "WRITE,4," METER_TEXT ",1808,2A52,0101");
  assert_string_equal(drain(&gateway), "ERR,4,BUSY,a read or write to this device is running");
  gw_on_write_done(&gateway, 0, 0);
  gw_uuid glucose = gw_uuid16(0x1808), racp = gw_uuid16(0x2A52);
  const uint8_t done[] = {0x06, 0x00, 0x01, 0x01};
  gw_on_value(&gateway, 0, &glucose, &racp, true, done, sizeof done);
  assert_string_equal(drain(&gateway), "OK,3|IND," METER_TEXT ",1808,2A52,06000101");
}

static void answers_failed_and_unanswered_writes(void **state) {
  (void)state;
  boot();
  send_command(&gateway, "WRITE,1,A4:C1:38:00:00:09,1808,2A52,0101");
  assert_string_equal(drain(&gateway), "ERR,1,NOT_CONNECTED,device not connected");
  connect_meter();
  send_command(&gateway, "WRITE,3," METER_TEXT ",1808,2A52,0201");
  gw_on_write_done(&gateway, 0, 0x03);
  assert_string_equal(drain(&gateway), "ERR,3,GATT_ERROR,ATT error 0x03");
  gw_gateway_tick(&gateway, 100);
  send_command(&gateway, "WRITE,4," METER_TEXT ",1808,2A52,0101");
  gw_gateway_tick(&gateway, 100 + GW_OPERATION_TIMEOUT_MS - 1);
  assert_string_equal(drain(&gateway), "");
  gw_gateway_tick(&gateway, 100 + GW_OPERATION_TIMEOUT_MS);
  gw_on_write_done(&gateway, 0, 0);
  assert_string_equal(drain(&gateway), "ERR,4,TIMEOUT,the device did not answer the write");
  radio.refuse_write = true;
  send_command(&gateway, "WRITE,5," METER_TEXT ",1808,2A52,0101");
  assert_string_equal(drain(&gateway), "ERR,5,GATT_ERROR,the write could not start");
}

static void reconnects_at_once_after_a_hang_up(void **state) {
  (void)state;
  boot();
  connect_meter();
  send_command(&gateway, "WRITE,3," METER_TEXT ",1808,2A52,0101");
  gw_on_link_down(&gateway, 0, "HCI 0x13");
  assert_string_equal(drain(&gateway),
                      "ERR,3,NOT_CONNECTED,the device disconnected|STATE," METER_TEXT ",disconnected,HCI 0x13");
  gw_on_advertisement(&gateway, &METER, GW_ADDRESS_PUBLIC, -60, "meter", NULL, 0);
  assert_string_equal(drain(&gateway), "STATE," METER_TEXT ",connecting");
}

static void backs_off_doubling_to_the_cap_after_failures(void **state) {
  (void)state;
  boot();
  send_command(&gateway, "CONNECT,2," METER_TEXT);
  drain(&gateway);
  uint32_t now = 0;
  uint32_t expected = GW_BACKOFF_FIRST_MS;
  for (int attempt = 0; attempt < 10; attempt++) {
    gw_on_advertisement(&gateway, &METER, GW_ADDRESS_PUBLIC, -60, "", NULL, 0);
    assert_string_equal(drain(&gateway), "STATE," METER_TEXT ",connecting");
    gw_on_link_down(&gateway, 0, "no answer");
    assert_string_equal(drain(&gateway), "STATE," METER_TEXT ",failed,no answer");
    gw_gateway_tick(&gateway, now + expected - 1);
    gw_on_advertisement(&gateway, &METER, GW_ADDRESS_PUBLIC, -60, "", NULL, 0);
    assert_string_equal(drain(&gateway), "");
    now += expected;
    gw_gateway_tick(&gateway, now);
    expected = expected * 2 > GW_BACKOFF_CAP_MS ? GW_BACKOFF_CAP_MS : expected * 2;
  }
  assert_int_equal(gateway.devices[0].backoff_ms, GW_BACKOFF_CAP_MS);
}

static void fails_a_device_whose_subscription_is_refused(void **state) {
  (void)state;
  boot();
  send_command(&gateway, "CONNECT,2," METER_TEXT);
  gw_on_advertisement(&gateway, &METER, GW_ADDRESS_PUBLIC, -60, "", NULL, 0);
  gw_on_link_up(&gateway, 0);
  gw_uuid bp = gw_uuid16(0x1810), measurement = gw_uuid16(0x2A35);
  gw_on_characteristic(&gateway, 0, &bp, &measurement, false, true);
  gw_on_discovery_done(&gateway, 0, true);
  gw_on_subscribed(&gateway, 0, false);
  gw_on_link_down(&gateway, 0, "HCI 0x16");
  assert_string_equal(drain(&gateway),
                      "OK,2|STATE," METER_TEXT ",connecting|STATE," METER_TEXT ",failed,subscription refused");
  assert_string_equal(radio.calls[radio.call_count - 1], "disconnect 0");
}

static void disconnect_forgets_the_device_and_holds_its_slot_until_the_link_is_down(void **state) {
  (void)state;
  boot();
  send_command(&gateway, "DISCONNECT,1," METER_TEXT);
  assert_string_equal(drain(&gateway), "ERR,1,NOT_FOUND,device not registered");
  connect_meter();
  send_command(&gateway, "DISCONNECT,4," METER_TEXT);
  assert_string_equal(drain(&gateway), "OK,4|STATE," METER_TEXT ",disconnected");
  assert_int_equal(gateway.devices[0].phase, GW_PHASE_CLOSING);
  send_command(&gateway, "CONNECT,5,A4:C1:38:00:00:02");
  assert_int_equal(gateway.devices[1].phase, GW_PHASE_WAITING);
  gw_on_link_down(&gateway, 0, "local");
  assert_int_equal(gateway.devices[0].phase, GW_PHASE_FREE);
  assert_string_equal(drain(&gateway), "OK,5");
}

static void answers_bad_and_overlong_lines(void **state) {
  (void)state;
  boot();
  static char noise[GW_MAX_LINE_BYTES + 10];
  memset(noise, 'A', sizeof noise);
  noise[0] = '$';
  noise[sizeof noise - 1] = '\n';
  gw_gateway_receive(&gateway, (const uint8_t *)noise, sizeof noise);
  gw_gateway_receive(&gateway, (const uint8_t *)"$PING,1*F693\r\nboot log\r\n", 24);
  send_command(&gateway, "REBOOT,9");
  assert_string_equal(drain(&gateway),
                      "ERR,-,TOO_LONG,line longer than 1200 bytes|ERR,-,BAD_CHECKSUM,CRC does not match|"
                      "ERR,9,BAD_COMMAND,unknown command");
}

static void reports_lines_dropped_while_the_link_was_busy(void **state) {
  (void)state;
  boot();
  connect_meter();
  gw_uuid glucose = gw_uuid16(0x1808), measurement = gw_uuid16(0x2A18);
  static uint8_t value[200];
  size_t queued_before = gateway.tx.count;
  for (int i = 0; i < 20; i++) gw_on_value(&gateway, 0, &glucose, &measurement, false, value, sizeof value);
  assert_true(gateway.tx.count > queued_before);
  assert_true(gateway.tx.dropped_lines > 0);
  uint32_t dropped = gateway.tx.dropped_lines;
  drain(&gateway);
  send_command(&gateway, "PING,1");
  char expected[128];
  snprintf(expected, sizeof expected, "ERR,-,BUSY,%u lines dropped: serial link busy|HELLO,1,24:6F:28:AA:BB:CC,kd-gateway 1.0.0|OK,1", dropped);
  assert_string_equal(drain(&gateway), expected);
  assert_int_equal(gateway.tx.dropped_lines_total, dropped);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(boots_with_hello_and_answers_ping),
      GW_TEST(status_counts_connected_and_registered_devices),
      GW_TEST(answers_scan_when_it_ends_and_busy_to_a_second),
      GW_TEST(registers_up_to_the_limit_and_once_per_address),
      GW_TEST(relays_the_racp_write_and_the_meters_answer),
      GW_TEST(answers_failed_and_unanswered_writes),
      GW_TEST(reconnects_at_once_after_a_hang_up),
      GW_TEST(backs_off_doubling_to_the_cap_after_failures),
      GW_TEST(fails_a_device_whose_subscription_is_refused),
      GW_TEST(disconnect_forgets_the_device_and_holds_its_slot_until_the_link_is_down),
      GW_TEST(answers_bad_and_overlong_lines),
      GW_TEST(reports_lines_dropped_while_the_link_was_busy),
  };
  return GW_RUN_TESTS(tests);
}
