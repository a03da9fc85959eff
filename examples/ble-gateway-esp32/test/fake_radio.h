#ifndef GW_TEST_FAKE_RADIO_H
#define GW_TEST_FAKE_RADIO_H

/* A radio that records what the core asked of it, and the gateway's output split into line bodies
 * (each line's CRC checked on the way), for tests of the gateway's behaviour. */
#include <stdio.h>
#include <string.h>

#include "framing.h"
#include "gw_device_events.h"
#include "gw_gateway.h"

typedef struct {
  char calls[32][64];
  size_t call_count;
  bool refuse_scan;
  bool refuse_write;
  bool refuse_read;
} fake_radio;

static fake_radio radio;

static void record(const char *call, uint8_t slot) {
  if (radio.call_count < 32) snprintf(radio.calls[radio.call_count++], 64, "%s %u", call, slot);
}

static bool fake_start_scan(void *context, uint16_t seconds) {
  (void)context;
  record("scan", (uint8_t)seconds);
  return !radio.refuse_scan;
}
static void fake_connect(void *context, uint8_t slot, const gw_address *address, gw_address_type type) {
  (void)context, (void)address;
  record(type == GW_ADDRESS_RANDOM ? "connect-random" : "connect", slot);
}
static void fake_discover(void *context, uint8_t slot) {
  (void)context;
  record("discover", slot);
}
static void fake_subscribe(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                           bool indicate) {
  (void)context, (void)service;
  char call[32];
  snprintf(call, sizeof call, "%s %02X%02X", indicate ? "indicate" : "notify", characteristic->bytes[0],
           characteristic->bytes[1]);
  record(call, slot);
}
static bool fake_write(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                       const uint8_t *value, size_t length) {
  (void)context, (void)service, (void)characteristic, (void)value, (void)length;
  record("write", slot);
  return !radio.refuse_write;
}
static void put_uuid_text(char *out, size_t capacity, const gw_uuid *uuid) {
  size_t at = 0;
  for (size_t i = 0; i < uuid->length && at + 3 < capacity; i++) {
    if (uuid->length == 16 && (i == 4 || i == 6 || i == 8 || i == 10)) out[at++] = '-';
    at += (size_t)snprintf(out + at, capacity - at, "%02X", uuid->bytes[i]);
  }
  out[at] = '\0';
}
static bool fake_read(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic) {
  (void)context;
  char s[40], c[40], call[48];
  put_uuid_text(s, sizeof s, service);
  put_uuid_text(c, sizeof c, characteristic);
  /* Short UUIDs only in the call text: "read 180A/2A24 0". */
  snprintf(call, sizeof call, "read %.4s/%.4s", s, c);
  record(call, slot);
  return !radio.refuse_read;
}
static void fake_disconnect(void *context, uint8_t slot) {
  (void)context;
  record("disconnect", slot);
}

static inline gw_radio fake_radio_new(void) {
  memset(&radio, 0, sizeof radio);
  gw_radio r = {.context = NULL,
                .start_scan = fake_start_scan,
                .connect = fake_connect,
                .discover = fake_discover,
                .subscribe = fake_subscribe,
                .write = fake_write,
                .read = fake_read,
                .disconnect = fake_disconnect};
  return r;
}

/* The bodies of every line the gateway queued since the last call, "|"-joined: "HELLO,1,gw,fw|OK,1". */
static const char *drain(gw_gateway *gateway) {
  static char bytes[GW_TX_QUEUE_BYTES + 1];
  static char bodies[GW_TX_QUEUE_BYTES + 1];
  size_t length = gw_gateway_take_output(gateway, (uint8_t *)bytes, GW_TX_QUEUE_BYTES);
  bytes[length] = '\0';
  size_t out = 0;
  for (char *line = bytes; *line != '\0';) {
    char *end = strstr(line, "\r\n");
    if (end == NULL || line[0] != '$' || end - line < 6 || end[-5] != '*') {
      print_error("not a whole gateway line: %s\n", line);
      fail();
    }
    size_t body = (size_t)(end - line) - 6;
    char crc[5];
    snprintf(crc, sizeof crc, "%04X", gw_crc16((const uint8_t *)line + 1, body));
    assert_memory_equal(crc, end - 4, 4);
    if (out > 0) bodies[out++] = '|';
    memcpy(bodies + out, line + 1, body);
    out += body;
    line = end + 2;
  }
  bodies[out] = '\0';
  return bodies;
}

static void send_command(gw_gateway *gateway, const char *body) {
  char line[GW_MAX_LINE_BYTES + 16];
  size_t length = frame_line(line, sizeof line, body);
  gw_gateway_receive(gateway, (const uint8_t *)line, length);
}

#endif
