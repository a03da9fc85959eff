#ifndef GW_SIM_DEVICES_H
#define GW_SIM_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_protocol.h"

/* The simulated BLE devices of the host gateway: what each one is, what it holds, and the bytes it
 * sends. sim_radio.c moves them through advertising, connection and GATT; this file knows their
 * contents (the values, the Device Information strings, the clock, the KD-Therm frames). */

#define SIM_MAX_DEVICES 8
#define SIM_MAX_RECORDS 16
#define SIM_MAX_VALUE 64
#define SIM_MAX_TEXT 24

typedef struct {
  uint8_t bytes[SIM_MAX_VALUE];
  uint8_t length;
} sim_value;

typedef enum {
  SIM_READING, /* sends its values once connected, then hangs up and stays quiet */
  SIM_METER,   /* a glucose meter: answers RACP with its records, advertises again after each hang-up */
  SIM_THERM,   /* the KD-Therm V1 vendor thermometer (128-bit service) */
} sim_kind;

/* Device Information (0x180A) strings; an empty one is a characteristic the device lacks. */
enum { SIM_MANUFACTURER, SIM_MODEL, SIM_SERIAL, SIM_FIRMWARE, SIM_INFO_COUNT };

typedef struct {
  gw_address address;
  char name[32];
  sim_kind kind;
  gw_uuid service; /* the service it advertises; a reading device's characteristic is under it */
  gw_uuid characteristic;
  bool indicate;
  /* A reading device's values, or a KD-Therm's temperatures (centi-°C, first two bytes LE). */
  sim_value values[SIM_MAX_RECORDS];
  uint8_t value_count;
  uint8_t next_value;
  bool done; /* sent all it had: no longer advertises */
  sim_value records[SIM_MAX_RECORDS];
  uint8_t record_count;
  bool has_info;
  char info[SIM_INFO_COUNT][SIM_MAX_TEXT];
  /* Current Time Service: the clock is `clock_seconds` (since 1970, in the device's local time) at
   * the simulation's `clock_set_ms`. */
  bool has_clock;
  int64_t clock_seconds;
  uint32_t clock_set_ms;
  /* KD-Therm: its body site (ear or forehead), battery, and last measurement frame. */
  bool ear;
  uint8_t battery;
  uint16_t sequence;
  sim_value last_frame;
  bool notifying; /* the core wrote the CCCD of its measurement characteristic */
  uint32_t advertise_at_ms;
  int rssi;
  int slot; /* the core's slot while linked, else -1 */
} sim_device;

extern sim_device sim_devices[SIM_MAX_DEVICES];
extern int sim_device_count;

void sim_devices_clear(void);
/* Reads one gw_host device argument (see gw_host.c's usage); false when it is not understood. */
bool sim_devices_add(const char *spec);
/* After the arguments: false, with the reason, when a device is incomplete (info but no values). */
bool sim_devices_check(char *why, size_t capacity);
/* The device's value for a READ, or an ATT error (0x02 read not permitted, 0x0A not found). */
uint8_t sim_device_read(const sim_device *device, const gw_uuid *service, const gw_uuid *characteristic,
                        uint32_t now_ms, sim_value *out);
/* A Current Time write: 0 when taken, else the ATT error (0x0D wrong length, 0x80 value refused). */
uint8_t sim_device_set_clock(sim_device *device, const uint8_t *value, size_t length, uint32_t now_ms);
/* Puts the device's clock into a value's time stamp, where the characteristic's format has one. */
void sim_device_stamp(const sim_device *device, const gw_uuid *characteristic, sim_value *value, uint32_t now_ms);
/* KD-Therm: the next measurement frame (`temperature` in centi-°C); kept as the last one. */
const sim_value *sim_therm_measure(sim_device *device, uint16_t temperature);

/* The KD-Therm V1's UUIDs. */
gw_uuid sim_therm_service(void);
gw_uuid sim_therm_measurement(void);
gw_uuid sim_therm_command(void);

#endif
