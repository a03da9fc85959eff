#include "gw_line_reader.h"
#include "test_main.h"

static gw_line_reader reader;

/* Pushes `text` and records what each line ended as: 'L' a line, 'T' too long. */
static size_t feed(const char *text, size_t length, char *events, size_t capacity) {
  size_t count = 0;
  for (size_t i = 0; i < length; i++) {
    gw_read_result result = gw_line_reader_push(&reader, (uint8_t)text[i]);
    if (result != GW_READ_MORE && count < capacity) events[count++] = result == GW_READ_LINE ? 'L' : 'T';
  }
  return count;
}

static void hands_on_each_line_without_its_lf(void **state) {
  (void)state;
  gw_line_reader_init(&reader);
  const char *text = "$PING,1*F692\r\n";
  for (size_t i = 0; i < strlen(text) - 1; i++)
    assert_int_equal(gw_line_reader_push(&reader, (uint8_t)text[i]), GW_READ_MORE);
  assert_int_equal(gw_line_reader_push(&reader, '\n'), GW_READ_LINE);
  assert_int_equal(reader.length, 13);
  assert_memory_equal(reader.line, "$PING,1*F692\r", 13);
}

static void skips_empty_lines(void **state) {
  (void)state;
  gw_line_reader_init(&reader);
  char events[8];
  assert_int_equal(feed("\n\n\n", 3, events, 8), 0);
  assert_int_equal(feed("a\n", 2, events, 8), 1);
  assert_int_equal(reader.length, 1);
}

static void starts_afresh_after_each_line(void **state) {
  (void)state;
  gw_line_reader_init(&reader);
  char events[8];
  assert_int_equal(feed("abc\n", 4, events, 8), 1);
  assert_int_equal(feed("de\n", 3, events, 8), 1);
  assert_int_equal(reader.length, 2);
  assert_memory_equal(reader.line, "de", 2);
}

static void accepts_a_line_of_exactly_the_cap(void **state) {
  (void)state;
  static char text[GW_MAX_LINE_BYTES + 1];
  memset(text, 'A', GW_MAX_LINE_BYTES);
  text[0] = '$';
  text[GW_MAX_LINE_BYTES] = '\n';
  gw_line_reader_init(&reader);
  char events[4];
  assert_int_equal(feed(text, sizeof text, events, 4), 1);
  assert_int_equal(events[0], 'L');
  assert_int_equal(reader.length, GW_MAX_LINE_BYTES);
}

static void reports_an_overlong_command_once_and_drops_its_rest(void **state) {
  (void)state;
  static char text[3 * GW_MAX_LINE_BYTES + 1];
  memset(text, 'A', sizeof text);
  text[0] = '$';
  text[sizeof text - 1] = '\n';
  gw_line_reader_init(&reader);
  char events[4];
  assert_int_equal(feed(text, sizeof text, events, 4), 1);
  assert_int_equal(events[0], 'T');
  assert_int_equal(feed("$OK\n", 4, events, 4), 1);
  assert_int_equal(events[0], 'L');
  assert_memory_equal(reader.line, "$OK", 3);
}

static void drops_overlong_noise_silently(void **state) {
  (void)state;
  static char text[GW_MAX_LINE_BYTES + 10];
  memset(text, 'x', sizeof text);
  text[sizeof text - 1] = '\n';
  gw_line_reader_init(&reader);
  char events[4];
  assert_int_equal(feed(text, sizeof text, events, 4), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      GW_TEST(hands_on_each_line_without_its_lf),
      GW_TEST(skips_empty_lines),
      GW_TEST(starts_afresh_after_each_line),
      GW_TEST(accepts_a_line_of_exactly_the_cap),
      GW_TEST(reports_an_overlong_command_once_and_drops_its_rest),
      GW_TEST(drops_overlong_noise_silently),
  };
  return GW_RUN_TESTS(tests);
}
