#ifndef GW_SIM_RADIO_H
#define GW_SIM_RADIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_gateway.h"

/* A simulated radio for the host gateway: BLE devices that advertise, connect, are discovered and
 * send their values, driven by the same gw_radio calls and gw_on_* events as the chip's radio. Each
 * request the core makes becomes an event a few milliseconds later (never a call back into the core
 * from inside it, as a real radio stack would not). */

#define SIM_MAX_DEVICES 8
#define SIM_MAX_RECORDS 16
#define SIM_MAX_VALUE 64

typedef struct {
  uint8_t bytes[SIM_MAX_VALUE];
  uint8_t length;
} sim_value;

typedef struct {
  gw_address address;
  char name[32];
  bool meter;          /* a glucose meter: answers RACP with its records, advertises again after each hang-up */
  gw_uuid service;     /* a reading device's service and characteristic */
  gw_uuid characteristic;
  bool indicate;
  /* A reading device's values: sent one after another, 200 ms apart, once connected (a monitor's
   * one reading, or a continuous oximeter's stream); the device then hangs up and stays quiet. */
  sim_value values[SIM_MAX_RECORDS];
  uint8_t value_count;
  uint8_t next_value;
  bool reading_sent;
  sim_value records[SIM_MAX_RECORDS];
  uint8_t record_count;
  uint32_t advertise_at_ms;
  int slot;            /* the core's slot while linked, else -1 */
} sim_device;

void sim_radio_init(gw_gateway *gateway);
gw_radio sim_radio_interface(void);
/* `spec`: "reading:ADDR,SERVICE,CHARACTERISTIC,ind|ntf,HEX" (repeated: one more value of the same
 * device), "meter:ADDR" or "record:ADDR,HEX". */
bool sim_radio_add(const char *spec);
/* Runs every event due by `now_ms` and the devices' advertising. */
void sim_radio_run(uint32_t now_ms);

#endif
