/* The per-device table of discovered characteristics (core/gw_characteristics.*). */
#include "gw_characteristics.h"
#include "test_main.h"

static gw_characteristic_table table;

static void finds_a_characteristic_under_its_own_service_only(void **state) {
  (void)state;
  gw_table_clear(&table);
  gw_uuid info = gw_uuid16(0x180A), vendor = gw_uuid16(0xFFF0), model = gw_uuid16(0x2A24);
  assert_int_equal(gw_table_add(&table, &info, &model, 0), 0);
  assert_int_equal(gw_table_find(&table, &info, &model), 0);
  assert_int_equal(gw_table_find(&table, &vendor, &model), -1);
  assert_true(gw_table_lacks(&table, &vendor, &model));
  assert_false(gw_table_lacks(&table, &info, &model));
  assert_true(gw_uuid_equal(gw_table_service_of(&table, 0), &info));
}

static void more_services_than_it_holds_make_it_incomplete(void **state) {
  (void)state;
  gw_table_clear(&table);
  gw_uuid characteristic = gw_uuid16(0x2A00);
  for (uint16_t s = 0; s < GW_MAX_SERVICES; s++) {
    gw_uuid service = gw_uuid16((uint16_t)(0xFF00 + s));
    assert_true(gw_table_add(&table, &service, &characteristic, 0) >= 0);
  }
  assert_false(table.incomplete);
  gw_uuid one_more = gw_uuid16(0x1805), time = gw_uuid16(0x2A2B);
  assert_int_equal(gw_table_add(&table, &one_more, &time, GW_CAN_NOTIFY | GW_KEEP), -1);
  assert_true(table.incomplete);
  /* Not in the table, but the table cannot vouch for that: no NOT_FOUND. */
  assert_false(gw_table_lacks(&table, &one_more, &time));
}

static void a_table_of_kept_ones_refuses_another(void **state) {
  (void)state;
  gw_table_clear(&table);
  gw_uuid bp = gw_uuid16(0x1810);
  for (uint16_t c = 0; c < GW_MAX_CHARACTERISTICS; c++) {
    gw_uuid characteristic = gw_uuid16((uint16_t)(0x2A00 + c));
    assert_int_equal(gw_table_add(&table, &bp, &characteristic, GW_CAN_INDICATE | GW_KEEP), c);
  }
  gw_uuid plain = gw_uuid16(0x2B00), kept = gw_uuid16(0x2B01);
  assert_int_equal(gw_table_add(&table, &bp, &plain, 0), -1);
  assert_int_equal(gw_table_add(&table, &bp, &kept, GW_CAN_NOTIFY | GW_KEEP), -1);
  assert_true(table.incomplete);
  for (uint16_t c = 0; c < GW_MAX_CHARACTERISTICS; c++) {
    gw_uuid characteristic = gw_uuid16((uint16_t)(0x2A00 + c));
    assert_int_equal(gw_table_find(&table, &bp, &characteristic), c);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(finds_a_characteristic_under_its_own_service_only),
      GW_TEST(more_services_than_it_holds_make_it_incomplete),
      GW_TEST(a_table_of_kept_ones_refuses_another),
  };
  return GW_RUN_TESTS(tests);
}
