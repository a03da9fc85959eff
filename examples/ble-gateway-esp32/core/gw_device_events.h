#ifndef GW_DEVICE_EVENTS_H
#define GW_DEVICE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_gateway.h"

/* What the radio reports, handed to the core by the binding. Together with the commands these
 * drive one state machine per registered device (gw_device_phase): a device advertises and the
 * backoff has passed -> connect; the link is up -> discover; every characteristic found goes in the
 * device's table (gw_characteristics.h); discovery done -> subscribe one at a time to each notify or
 * indicate characteristic of a health service and to each the agent added with SUBSCRIBE (one the
 * device lacks: ERR,-,NOT_FOUND, and the rest go on); the last subscription confirmed -> STATE
 * connected. A lost or failed link goes back to waiting, with the
 * backoff doubled (capped); a connection that succeeds resets it. */

/* An advertising device. Relayed as ADV while a scan runs; starts a registered device's connection. */
void gw_on_advertisement(gw_gateway *gateway, const gw_address *address, gw_address_type type, int rssi,
                         const char *name, const gw_uuid *services, size_t service_count);
void gw_on_scan_done(gw_gateway *gateway);
void gw_on_link_up(gw_gateway *gateway, uint8_t slot);
/* Every characteristic discovery finds, with what it can do. */
void gw_on_characteristic(gw_gateway *gateway, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                          bool can_notify, bool can_indicate);
void gw_on_discovery_done(gw_gateway *gateway, uint8_t slot, bool ok);
void gw_on_subscribed(gw_gateway *gateway, uint8_t slot, bool ok);
/* The link is down (or never came up); `reason` is text for STATE, e.g. "HCI 0x08". */
void gw_on_link_down(gw_gateway *gateway, uint8_t slot, const char *reason);
void gw_on_value(gw_gateway *gateway, uint8_t slot, const gw_uuid *service, const gw_uuid *characteristic,
                 bool indication, const uint8_t *value, size_t length);
/* The device answered a write: att_error 0 is success. */
void gw_on_write_done(gw_gateway *gateway, uint8_t slot, uint8_t att_error);
/* The device answered a read: att_error 0 is success and value/length hold the value. */
void gw_on_read_done(gw_gateway *gateway, uint8_t slot, uint8_t att_error, const uint8_t *value, size_t length);

/* For the command side: SUBSCRIBE added `extra` to the device's list. Past discovery, the gateway
 * subscribes to it at once (or says ERR,-,NOT_FOUND when the device lacks it); before, discovery
 * takes it up. */
void gw_device_extra_added(gw_gateway *gateway, uint8_t slot, const gw_characteristic_name *extra);

/* True for the services the gateway subscribes to: blood pressure 0x1810, glucose 0x1808, weight
 * scale 0x181D, body composition 0x181B, health thermometer 0x1809, pulse oximeter 0x1822. */
bool gw_is_health_service(const gw_uuid *service);

#endif
