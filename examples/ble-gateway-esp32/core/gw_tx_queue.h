#ifndef GW_TX_QUEUE_H
#define GW_TX_QUEUE_H

#include <stddef.h>
#include <stdint.h>

/* The lines waiting for the serial link, in a fixed ring of bytes. The UART drains it as fast as
 * 115200 baud allows; a burst of notifications can outrun that. A line that does not fit whole is
 * dropped (never sent in part) and counted; once there is room again, the first thing queued is an
 * `ERR,-,BUSY` line saying how many lines were dropped, so a loss is always reported. */
#ifndef GW_TX_QUEUE_BYTES
#define GW_TX_QUEUE_BYTES 4096
#endif

typedef struct {
  uint8_t bytes[GW_TX_QUEUE_BYTES];
  size_t head;  /* next byte to take */
  size_t count; /* bytes queued */
  uint32_t dropped_lines;       /* since the last report */
  uint32_t dropped_lines_total; /* since boot */
} gw_tx_queue;

void gw_tx_queue_init(gw_tx_queue *queue);
/* Queues one whole line, or drops and counts it. Returns 1 if queued, 0 if dropped. */
int gw_tx_queue_put(gw_tx_queue *queue, const char *line, size_t length);
/* Takes up to `capacity` bytes for the UART; returns how many. */
size_t gw_tx_queue_take(gw_tx_queue *queue, uint8_t *out, size_t capacity);

#endif
