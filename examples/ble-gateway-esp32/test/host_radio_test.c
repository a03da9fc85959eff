/* The host gateway's simulated radio and devices (host/), driven in-process with a made-up clock:
 * the scan, the Device Information and Current Time services, the clock in later values, and the
 * KD-Therm V1's frames and commands. gw_host runs exactly this on a pty. */
#include "test_main.h"

#include "fake_radio.h"
#include "sim_radio.h"

static gw_gateway gateway;
static uint32_t clock_ms;

static void start(const char *const *specs, size_t count) {
  sim_radio_init(&gateway);
  sim_devices_clear();
  for (size_t i = 0; i < count; i++) assert_true(sim_devices_add(specs[i]));
  char why[160];
  assert_true(sim_devices_check(why, sizeof why));
  gw_gateway_init(&gateway, "gw", "fw", sim_radio_interface());
  clock_ms = 0;
  drain(&gateway);
}

/* Runs the gateway and the radio for `ms` in 5 ms steps, as gw_host's loop does. */
static void run_for(uint32_t ms) {
  for (uint32_t end = clock_ms + ms; clock_ms < end;) {
    clock_ms += 5;
    gw_gateway_tick(&gateway, clock_ms);
    sim_radio_run(clock_ms);
  }
}

#define THERM "A4:C1:38:00:00:05"
#define BP "A0:11:22:33:44:01"
#define VENDOR_SERVICE "7B3A0001-5C1E-4D2B-9F00-4B4450000001"
#define VENDOR_COMMAND VENDOR_SERVICE ",7B3A0003-5C1E-4D2B-9F00-4B4450000001"
#define MEASUREMENT_LINE "NTF," THERM "," VENDOR_SERVICE ",7B3A0002-5C1E-4D2B-9F00-4B4450000001,"

static void scan_relays_each_advertising_device_then_ends_with_ok(void **state) {
  (void)state;
  static const char *const SPECS[] = {"vendor-therm:" THERM ",3652", "reading:" BP ",1810,2A35,ind,00780050005d00"};
  start(SPECS, 2);
  send_command(&gateway, "SCAN,1,2");
  send_command(&gateway, "SCAN,2,2");
  assert_string_equal(drain(&gateway), "ERR,2,BUSY,a scan is running");
  run_for(1000);
  assert_string_equal(drain(&gateway), "ADV," THERM ",public,-48,KD-Therm V1," VENDOR_SERVICE
                                       "|ADV," BP ",public,-55,sim 44:01,1810");
  run_for(995);
  assert_string_equal(drain(&gateway), "ADV," THERM ",public,-48,KD-Therm V1," VENDOR_SERVICE
                                       "|ADV," BP ",public,-55,sim 44:01,1810");
  run_for(10);
  assert_string_equal(drain(&gateway), "OK,1");
  run_for(1000);
  assert_string_equal(drain(&gateway), "");
}

static void device_information_is_read_and_a_missing_string_is_not_found(void **state) {
  (void)state;
  static const char *const SPECS[] = {"reading:" BP ",1810,2A35,ind,00780050005d00",
                                      "info:" BP ",Klinik Desa,KD-BP10,,1.2.0"};
  start(SPECS, 2);
  send_command(&gateway, "CONNECT,1," BP);
  /* Advertises at 500 ms; link, discovery and the CCCD write take 5 ms each. */
  run_for(525);
  assert_string_equal(drain(&gateway), "OK,1|STATE," BP ",connecting|STATE," BP ",connected");
  send_command(&gateway, "READ,2," BP ",180A,2A24");
  send_command(&gateway, "READ,3," BP ",180A,2A29");
  run_for(20);
  send_command(&gateway, "READ,4," BP ",180A,2A25");
  send_command(&gateway, "READ,5," BP ",1810,2A35");
  run_for(20);
  assert_string_equal(drain(&gateway), "ERR,3,BUSY,a read or write to this device is running|"
                                       "VAL," BP ",180A,2A24,4B442D42503130|OK,2|"
                                       "IND," BP ",1810,2A35,00780050005D00|"
                                       "ERR,4,NOT_FOUND," BP " 180A/2A25 not on the device|"
                                       "ERR,5,GATT_ERROR,ATT error 0x02");
  /* It stays linked a while for the agent's reads, then hangs up and stays quiet. */
  run_for(1900);
  assert_string_equal(drain(&gateway), "");
  run_for(200);
  assert_string_equal(drain(&gateway), "STATE," BP ",disconnected,HCI 0x13");
}

static void a_clock_write_is_checked_and_sets_the_time_of_later_values(void **state) {
  (void)state;
  /* Three BP readings with a time stamp (flags 0x02), 200 ms apart, from a device whose clock is wrong. */
  static const char *const SPECS[] = {
      "reading:" BP ",1810,2A35,ind,02780050005d00e9070c080a0000",
      "reading:" BP ",1810,2A35,ind,02780050005d00e9070c080a0000",
      "reading:" BP ",1810,2A35,ind,02780050005d00e9070c080a0000",
      "clock:" BP ",2020-02-28T23:59:59",
  };
  start(SPECS, 4);
  send_command(&gateway, "CONNECT,1," BP);
  run_for(525);
  drain(&gateway);
  send_command(&gateway, "WRITE,2," BP ",1805,2A2B,EA070C08091E0002");
  run_for(10);
  /* The first reading went out 20 ms after connecting, with the old clock. */
  assert_string_equal(drain(&gateway), "ERR,2,GATT_ERROR,ATT error 0x0D|IND," BP ",1810,2A35,02780050005D00E407021C173B3B");
  send_command(&gateway, "WRITE,3," BP ",1805,2A2B,EA070D08091E00020001");
  run_for(10);
  /* 2026-12-08 09:30:00, a Tuesday, manual update. */
  send_command(&gateway, "WRITE,4," BP ",1805,2A2B,EA070C08091E00020001");
  run_for(10);
  send_command(&gateway, "READ,5," BP ",1805,2A2B");
  run_for(10);
  assert_string_equal(drain(&gateway), "ERR,3,GATT_ERROR,ATT error 0x80|OK,4|VAL," BP ",1805,2A2B,EA070C08091E00020000|OK,5");
  run_for(400);
  assert_string_equal(drain(&gateway), "IND," BP ",1810,2A35,02780050005D00EA070C08091E00|"
                                       "IND," BP ",1810,2A35,02780050005D00EA070C08091E00");
  /* The clock runs on, here across midnight into a leap day. */
  send_command(&gateway, "WRITE,7," BP ",1805,2A2B,E807021C173B3B030001");
  run_for(1010);
  send_command(&gateway, "READ,8," BP ",1805,2A2B");
  run_for(10);
  /* 2024-02-28 23:59:59 (a Wednesday) + 1 s = 2024-02-29 00:00:00, a Thursday. */
  assert_string_equal(drain(&gateway), "OK,7|VAL," BP ",1805,2A2B,E807021D000000040000|OK,8");
}

static void the_therm_measures_on_its_own_and_on_command(void **state) {
  (void)state;
  static const char *const SPECS[] = {"vendor-therm:" THERM ",3652,4400,ear,battery=77"};
  start(SPECS, 1);
  send_command(&gateway, "CONNECT,1," THERM);
  send_command(&gateway, "SUBSCRIBE,2," THERM "," VENDOR_SERVICE ",7B3A0002-5C1E-4D2B-9F00-4B4450000001");
  run_for(560);
  assert_string_equal(drain(&gateway), "OK,1|OK,2|STATE," THERM ",connecting|STATE," THERM ",connected");
  run_for(500);
  /* 36.52 °C at the ear, sequence 1, battery 77; XOR 0x4D ^ ... = 0xA7. */
  assert_string_equal(drain(&gateway), MEASUREMENT_LINE "A504440E01004DA7");
  run_for(500);
  /* 44.00 °C: above 42.9, so HI (bit 0) with the ear (bit 2). */
  assert_string_equal(drain(&gateway), MEASUREMENT_LINE "A505301102004DCE");
  send_command(&gateway, "WRITE,3," THERM "," VENDOR_COMMAND ",01");
  run_for(10);
  assert_string_equal(drain(&gateway), "OK,3");
  run_for(500);
  assert_string_equal(drain(&gateway), MEASUREMENT_LINE "A505301103004DCF");
  send_command(&gateway, "WRITE,4," THERM "," VENDOR_COMMAND ",02");
  run_for(20);
  send_command(&gateway, "WRITE,5," THERM "," VENDOR_COMMAND ",07");
  run_for(10);
  send_command(&gateway, "WRITE,6," THERM ",1805,2A2B,EA070C08091E00020001");
  assert_string_equal(drain(&gateway), "OK,4|" MEASUREMENT_LINE "A505301103004DCF|ERR,5,GATT_ERROR,ATT error 0x80|"
                                       "ERR,6,NOT_FOUND," THERM " 1805/2A2B not on the device");
}

static void a_therm_nobody_subscribed_to_keeps_its_measurements(void **state) {
  (void)state;
  static const char *const SPECS[] = {"vendor-therm:" THERM ",3652"};
  start(SPECS, 1);
  send_command(&gateway, "CONNECT,1," THERM);
  /* Connected at 515 ms, measures at 1015 ms (no one hears it), hangs up 2 s later. */
  run_for(3100);
  assert_string_equal(drain(&gateway), "OK,1|STATE," THERM ",connecting|STATE," THERM ",connected|"
                                       "STATE," THERM ",disconnected,HCI 0x13");
}

static void bad_device_arguments_are_refused(void **state) {
  (void)state;
  sim_devices_clear();
  assert_false(sim_devices_add("vendor-therm:" THERM));
  assert_false(sim_devices_add("vendor-therm:" THERM ",36.5"));
  assert_false(sim_devices_add("vendor-therm:A4:C1:38:00:00:06,3652,battery=101"));
  assert_false(sim_devices_add("clock:" BP ",2026-02-30T00:00:00"));
  assert_false(sim_devices_add("info:" BP ",a,b,c"));
  assert_false(sim_devices_add("thermo:" BP ",3652"));
  sim_devices_clear();
  assert_true(sim_devices_add("info:" BP ",a,b,c,d"));
  char why[160];
  assert_false(sim_devices_check(why, sizeof why));
  assert_non_null(strstr(why, "nothing to send"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(scan_relays_each_advertising_device_then_ends_with_ok),
      GW_TEST(device_information_is_read_and_a_missing_string_is_not_found),
      GW_TEST(a_clock_write_is_checked_and_sets_the_time_of_later_values),
      GW_TEST(the_therm_measures_on_its_own_and_on_command),
      GW_TEST(a_therm_nobody_subscribed_to_keeps_its_measurements),
      GW_TEST(bad_device_arguments_are_refused),
  };
  return GW_RUN_TESTS(tests);
}
