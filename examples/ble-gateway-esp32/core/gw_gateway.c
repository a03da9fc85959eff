#include "gw_gateway.h"

#include <string.h>

#include "gw_device_events.h"
#include "gw_message.h"

void gw_gateway_send(gw_gateway *gateway, size_t length) {
  if (length > 0) gw_tx_queue_put(&gateway->tx, gateway->line, length);
}

void gw_gateway_send_state(gw_gateway *gateway, uint8_t slot, int state, const char *reason) {
  gw_gateway_send(gateway, gw_format_state(gateway->line, sizeof gateway->line, &gateway->devices[slot].address,
                                           (gw_connection_state)state, reason));
}

static void send_ok(gw_gateway *gateway, uint16_t id) {
  gw_gateway_send(gateway, gw_format_ok(gateway->line, sizeof gateway->line, id));
}

void gw_gateway_send_err(gw_gateway *gateway, int32_t id, gw_error_code code, const char *message) {
  gw_gateway_send(gateway, gw_format_err(gateway->line, sizeof gateway->line, id, code, message));
}

void gw_gateway_end_operation(gw_gateway *gateway, uint8_t slot, gw_error_code code, const char *message) {
  gw_device *device = &gateway->devices[slot];
  if (device->operation == GW_OP_NONE) return;
  gw_gateway_send_err(gateway, device->operation_id, code, message);
  device->operation = GW_OP_NONE;
  device->operation_id = GW_NO_ID;
}

static void send_hello(gw_gateway *gateway) {
  gw_gateway_send(gateway, gw_format_hello(gateway->line, sizeof gateway->line, gateway->gateway_id, gateway->firmware));
}

void gw_gateway_init(gw_gateway *gateway, const char *gateway_id, const char *firmware, gw_radio radio) {
  memset(gateway, 0, sizeof *gateway);
  gateway->gateway_id = gateway_id;
  gateway->firmware = firmware;
  gateway->radio = radio;
  gateway->scan_id = GW_NO_ID;
  gw_line_reader_init(&gateway->reader);
  gw_tx_queue_init(&gateway->tx);
  for (size_t i = 0; i < GW_MAX_DEVICES; i++) gateway->devices[i].operation_id = GW_NO_ID;
  send_hello(gateway);
}

static int find_device(const gw_gateway *gateway, const gw_address *address) {
  for (int i = 0; i < GW_MAX_DEVICES; i++) {
    const gw_device *device = &gateway->devices[i];
    if (device->phase != GW_PHASE_FREE && device->phase != GW_PHASE_CLOSING &&
        memcmp(device->address.bytes, address->bytes, GW_ADDRESS_BYTES) == 0)
      return i;
  }
  return -1;
}

static void send_status(gw_gateway *gateway) {
  uint8_t connected = 0;
  uint8_t watched = 0;
  for (size_t i = 0; i < GW_MAX_DEVICES; i++) {
    gw_device_phase phase = gateway->devices[i].phase;
    if (phase == GW_PHASE_CONNECTED) connected++;
    if (phase != GW_PHASE_FREE && phase != GW_PHASE_CLOSING) watched++;
  }
  gw_gateway_send(gateway, gw_format_status(gateway->line, sizeof gateway->line, gateway->now_ms / 1000u,
                                            connected, watched));
}

static void handle_connect(gw_gateway *gateway, const gw_command *command) {
  int slot = find_device(gateway, &command->address);
  if (slot >= 0) {
    /* Registered already (the agent re-registers after every HELLO): keep its connection. */
    if (command->has_address_type) gateway->devices[slot].address_type = command->address_type;
    send_ok(gateway, command->id);
    return;
  }
  for (slot = 0; slot < GW_MAX_DEVICES && gateway->devices[slot].phase != GW_PHASE_FREE; slot++) {
  }
  if (slot == GW_MAX_DEVICES) {
    gw_gateway_send_err(gateway, command->id, GW_ERR_TOO_MANY, "no room for another device");
    return;
  }
  gw_device *device = &gateway->devices[slot];
  memset(device, 0, sizeof *device);
  device->phase = GW_PHASE_WAITING;
  device->address = command->address;
  device->address_type = command->has_address_type ? command->address_type : GW_ADDRESS_PUBLIC;
  device->retry_at_ms = gateway->now_ms;
  device->backoff_ms = GW_BACKOFF_FIRST_MS;
  device->operation_id = GW_NO_ID;
  send_ok(gateway, command->id);
}

static void handle_disconnect(gw_gateway *gateway, const gw_command *command) {
  int slot = find_device(gateway, &command->address);
  if (slot < 0) {
    gw_gateway_send_err(gateway, command->id, GW_ERR_NOT_FOUND, "device not registered");
    return;
  }
  gw_device *device = &gateway->devices[slot];
  gw_gateway_end_operation(gateway, (uint8_t)slot, GW_ERR_NOT_CONNECTED, "disconnected");
  bool linked = device->phase >= GW_PHASE_CONNECTING;
  if (linked) gateway->radio.disconnect(gateway->radio.context, (uint8_t)slot);
  send_ok(gateway, command->id);
  gw_gateway_send_state(gateway, (uint8_t)slot, GW_STATE_DISCONNECTED, NULL);
  /* A slot with a link stays taken until the radio reports it down: its events are not a new device's. */
  device->phase = linked ? GW_PHASE_CLOSING : GW_PHASE_FREE;
}

/* The device a READ or WRITE goes to, or -1 once the refusal is sent. Checked in this order: the
 * device is connected, it has the characteristic, nothing else waits for its answer. */
static int operation_slot(gw_gateway *gateway, const gw_command *command) {
  int slot = find_device(gateway, &command->address);
  if (slot < 0 || gateway->devices[slot].phase != GW_PHASE_CONNECTED) {
    gw_gateway_send_err(gateway, command->id, GW_ERR_NOT_CONNECTED, "device not connected");
    return -1;
  }
  gw_device *device = &gateway->devices[slot];
  if (gw_table_lacks(&device->table, &command->service, &command->characteristic)) {
    char message[128];
    gw_gateway_send_err(gateway, command->id, GW_ERR_NOT_FOUND,
             gw_describe_characteristic(message, sizeof message, &device->address, &command->service,
                                        &command->characteristic, " not on the device"));
    return -1;
  }
  if (device->operation != GW_OP_NONE) {
    gw_gateway_send_err(gateway, command->id, GW_ERR_BUSY, "a read or write to this device is running");
    return -1;
  }
  return slot;
}

static void start_operation(gw_gateway *gateway, const gw_command *command, uint8_t slot, gw_operation_kind kind) {
  gw_device *device = &gateway->devices[slot];
  device->operation = kind;
  device->operation_id = command->id;
  device->operation_deadline_ms = gateway->now_ms + GW_OPERATION_TIMEOUT_MS;
  device->operation_target.service = command->service;
  device->operation_target.characteristic = command->characteristic;
}

static void handle_write(gw_gateway *gateway, const gw_command *command) {
  int slot = operation_slot(gateway, command);
  if (slot < 0) return;
  if (!gateway->radio.write(gateway->radio.context, (uint8_t)slot, &command->service, &command->characteristic,
                            command->payload, command->payload_length)) {
    gw_gateway_send_err(gateway, command->id, GW_ERR_GATT_ERROR, "the write could not start");
    return;
  }
  start_operation(gateway, command, (uint8_t)slot, GW_OP_WRITE);
}

static void handle_read(gw_gateway *gateway, const gw_command *command) {
  int slot = operation_slot(gateway, command);
  if (slot < 0) return;
  if (!gateway->radio.read(gateway->radio.context, (uint8_t)slot, &command->service, &command->characteristic)) {
    gw_gateway_send_err(gateway, command->id, GW_ERR_GATT_ERROR, "the read could not start");
    return;
  }
  start_operation(gateway, command, (uint8_t)slot, GW_OP_READ);
}

static void handle_subscribe(gw_gateway *gateway, const gw_command *command) {
  int slot = find_device(gateway, &command->address);
  if (slot < 0) {
    gw_gateway_send_err(gateway, command->id, GW_ERR_NOT_FOUND, "device not registered");
    return;
  }
  gw_device *device = &gateway->devices[slot];
  for (uint8_t i = 0; i < device->extra_count; i++) {
    if (gw_uuid_equal(&device->extras[i].service, &command->service) &&
        gw_uuid_equal(&device->extras[i].characteristic, &command->characteristic)) {
      send_ok(gateway, command->id); /* the same subscription again changes nothing */
      return;
    }
  }
  if (device->extra_count == GW_MAX_EXTRA_SUBSCRIPTIONS) {
    gw_gateway_send_err(gateway, command->id, GW_ERR_TOO_MANY, "4 extra subscriptions per device at most");
    return;
  }
  gw_characteristic_name *extra = &device->extras[device->extra_count++];
  extra->service = command->service;
  extra->characteristic = command->characteristic;
  send_ok(gateway, command->id);
  gw_device_extra_added(gateway, (uint8_t)slot, extra);
}

static void handle(gw_gateway *gateway, const gw_command *command) {
  switch (command->type) {
    case GW_CMD_PING:
      send_hello(gateway);
      send_ok(gateway, command->id);
      break;
    case GW_CMD_STATUS:
      send_status(gateway);
      send_ok(gateway, command->id);
      break;
    case GW_CMD_SCAN:
      if (gateway->scan_id != GW_NO_ID) gw_gateway_send_err(gateway, command->id, GW_ERR_BUSY, "a scan is running");
      else if (!gateway->radio.start_scan(gateway->radio.context, command->scan_seconds))
        gw_gateway_send_err(gateway, command->id, GW_ERR_BUSY, "the radio could not start a scan");
      else gateway->scan_id = command->id;
      break;
    case GW_CMD_CONNECT: handle_connect(gateway, command); break;
    case GW_CMD_DISCONNECT: handle_disconnect(gateway, command); break;
    case GW_CMD_WRITE: handle_write(gateway, command); break;
    case GW_CMD_READ: handle_read(gateway, command); break;
    case GW_CMD_SUBSCRIBE: handle_subscribe(gateway, command); break;
  }
}

void gw_gateway_receive(gw_gateway *gateway, const uint8_t *bytes, size_t length) {
  for (size_t i = 0; i < length; i++) {
    gw_read_result read = gw_line_reader_push(&gateway->reader, bytes[i]);
    if (read == GW_READ_TOO_LONG) {
      gw_gateway_send_err(gateway, GW_NO_ID, GW_ERR_TOO_LONG, "line longer than 1200 bytes");
    } else if (read == GW_READ_LINE) {
      gw_parse_error error;
      gw_parse_result result = gw_parse_command(gateway->reader.line, gateway->reader.length, &gateway->command, &error);
      if (result == GW_PARSE_OK) handle(gateway, &gateway->command);
      else if (result == GW_PARSE_ERROR) gw_gateway_send_err(gateway, error.id, error.code, error.message);
    }
  }
}

void gw_gateway_tick(gw_gateway *gateway, uint32_t now_ms) {
  gateway->now_ms = now_ms;
  for (size_t i = 0; i < GW_MAX_DEVICES; i++) {
    gw_device *device = &gateway->devices[i];
    /* Signed difference: right across the wrap of the millisecond counter. */
    if (device->operation != GW_OP_NONE && (int32_t)(now_ms - device->operation_deadline_ms) >= 0) {
      gw_gateway_end_operation(gateway, (uint8_t)i, GW_ERR_TIMEOUT,
                               device->operation == GW_OP_READ ? "the device did not answer the read"
                                                               : "the device did not answer the write");
    }
  }
}

size_t gw_gateway_take_output(gw_gateway *gateway, uint8_t *out, size_t capacity) {
  return gw_tx_queue_take(&gateway->tx, out, capacity);
}
