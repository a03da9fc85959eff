/* Fuzzes the whole gateway with a fixed seed: random commands (CONNECT, SUBSCRIBE, READ, WRITE,
 * DISCONNECT, ...) interleaved with random radio events (links up and down, characteristics found,
 * discovery and CCCD writes ending, reads and writes answered, time passing) in any order, sound or
 * not. Every line the gateway sends must be whole with a correct CRC, the sanitizers must stay
 * quiet, each device's bounds must hold, and every READ or WRITE the radio took must end in exactly
 * one answer (OK or ERR with its id). */
#include "test_main.h"

#include "fake_radio.h"

#define STEPS 150000

static uint64_t seed = 0x6b642d6761746577u;
static uint32_t next_random(void) {
  seed ^= seed >> 12;
  seed ^= seed << 25;
  seed ^= seed >> 27;
  return (uint32_t)((seed * 0x2545F4914F6CDD1Du) >> 32);
}
static uint32_t below(uint32_t n) { return next_random() % n; }

static gw_gateway gateway;
/* Characteristics as devices have them (service, characteristic), and now and then a mix of two. */
static const char *const PAIRS[][2] = {
    {"1810", "2A35"}, {"180A", "2A24"}, {"1805", "2A2B"}, {"FFF0", "FFF1"},
    {"7B3A0001-5C1E-4D2B-9F00-4B4450000001", "7B3A0002-5C1E-4D2B-9F00-4B4450000001"},
};
#define PAIR_COUNT (sizeof PAIRS / sizeof PAIRS[0])

static void any_pair(const char **service, const char **characteristic) {
  uint32_t pair = below(PAIR_COUNT);
  *service = PAIRS[pair][0];
  *characteristic = PAIRS[below(8) == 0 ? below(PAIR_COUNT) : pair][1];
}

static gw_uuid uuid_of(const char *text) {
  gw_uuid uuid;
  assert_true(gw_parse_uuid(text, strlen(text), &uuid));
  return uuid;
}

static void any_command(uint16_t id) {
  static const char *const TYPES[] = {"CONNECT", "CONNECT", "SUBSCRIBE", "READ",   "READ",
                                      "WRITE",   "WRITE",   "DISCONNECT", "STATUS", "SCAN"};
  char body[200];
  const char *type = TYPES[below(sizeof TYPES / sizeof TYPES[0])];
  int at = snprintf(body, sizeof body, "%s,%u", type, id);
  if (strcmp(type, "SCAN") == 0) at += snprintf(body + at, sizeof body - (size_t)at, ",%u", 1 + below(3));
  if (strcmp(type, "STATUS") != 0 && strcmp(type, "SCAN") != 0)
    at += snprintf(body + at, sizeof body - (size_t)at, ",A4:C1:38:00:00:0%u", below(5));
  if (strcmp(type, "SUBSCRIBE") == 0 || strcmp(type, "READ") == 0 || strcmp(type, "WRITE") == 0) {
    const char *service, *characteristic;
    any_pair(&service, &characteristic);
    at += snprintf(body + at, sizeof body - (size_t)at, ",%s,%s", service, characteristic);
  }
  if (strcmp(type, "WRITE") == 0) snprintf(body + at, sizeof body - (size_t)at, ",%02X", below(256));
  send_command(&gateway, body);
}

static void any_event(uint32_t *now) {
  uint8_t slot = (uint8_t)below(GW_MAX_DEVICES + 1); /* now and then one past the last */
  const char *service_text, *characteristic_text;
  any_pair(&service_text, &characteristic_text);
  gw_uuid service = uuid_of(service_text), characteristic = uuid_of(characteristic_text);
  static uint8_t value[GW_MAX_PAYLOAD_BYTES + 8];
  /* Links drop now and then, not at every turn: most reads and writes meet a connected device. */
  switch (below(16)) {
    case 0: {
      gw_address address = {{0xA4, 0xC1, 0x38, 0x00, 0x00, (uint8_t)below(5)}};
      gw_on_advertisement(&gateway, &address, GW_ADDRESS_PUBLIC, -60, "x", &service, 1);
      break;
    }
    case 1:
    case 13: gw_on_link_up(&gateway, slot); break;
    case 2:
    case 3:
    case 11:
    case 12: {
      /* Found on every device being discovered at the moment, so tables fill up. */
      bool notify = below(2) == 0, indicate = below(3) == 0;
      for (uint8_t each = 0; each <= GW_MAX_DEVICES; each++)
        gw_on_characteristic(&gateway, each, &service, &characteristic, notify, indicate);
      break;
    }
    case 4: gw_on_discovery_done(&gateway, slot, below(8) != 0); break;
    case 5:
    case 14: gw_on_subscribed(&gateway, slot, below(8) != 0); break;
    case 6:
      /* A link being closed goes down soon, as the radio answers the disconnect; others seldom. */
      if (below(4) == 0 || (slot < GW_MAX_DEVICES && gateway.devices[slot].phase == GW_PHASE_CLOSING))
        gw_on_link_down(&gateway, slot, "HCI 0x08");
      break;
    case 7: gw_on_write_done(&gateway, slot, below(4) == 0 ? (uint8_t)below(256) : 0); break;
    case 8: gw_on_read_done(&gateway, slot, below(4) == 0 ? (uint8_t)below(256) : 0, value, below(sizeof value)); break;
    case 9: gw_on_value(&gateway, slot, &service, &characteristic, below(2) == 0, value, below(40)); break;
    default:
      *now += below(3000);
      gw_gateway_tick(&gateway, *now);
      if (below(4) == 0) gw_on_scan_done(&gateway);
  }
}

/* Ids of the READs and WRITEs the radio took and that have no answer yet. */
static bool waiting[65536];
static uint32_t answers_expected, answers_seen;

static void check_answers(const char *lines) {
  for (const char *at = lines; *at != '\0';) {
    unsigned id = 0;
    if (sscanf(at, "OK,%u", &id) == 1 || sscanf(at, "ERR,%u,", &id) == 1) {
      if (waiting[id]) answers_seen++;
      waiting[id] = false;
    }
    const char *bar = strchr(at, '|');
    at = bar == NULL ? at + strlen(at) : bar + 1;
  }
}

static void check_bounds(void) {
  for (size_t i = 0; i < GW_MAX_DEVICES; i++) {
    const gw_device *device = &gateway.devices[i];
    assert_true(device->extra_count <= GW_MAX_EXTRA_SUBSCRIPTIONS);
    assert_true(device->subscribed <= device->subscription_count);
    assert_true(device->subscription_count <= GW_MAX_SUBSCRIPTIONS);
    assert_true(device->table.characteristic_count <= GW_MAX_CHARACTERISTICS);
    assert_true(device->table.service_count <= GW_MAX_SERVICES);
    for (uint8_t s = 0; s < device->subscription_count; s++)
      assert_true(device->subscriptions[s] < device->table.characteristic_count);
    assert_true((device->operation == GW_OP_NONE) == (device->operation_id == GW_NO_ID));
  }
}

static void random_commands_and_events_keep_every_rule(void **state) {
  (void)state;
  gw_gateway_init(&gateway, "gw", "fw", fake_radio_new());
  drain(&gateway);
  uint32_t now = 0;
  for (uint32_t step = 0; step < STEPS; step++) {
    if (below(3) == 0) {
      uint16_t id = (uint16_t)(step & 0xFFFF);
      size_t calls = radio.call_count;
      any_command(id);
      /* A read or write the radio took: its answer comes later, exactly once. */
      if (radio.call_count > calls && (strncmp(radio.calls[calls], "read", 4) == 0 ||
                                       strncmp(radio.calls[calls], "write", 5) == 0)) {
        waiting[id] = true;
        answers_expected++;
      }
    } else {
      any_event(&now);
    }
    if (radio.call_count > 24) radio.call_count = 0;
    check_answers(drain(&gateway));
    check_bounds();
  }
  /* Whatever still waits ends by the timeout. */
  gw_gateway_tick(&gateway, now + GW_OPERATION_TIMEOUT_MS);
  check_answers(drain(&gateway));
  assert_int_equal(answers_seen, answers_expected);
  print_message("%u reads and writes taken, each answered once\n", answers_expected);
  assert_true(answers_expected > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(random_commands_and_events_keep_every_rule),
  };
  return GW_RUN_TESTS(tests);
}
