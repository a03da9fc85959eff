#ifndef GW_GATEWAY_H
#define GW_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_characteristics.h"
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
/* Notify or indicate characteristics of the health services kept per device (glucose has three),
 * and the extra ones the agent names with SUBSCRIBE (a vendor's, typically). */
#define GW_MAX_HEALTH_SUBSCRIPTIONS 8
#define GW_MAX_EXTRA_SUBSCRIPTIONS 4
#define GW_MAX_SUBSCRIPTIONS (GW_MAX_HEALTH_SUBSCRIPTIONS + GW_MAX_EXTRA_SUBSCRIPTIONS)
/* How long a READ or WRITE waits for the device's answer. */
#define GW_OPERATION_TIMEOUT_MS 10000u
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

/* The one READ or WRITE a device may have waiting for its answer. */
typedef enum { GW_OP_NONE = 0, GW_OP_WRITE, GW_OP_READ } gw_operation_kind;

typedef struct {
  gw_device_phase phase;
  gw_address address;
  gw_address_type address_type;
  gw_characteristic_name extras[GW_MAX_EXTRA_SUBSCRIPTIONS]; /* SUBSCRIBE's, kept until DISCONNECT */
  uint8_t extra_count;
  gw_characteristic_table table; /* this connection's discovery */
  uint8_t subscriptions[GW_MAX_SUBSCRIPTIONS]; /* indices into table, in the order they are written */
  uint8_t subscription_count;
  uint8_t subscribed; /* confirmed (or, once connected, answered) so far */
  uint32_t retry_at_ms;
  uint32_t backoff_ms;
  gw_operation_kind operation;
  int32_t operation_id; /* the command waiting for the device's answer, or GW_NO_ID */
  uint32_t operation_deadline_ms;
  gw_characteristic_name operation_target; /* a READ's, for its VAL line */
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
  /* Read a characteristic's value; false: it could not start. */
  bool (*read)(void *context, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic);
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
/* The binding's monotonic milliseconds (wrapping is fine): times out reads and writes. */
void gw_gateway_tick(gw_gateway *gateway, uint32_t now_ms);
/* Bytes for the UART, up to `capacity`. */
size_t gw_gateway_take_output(gw_gateway *gateway, uint8_t *out, size_t capacity);

/* Queues one line built in gateway->line (used by the event handlers too). */
void gw_gateway_send(gw_gateway *gateway, size_t length);
void gw_gateway_send_state(gw_gateway *gateway, uint8_t slot, int state, const char *reason);
void gw_gateway_send_err(gw_gateway *gateway, int32_t id, gw_error_code code, const char *message);
/* Ends the device's waiting READ or WRITE, if any, with this error. */
void gw_gateway_end_operation(gw_gateway *gateway, uint8_t slot, gw_error_code code, const char *message);

#endif
