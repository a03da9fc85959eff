#include "gw_crc.h"
#include "test_main.h"

static void check_value_of_123456789_is_29b1(void **state) {
  (void)state;
  assert_int_equal(gw_crc16((const uint8_t *)"123456789", 9), 0x29B1);
}

static void empty_input_is_the_initial_value(void **state) {
  (void)state;
  assert_int_equal(gw_crc16((const uint8_t *)"", 0), 0xFFFF);
}

static void crc_of_the_documented_ping_line(void **state) {
  (void)state;
  /* docs/gateway-protocol.md: $PING,1*F692 */
  assert_int_equal(gw_crc16((const uint8_t *)"PING,1", 6), 0xF692);
}

static void updating_in_pieces_equals_one_pass(void **state) {
  (void)state;
  const uint8_t *text = (const uint8_t *)"HELLO,1,24:6F:28:AA:BB:CC,kd-gateway 1.0.0";
  size_t length = strlen((const char *)text);
  for (size_t cut = 0; cut <= length; cut++) {
    uint16_t crc = gw_crc16_update(gw_crc16_update(GW_CRC_INIT, text, cut), text + cut, length - cut);
    assert_int_equal(crc, 0xD479);
  }
}

static void swapped_bytes_change_the_crc(void **state) {
  (void)state;
  assert_int_not_equal(gw_crc16((const uint8_t *)"OK,12", 5), gw_crc16((const uint8_t *)"OK,21", 5));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(check_value_of_123456789_is_29b1),
      GW_TEST(empty_input_is_the_initial_value),
      GW_TEST(crc_of_the_documented_ping_line),
      GW_TEST(updating_in_pieces_equals_one_pass),
      GW_TEST(swapped_bytes_change_the_crc),
  };
  return GW_RUN_TESTS(tests);
}
