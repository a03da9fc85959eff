/* SUBSCRIBE, READ and the characteristic table: the rules of the protocol additions, over the
 * recording fake radio. */
#include "test_main.h"

#include "fake_radio.h"

static gw_gateway gateway;
static const gw_address THERM = {{0xA4, 0xC1, 0x38, 0x00, 0x00, 0x05}};
#define THERM_TEXT "A4:C1:38:00:00:05"
#define VENDOR_SERVICE "7B3A0001-5C1E-4D2B-9F00-4B4450000001"
#define VENDOR_MEASUREMENT "7B3A0002-5C1E-4D2B-9F00-4B4450000001"
#define VENDOR_COMMAND "7B3A0003-5C1E-4D2B-9F00-4B4450000001"

static gw_uuid uuid(const char *text) {
  gw_uuid out;
  assert_true(gw_parse_uuid(text, strlen(text), &out));
  return out;
}

/* A found characteristic: service, characteristic, "n" notify, "i" indicate, "" neither. */
typedef struct {
  const char *service;
  const char *characteristic;
  const char *can;
} found;

/* A KD-Therm with Device Information (model only) and a thermometer service of the standard kind. */
static const found THERM_GATT[] = {
    {"1800", "2A00", ""},
    {"180A", "2A24", ""},
    {"1809", "2A1C", "i"},
    {VENDOR_SERVICE, VENDOR_MEASUREMENT, "n"},
    {VENDOR_SERVICE, VENDOR_COMMAND, ""},
    {"1805", "2A2B", "n"},
};
#define THERM_GATT_COUNT (sizeof THERM_GATT / sizeof THERM_GATT[0])

static void boot(void) {
  gw_gateway_init(&gateway, "gw", "fw", fake_radio_new());
  drain(&gateway);
}

static void register_therm(void) {
  send_command(&gateway, "CONNECT,1," THERM_TEXT);
  assert_string_equal(drain(&gateway), "OK,1");
}

/* Advertising, link, discovery of `gatt`; leaves the subscriptions for the caller to confirm. */
static void link_and_discover(const found *gatt, size_t count) {
  radio.call_count = 0;
  gw_on_advertisement(&gateway, &THERM, GW_ADDRESS_PUBLIC, -60, "KD-Therm V1", NULL, 0);
  gw_on_link_up(&gateway, 0);
  for (size_t i = 0; i < count; i++) {
    gw_uuid service = uuid(gatt[i].service), characteristic = uuid(gatt[i].characteristic);
    gw_on_characteristic(&gateway, 0, &service, &characteristic, strchr(gatt[i].can, 'n') != NULL,
                         strchr(gatt[i].can, 'i') != NULL);
  }
  gw_on_discovery_done(&gateway, 0, true);
}

static void confirm_subscriptions(size_t count) {
  for (size_t i = 0; i < count; i++) gw_on_subscribed(&gateway, 0, true);
}

static void connect_therm(void) {
  link_and_discover(THERM_GATT, THERM_GATT_COUNT);
  confirm_subscriptions(gateway.devices[0].subscription_count);
  assert_int_equal(gateway.devices[0].phase, GW_PHASE_CONNECTED);
}

static const char *joined_calls(void) {
  static char text[32 * 66];
  size_t at = 0;
  text[0] = '\0';
  for (size_t i = 0; i < radio.call_count; i++)
    at += (size_t)snprintf(text + at, sizeof text - at, "%s%s", i > 0 ? "|" : "", radio.calls[i]);
  return text;
}

static void subscribe_needs_a_registered_device_and_takes_four_extras(void **state) {
  (void)state;
  boot();
  send_command(&gateway, "SUBSCRIBE,2," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_MEASUREMENT);
  assert_string_equal(drain(&gateway), "ERR,2,NOT_FOUND,device not registered");
  register_therm();
  send_command(&gateway, "SUBSCRIBE,3," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_MEASUREMENT);
  send_command(&gateway, "SUBSCRIBE,4," THERM_TEXT ",FFF0,FFF1");
  send_command(&gateway, "SUBSCRIBE,5," THERM_TEXT ",FFF0,FFF2");
  send_command(&gateway, "SUBSCRIBE,6," THERM_TEXT ",FFF0,FFF3");
  /* The same again, in another spelling: idempotent, not a fifth. */
  send_command(&gateway, "SUBSCRIBE,7,a4:c1:38:00:00:05,7b3a0001-5c1e-4d2b-9f00-4b4450000001,"
                         "7b3a0002-5c1e-4d2b-9f00-4b4450000001");
  send_command(&gateway, "SUBSCRIBE,8," THERM_TEXT ",FFF0,FFF4");
  assert_string_equal(drain(&gateway), "OK,3|OK,4|OK,5|OK,6|OK,7|ERR,8,TOO_MANY,4 extra subscriptions per device at most");
  assert_int_equal(gateway.devices[0].extra_count, 4);
}

static void subscribes_to_the_extras_after_the_health_ones_on_every_connection(void **state) {
  (void)state;
  boot();
  register_therm();
  send_command(&gateway, "SUBSCRIBE,2," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_MEASUREMENT);
  drain(&gateway);
  for (int connection = 0; connection < 2; connection++) {
    link_and_discover(THERM_GATT, THERM_GATT_COUNT);
    assert_string_equal(drain(&gateway), "STATE," THERM_TEXT ",connecting");
    gw_on_subscribed(&gateway, 0, true);
    assert_string_equal(drain(&gateway), "");
    gw_on_subscribed(&gateway, 0, true);
    assert_string_equal(drain(&gateway), "STATE," THERM_TEXT ",connected");
    /* CTS (0x1805) notifies too, but it is neither a health service nor asked for. */
    assert_string_equal(joined_calls(), "connect 0|discover 0|indicate 2A1C 0|notify 7B3A 0");
    gw_uuid service = uuid(VENDOR_SERVICE), measurement = uuid(VENDOR_MEASUREMENT);
    const uint8_t frame[8] = {0xA5, 0x00, 0x7A, 0x0E, 0x01, 0x00, 0x5A, 0x0A};
    gw_on_value(&gateway, 0, &service, &measurement, false, frame, sizeof frame);
    assert_string_equal(drain(&gateway), "NTF," THERM_TEXT ",7B3A0001-5C1E-4D2B-9F00-4B4450000001,"
                                         "7B3A0002-5C1E-4D2B-9F00-4B4450000001,A5007A0E01005A0A");
    gw_on_link_down(&gateway, 0, "HCI 0x13");
    assert_string_equal(drain(&gateway), "STATE," THERM_TEXT ",disconnected,HCI 0x13");
  }
}

static void reports_a_missing_extra_and_still_connects(void **state) {
  (void)state;
  boot();
  register_therm();
  send_command(&gateway, "SUBSCRIBE,2," THERM_TEXT ",FFF0,FFF4");
  send_command(&gateway, "SUBSCRIBE,3," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_COMMAND);
  drain(&gateway);
  link_and_discover(THERM_GATT, THERM_GATT_COUNT);
  assert_string_equal(drain(&gateway), "STATE," THERM_TEXT ",connecting|"
                                       "ERR,-,NOT_FOUND," THERM_TEXT " FFF0/FFF4 not on the device|"
                                       "ERR,-,NOT_FOUND," THERM_TEXT " " VENDOR_SERVICE "/" VENDOR_COMMAND
                                       " can neither notify nor indicate");
  gw_on_subscribed(&gateway, 0, true);
  assert_string_equal(drain(&gateway), "STATE," THERM_TEXT ",connected");
}

static void subscribes_at_once_when_the_device_is_connected(void **state) {
  (void)state;
  boot();
  register_therm();
  connect_therm();
  drain(&gateway);
  radio.call_count = 0;
  send_command(&gateway, "SUBSCRIBE,4," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_MEASUREMENT);
  send_command(&gateway, "SUBSCRIBE,5," THERM_TEXT ",1805,2A2B");
  send_command(&gateway, "SUBSCRIBE,6," THERM_TEXT ",FFF0,FFF4");
  /* One CCCD write at a time: the second waits for the first's answer. */
  assert_string_equal(joined_calls(), "notify 7B3A 0");
  assert_string_equal(drain(&gateway), "OK,4|OK,5|OK,6|ERR,-,NOT_FOUND," THERM_TEXT " FFF0/FFF4 not on the device");
  gw_on_subscribed(&gateway, 0, true);
  assert_string_equal(joined_calls(), "notify 7B3A 0|notify 2A2B 0");
  gw_on_subscribed(&gateway, 0, false);
  assert_string_equal(drain(&gateway), "ERR,-,GATT_ERROR," THERM_TEXT " 1805/2A2B subscription refused");
  assert_int_equal(gateway.devices[0].phase, GW_PHASE_CONNECTED);
  /* Again after the agent's next HELLO: nothing new to write. */
  send_command(&gateway, "SUBSCRIBE,7," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_MEASUREMENT);
  assert_string_equal(drain(&gateway), "OK,7");
  assert_int_equal(radio.call_count, 2);
}

static void disconnect_forgets_the_extras(void **state) {
  (void)state;
  boot();
  register_therm();
  send_command(&gateway, "SUBSCRIBE,2," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_MEASUREMENT);
  send_command(&gateway, "DISCONNECT,3," THERM_TEXT);
  assert_string_equal(drain(&gateway), "OK,2|OK,3|STATE," THERM_TEXT ",disconnected");
  register_therm();
  drain(&gateway);
  link_and_discover(THERM_GATT, THERM_GATT_COUNT);
  assert_string_equal(joined_calls(), "connect 0|discover 0|indicate 2A1C 0");
}

static void read_answers_val_then_ok(void **state) {
  (void)state;
  boot();
  register_therm();
  connect_therm();
  drain(&gateway);
  radio.call_count = 0;
  send_command(&gateway, "READ,12," THERM_TEXT ",180A,2A24");
  assert_string_equal(joined_calls(), "read 180A/2A24 0");
  assert_string_equal(drain(&gateway), "");
  gw_on_read_done(&gateway, 0, 0, (const uint8_t *)"KD-BP10", 7);
  assert_string_equal(drain(&gateway), "VAL," THERM_TEXT ",180A,2A24,4B442D42503130|OK,12");
  send_command(&gateway, "READ,13," THERM_TEXT ",1805,2A2B");
  gw_on_read_done(&gateway, 0, 0, NULL, 0);
  assert_string_equal(drain(&gateway), "VAL," THERM_TEXT ",1805,2A2B,|OK,13");
  /* The largest value under the longest UUIDs still fits one line. */
  static uint8_t big[GW_MAX_PAYLOAD_BYTES];
  memset(big, 0xAB, sizeof big);
  send_command(&gateway, "READ,14," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_MEASUREMENT);
  gw_on_read_done(&gateway, 0, 0, big, sizeof big);
  const char *lines = drain(&gateway);
  assert_true(strncmp(lines, "VAL," THERM_TEXT "," VENDOR_SERVICE "," VENDOR_MEASUREMENT ",ABAB", 98) == 0);
  assert_string_equal(lines + strlen(lines) - 6, "|OK,14");
}

static void read_refuses_what_it_cannot_do(void **state) {
  (void)state;
  boot();
  send_command(&gateway, "READ,1," THERM_TEXT ",180A,2A24");
  assert_string_equal(drain(&gateway), "ERR,1,NOT_CONNECTED,device not connected");
  register_therm();
  send_command(&gateway, "READ,2," THERM_TEXT ",180A,2A24");
  assert_string_equal(drain(&gateway), "ERR,2,NOT_CONNECTED,device not connected");
  connect_therm();
  drain(&gateway);
  send_command(&gateway, "READ,3," THERM_TEXT ",180A,2A29");
  assert_string_equal(drain(&gateway), "ERR,3,NOT_FOUND," THERM_TEXT " 180A/2A29 not on the device");
  send_command(&gateway, "READ,4," THERM_TEXT ",180A,2A24");
  send_command(&gateway, "READ,5," THERM_TEXT ",1805,2A2B");
  send_command(&gateway, "WRITE,6," THERM_TEXT ",1805,2A2B,EA070C08091E0002" "0001");
  /* An answer to a write that is not waiting changes nothing. */
  gw_on_write_done(&gateway, 0, 0);
  gw_on_read_done(&gateway, 0, 0x02, NULL, 0);
  assert_string_equal(drain(&gateway), "ERR,5,BUSY,a read or write to this device is running|"
                                       "ERR,6,BUSY,a read or write to this device is running|"
                                       "ERR,4,GATT_ERROR,ATT error 0x02");
  radio.refuse_read = true;
  send_command(&gateway, "READ,7," THERM_TEXT ",180A,2A24");
  assert_string_equal(drain(&gateway), "ERR,7,GATT_ERROR,the read could not start");
}

static void read_times_out_or_ends_with_the_link(void **state) {
  (void)state;
  boot();
  register_therm();
  connect_therm();
  drain(&gateway);
  gw_gateway_tick(&gateway, 500);
  send_command(&gateway, "READ,8," THERM_TEXT ",180A,2A24");
  gw_gateway_tick(&gateway, 500 + GW_OPERATION_TIMEOUT_MS - 1);
  assert_string_equal(drain(&gateway), "");
  gw_gateway_tick(&gateway, 500 + GW_OPERATION_TIMEOUT_MS);
  gw_on_read_done(&gateway, 0, 0, (const uint8_t *)"late", 4);
  assert_string_equal(drain(&gateway), "ERR,8,TIMEOUT,the device did not answer the read");
  send_command(&gateway, "READ,9," THERM_TEXT ",180A,2A24");
  gw_on_link_down(&gateway, 0, "HCI 0x08");
  assert_string_equal(drain(&gateway),
                      "ERR,9,NOT_CONNECTED,the device disconnected|STATE," THERM_TEXT ",disconnected,HCI 0x08");
}

static void write_to_a_characteristic_the_device_lacks_is_not_found(void **state) {
  (void)state;
  boot();
  register_therm();
  static const found NO_CLOCK[] = {{"1809", "2A1C", "i"}};
  link_and_discover(NO_CLOCK, 1);
  confirm_subscriptions(1);
  drain(&gateway);
  radio.call_count = 0;
  send_command(&gateway, "WRITE,3," THERM_TEXT ",1805,2A2B,EA070C08091E00020001");
  assert_string_equal(drain(&gateway), "ERR,3,NOT_FOUND," THERM_TEXT " 1805/2A2B not on the device");
  assert_int_equal(radio.call_count, 0);
}

/* 30 characteristics, more than the table's 24: the health ones after the 24th are still kept and
 * subscribed, and a READ of one that did not fit goes to the device instead of NOT_FOUND. */
static void a_full_table_keeps_what_it_subscribes_and_stops_saying_not_found(void **state) {
  (void)state;
  boot();
  register_therm();
  static found many[30];
  static char names[30][8];
  for (int i = 0; i < 28; i++) {
    snprintf(names[i], sizeof names[i], "%04X", 0xFF00 + i);
    many[i] = (found){"FFF0", names[i], ""};
  }
  many[28] = (found){"1810", "2A35", "i"};
  many[29] = (found){"1810", "2A36", "n"};
  link_and_discover(many, 30);
  confirm_subscriptions(2);
  assert_string_equal(joined_calls(), "connect 0|discover 0|indicate 2A35 0|notify 2A36 0");
  assert_true(gateway.devices[0].table.incomplete);
  assert_int_equal(gateway.devices[0].table.characteristic_count, GW_MAX_CHARACTERISTICS);
  drain(&gateway);
  radio.call_count = 0;
  send_command(&gateway, "READ,4," THERM_TEXT ",FFF0,FF1B");
  assert_string_equal(joined_calls(), "read FFF0/FF1B 0");
  assert_string_equal(drain(&gateway), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(subscribe_needs_a_registered_device_and_takes_four_extras),
      GW_TEST(subscribes_to_the_extras_after_the_health_ones_on_every_connection),
      GW_TEST(reports_a_missing_extra_and_still_connects),
      GW_TEST(subscribes_at_once_when_the_device_is_connected),
      GW_TEST(disconnect_forgets_the_extras),
      GW_TEST(read_answers_val_then_ok),
      GW_TEST(read_refuses_what_it_cannot_do),
      GW_TEST(read_times_out_or_ends_with_the_link),
      GW_TEST(write_to_a_characteristic_the_device_lacks_is_not_found),
      GW_TEST(a_full_table_keeps_what_it_subscribes_and_stops_saying_not_found),
  };
  return GW_RUN_TESTS(tests);
}
