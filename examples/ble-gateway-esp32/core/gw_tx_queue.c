#include "gw_tx_queue.h"

#include "gw_message.h"

void gw_tx_queue_init(gw_tx_queue *queue) {
  queue->head = 0;
  queue->count = 0;
  queue->dropped_lines = 0;
  queue->dropped_lines_total = 0;
}

static size_t room(const gw_tx_queue *queue) { return GW_TX_QUEUE_BYTES - queue->count; }

static void append(gw_tx_queue *queue, const char *line, size_t length) {
  for (size_t i = 0; i < length; i++) {
    queue->bytes[(queue->head + queue->count) % GW_TX_QUEUE_BYTES] = (uint8_t)line[i];
    queue->count++;
  }
}

static void drop(gw_tx_queue *queue) {
  queue->dropped_lines++;
  queue->dropped_lines_total++;
}

int gw_tx_queue_put(gw_tx_queue *queue, const char *line, size_t length) {
  if (queue->dropped_lines > 0) {
    /* Static: the report is built once per recovery, in no one's stack. */
    static char report[96];
    static char message[48];
    uint32_t n = queue->dropped_lines;
    /* "<n> lines dropped: serial link busy", written without printf (not on every libc). */
    char digits[10];
    size_t d = 0;
    do {
      digits[d++] = (char)('0' + n % 10);
      n /= 10;
    } while (n > 0);
    size_t at = 0;
    while (d > 0) message[at++] = digits[--d];
    const char *tail = " lines dropped: serial link busy";
    for (size_t i = 0; tail[i] != '\0'; i++) message[at++] = tail[i];
    message[at] = '\0';
    size_t report_length = gw_format_err(report, sizeof report, GW_NO_ID, GW_ERR_BUSY, message);
    if (report_length + length > room(queue)) {
      drop(queue);
      return 0;
    }
    append(queue, report, report_length);
    queue->dropped_lines = 0;
  }
  if (length == 0 || length > room(queue)) {
    drop(queue);
    return 0;
  }
  append(queue, line, length);
  return 1;
}

size_t gw_tx_queue_take(gw_tx_queue *queue, uint8_t *out, size_t capacity) {
  size_t taken = 0;
  while (taken < capacity && queue->count > 0) {
    out[taken++] = queue->bytes[queue->head];
    queue->head = (queue->head + 1) % GW_TX_QUEUE_BYTES;
    queue->count--;
  }
  return taken;
}
