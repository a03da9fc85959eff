/* Fuzzes the command parser and the line reader with a fixed seed: random bodies framed with a
 * correct CRC (deep into field checking), well-formed commands mutated (damaged frames), and raw
 * random bytes (noise, overlong lines). Every line must end as a command, as ignored, or as an ERR
 * whose code the documented rules give; the sanitizers catch any read or write out of bounds. */
#include "framing.h"
#include "gw_command.h"
#include "gw_line_reader.h"
#include "gw_message.h"
#include "test_main.h"

#define ROUNDS 100000 /* per generator: 300,000 lines in all */

static uint64_t seed = 0x6b6c696e696b2d64u;

static uint32_t next_random(void) {
  /* xorshift64*: reproducible everywhere, unlike rand(). */
  seed ^= seed >> 12;
  seed ^= seed << 25;
  seed ^= seed >> 27;
  return (uint32_t)((seed * 0x2545F4914F6CDD1Du) >> 32);
}

static uint32_t below(uint32_t n) { return next_random() % n; }

static const char *const TYPES[] = {"PING",      "STATUS", "SCAN", "CONNECT", "WRITE", "DISCONNECT",
                                    "SUBSCRIBE", "READ",   "NOPE", "ping",    "read",  ""};
static const char *const PIECES[] = {
    "0",    "1",      "65535", "65536", "-1",    "300",  "301",    "A4:C1:38:00:00:01", "a4:c1:38:00:00:0g",
    "1808", "2A52",   "2a5",   "0101",  "010",   "",     "public", "random",            "6E400001-B5A3-F393-E0A9-E50E24DCCA9E",
    "00002A52-0000-1000-8000-00805F9B34FB", "%2C",  " ", "*", "$", "\r", "\x01", "\xff",
};

/* The frame check written again, plainly: a second opinion on what BAD_CHECKSUM covers. */
static bool frame_is_sound(const uint8_t *line, size_t length) {
  while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) length--;
  if (length < 6 || line[0] != '$' || line[length - 5] != '*') return false;
  char crc[5];
  snprintf(crc, sizeof crc, "%04X", gw_crc16(line + 1, length - 6));
  return memcmp(crc, line + length - 4, 4) == 0;
}

/* The fields each command takes, by kind: i id, s seconds, a address, t address type, u UUID, p payload. */
static const char *const SHAPES[] = {"i", "i", "is", "iat", "iauup", "ia", "iauu", "iauu"};
#define SHAPE_COUNT (sizeof SHAPES / sizeof SHAPES[0])

static size_t append_good(char *body, size_t length, size_t capacity, char kind) {
  switch (kind) {
    case 'i': return (size_t)snprintf(body + length, capacity - length, "%u", below(65536));
    case 's': return (size_t)snprintf(body + length, capacity - length, "%u", 1 + below(300));
    case 'a':
      return (size_t)snprintf(body + length, capacity - length, "%02X:%02x:%02X:%02X:%02X:%02X", below(256),
                              below(256), below(256), below(256), below(256), below(256));
    case 't': return (size_t)snprintf(body + length, capacity - length, "%s", below(2) ? "public" : "random");
    case 'u':
      /* 16-bit, or 128-bit as a vendor's (KD-Therm's service here, now and then one digit changed). */
      if (below(3) > 0) return (size_t)snprintf(body + length, capacity - length, "%04X", below(65536));
      return (size_t)snprintf(body + length, capacity - length, "7B3A%04X-5C1E-4D2B-9F00-4B44500000%02x", below(65536),
                              below(256));
    default: {
      /* A payload, now and then near or past the 512-byte limit. */
      uint32_t bytes = below(20) == 0 ? 500 + below(20) : below(24);
      size_t written = 0;
      for (uint32_t b = 0; b < bytes && length + written + 3 < capacity; b++)
        written += (size_t)snprintf(body + length + written, capacity - length - written, "%02x", below(256));
      return written;
    }
  }
}

/* Mostly the right fields for the type, each now and then swapped for a wrong piece, sometimes one
 * field too many or too few: deep enough to reach every check of every command. */
static size_t random_body(char *body, size_t capacity) {
  uint32_t type = below(sizeof TYPES / sizeof TYPES[0]);
  size_t length = (size_t)snprintf(body, capacity, "%s", TYPES[type]);
  const char *shape = type < SHAPE_COUNT ? SHAPES[type] : "i";
  size_t fields = strlen(shape);
  uint32_t roll = below(16);
  if (roll == 0) fields++;
  else if (roll == 1 && fields > 0) fields--;
  for (size_t i = 0; i < fields; i++) {
    body[length++] = ',';
    char kind = i < strlen(shape) ? shape[i] : 'i';
    if (below(10) == 0) {
      length += (size_t)snprintf(body + length, capacity - length, "%s", PIECES[below(sizeof PIECES / sizeof PIECES[0])]);
    } else {
      length += append_good(body, length, capacity, kind);
    }
  }
  body[length] = '\0';
  return length;
}

static void mutate(uint8_t *line, size_t *length, size_t capacity) {
  uint32_t mutations = 1 + below(4);
  for (uint32_t m = 0; m < mutations && *length > 0; m++) {
    size_t at = below((uint32_t)*length);
    switch (below(5)) {
      case 0: line[at] ^= (uint8_t)(1u << below(8)); break;
      case 1: line[at] = (uint8_t)below(256); break;
      case 2:
        memmove(line + at, line + at + 1, *length - at - 1);
        (*length)--;
        break;
      case 3:
        if (*length < capacity) {
          memmove(line + at + 1, line + at, *length - at);
          (*length)++;
        }
        break;
      default:
        if (at + 1 < *length) {
          uint8_t swap = line[at];
          line[at] = line[at + 1];
          line[at + 1] = swap;
        }
    }
  }
}

static size_t commands_parsed;
static size_t parsed_by_type[GW_CMD_READ + 1];
static size_t lines_refused;

/* Parses one line and checks the answer against the documented rules. */
static void check_line(const uint8_t *line, size_t length) {
  static gw_command command;
  gw_parse_error error;
  gw_parse_result result = gw_parse_command(line, length, &command, &error);
  bool sound = frame_is_sound(line, length);
  if (result == GW_PARSE_IGNORED) {
    assert_true(length == 0 || line[0] != '$');
    return;
  }
  assert_int_equal(line[0], '$');
  if (result == GW_PARSE_OK) {
    assert_true(sound);
    assert_true(command.type <= GW_CMD_READ);
    assert_true(command.payload_length <= GW_MAX_PAYLOAD_BYTES);
    commands_parsed++;
    parsed_by_type[command.type]++;
    return;
  }
  assert_int_equal(result, GW_PARSE_ERROR);
  lines_refused++;
  if (sound) {
    assert_int_equal(error.code, GW_ERR_BAD_COMMAND);
    assert_true(error.id >= GW_NO_ID && error.id <= (int32_t)GW_MAX_ID);
  } else {
    assert_int_equal(error.code, GW_ERR_BAD_CHECKSUM);
    assert_int_equal(error.id, GW_NO_ID);
  }
  /* The answer itself must be a sound line. */
  char answer[GW_MAX_LINE_BYTES];
  size_t answer_length = gw_format_err(answer, sizeof answer, error.id, error.code, error.message);
  assert_true(answer_length > 0);
  assert_true(frame_is_sound((const uint8_t *)answer, answer_length));
}

static void random_framed_bodies_get_a_command_or_bad_command(void **state) {
  (void)state;
  static char body[1300];
  static char line[1400];
  for (int i = 0; i < ROUNDS; i++) {
    random_body(body, sizeof body);
    size_t length = frame_line(line, sizeof line, body);
    check_line((const uint8_t *)line, length);
  }
  assert_true(commands_parsed > 1000);
  assert_true(lines_refused > 1000);
  /* Every command type was reached, the new SUBSCRIBE and READ included. */
  for (size_t type = 0; type <= GW_CMD_READ; type++) assert_true(parsed_by_type[type] > 100);
}

static void mutated_commands_never_pass_a_damaged_frame(void **state) {
  (void)state;
  static const char *const GOOD[] = {
      "PING,1", "STATUS,2", "SCAN,3,10", "CONNECT,4,A4:C1:38:00:00:01,random",
      "WRITE,5,A4:C1:38:00:00:01,1808,2A52,0103010500", "DISCONNECT,6,A4:C1:38:00:00:01",
      "SUBSCRIBE,7,A4:C1:38:00:00:05,7B3A0001-5C1E-4D2B-9F00-4B4450000001,7B3A0002-5C1E-4D2B-9F00-4B4450000001",
      "READ,8,A4:C1:38:00:00:01,180A,2A24",
  };
  static uint8_t line[256];
  for (int i = 0; i < ROUNDS; i++) {
    size_t length = frame_line((char *)line, sizeof line, GOOD[below(sizeof GOOD / sizeof GOOD[0])]);
    mutate(line, &length, sizeof line);
    check_line(line, length);
  }
}

static void random_bytes_through_the_reader_never_break_it(void **state) {
  (void)state;
  static gw_line_reader reader;
  gw_line_reader_init(&reader);
  size_t too_long = 0;
  for (int i = 0; i < ROUNDS; i++) {
    uint32_t length = below(8) == 0 ? 1000 + below(400) : below(80);
    bool command = below(2) == 0;
    for (uint32_t b = 0; b <= length; b++) {
      /* No LF inside: the line must reach its chosen length, overlong ones included. */
      uint8_t noise = (uint8_t)below(255);
      if (noise >= '\n') noise++;
      uint8_t byte = b == length ? '\n' : (b == 0 && command) ? '$' : noise;
      gw_read_result result = gw_line_reader_push(&reader, byte);
      assert_true(reader.length <= GW_MAX_LINE_BYTES);
      if (result == GW_READ_LINE) check_line(reader.line, reader.length);
      if (result == GW_READ_TOO_LONG) too_long++;
    }
  }
  assert_true(too_long > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(random_framed_bodies_get_a_command_or_bad_command),
      GW_TEST(mutated_commands_never_pass_a_damaged_frame),
      GW_TEST(random_bytes_through_the_reader_never_break_it),
  };
  return GW_RUN_TESTS(tests);
}
