#ifndef GW_SIM_RADIO_H
#define GW_SIM_RADIO_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_gateway.h"
#include "sim_devices.h"

/* A simulated radio for the host gateway: BLE devices (sim_devices.h) that advertise, are scanned,
 * connect, are discovered, are read and written, and send their values, driven by the same gw_radio
 * calls and gw_on_* events as the chip's radio. Each request the core makes becomes an event a few
 * milliseconds later (never a call back into the core from inside it, as a real radio stack would
 * not). */

void sim_radio_init(gw_gateway *gateway);
gw_radio sim_radio_interface(void);
/* Runs every event due by `now_ms` and the devices' advertising. */
void sim_radio_run(uint32_t now_ms);

#endif
