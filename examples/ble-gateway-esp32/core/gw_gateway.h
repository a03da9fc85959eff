#ifndef GW_GATEWAY_H
#define GW_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_command.h"
#include "gw_line_reader.h"
#include "gw_protocol.h"
#include "gw_tx_queue.h"

/* The whole gateway as one value the binding keeps in static memory: the agent's commands in, the
 * radio's events in, lines out. It reads no clock and calls no RTOS: the binding passes the time
 * (gw_gateway_tick) and carries out what the core asks of the radio through gw_radio. */

#ifndef GW_MAX_DEVICES
#define GW_MAX_DEVICES 4
#endif
/* Notify or indicate characteristics kept per device: the glucose service has three. */
#define GW_MAX_SUBSCRIPTIONS 8
#define GW_WRITE_TIMEOUT_MS 10000u
/* Reconnect backoff after a failed or lost connection: doubles from the first to the cap, and
 * starts again from the first once a connection succeeds. */
#define GW_BACKOFF_FIRST_MS 1000u
#define GW_BACKOFF_CAP_MS 60000u

typedef enum {
  GW_PHASE_FREE = 0,    /* no device in this slot */
  GW_PHASE_WAITING,     /* registered: connect when it advertises, once the backoff has passed */
  GW_PHASE_CONNECTING,  /* the radio was asked to connect */
  GW_PHASE_DISCOVERING, /* linked: services and characteristics are being found */
  GW_PHASE_SUBSCRIBING, /* writing CCCDs one at a time */
  GW_PHASE_CONNECTED,   /* every subscription confirmed: STATE connected was sent */
  GW_PHASE_CLOSING,     /* forgotten by DISCONNECT; the slot is free once the link is down */
} gw_device_phase;

typedef struct {
  gw_uuid service;
  gw_uuid characteristic;
  bool indicate;
} gw_subscription;

typedef struct {
  gw_device_phase phase;
  gw_address address;
  gw_address_type address_type;
  gw_subscription subscriptions[GW_MAX_SUBSCRIPTIONS];
  uint8_t subscription_count;
  uint8_t subscribed;
  uint32_t retry_at_ms;
  uint32_t backoff_ms;
  int32_t write_id; /* the WRITE waiting for the device's answer, or GW_NO_ID */
  uint32_t write_deadline_ms;
} gw_device;

/* What the core asks of the radio. `slot` names the device (0..GW_MAX_DEVICES-1) in every call
 * and every event. Each request's outcome comes back as an event (gw_device_events.h). */
typedef struct {
  void *context;
  bool (*start_scan)(void *context, uint16_t seconds); /* false: it could not start */
  void (*connect)(void *context, uint8_t slot, const gw_address *address, gw_address_type type);
  void (*discover)(void *context, uint8_t slot);
  void (*subscribe)(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                    bool indicate);
  /* Write with response; false: it could not start. */
  bool (*write)(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                const uint8_t *value, size_t length);
  void (*disconnect)(void *context, uint8_t slot);
} gw_radio;

typedef struct {
  const char *gateway_id;
  const char *firmware;
  gw_radio radio;
  uint32_t now_ms;
  int32_t scan_id; /* the SCAN running, or GW_NO_ID */
  gw_line_reader reader;
  gw_command command;
  char line[GW_MAX_LINE_BYTES];
  gw_tx_queue tx;
  gw_device devices[GW_MAX_DEVICES];
} gw_gateway;

/* Starts at time 0 and queues the boot HELLO. */
void gw_gateway_init(gw_gateway *gateway, const char *gateway_id, const char *firmware, gw_radio radio);
/* Bytes from the agent. */
void gw_gateway_receive(gw_gateway *gateway, const uint8_t *bytes, size_t length);
/* The binding's monotonic milliseconds (wrapping is fine): times out writes. */
void gw_gateway_tick(gw_gateway *gateway, uint32_t now_ms);
/* Bytes for the UART, up to `capacity`. */
size_t gw_gateway_take_output(gw_gateway *gateway, uint8_t *out, size_t capacity);

/* Queues one line built in gateway->line (used by the event handlers too). */
void gw_gateway_send(gw_gateway *gateway, size_t length);
void gw_gateway_send_state(gw_gateway *gateway, uint8_t slot, int state, const char *reason);

#endif
