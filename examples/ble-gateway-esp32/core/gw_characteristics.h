#ifndef GW_CHARACTERISTICS_H
#define GW_CHARACTERISTICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_protocol.h"

/* What discovery found on one device: its characteristics, each under its service. READ, WRITE and
 * SUBSCRIBE of one the device lacks are answered NOT_FOUND from this table, without asking the
 * device. A device with more than the table holds is rare (a health device has 10-20); then the
 * table is marked incomplete, characteristics the gateway subscribes to still displace ones it does
 * not, and a characteristic missing from an incomplete table is not called NOT_FOUND but tried. */
#ifndef GW_MAX_CHARACTERISTICS
#define GW_MAX_CHARACTERISTICS 24
#endif
#define GW_MAX_SERVICES 10

#define GW_CAN_NOTIFY 0x01u
#define GW_CAN_INDICATE 0x02u
/* Subscribed to: never displaced by another characteristic when the table is full. */
#define GW_KEEP 0x04u

typedef struct {
  gw_uuid uuid;
  uint8_t service;    /* index into gw_characteristic_table.services */
  uint8_t properties; /* GW_CAN_NOTIFY | GW_CAN_INDICATE | GW_KEEP */
} gw_known_characteristic;

typedef struct {
  gw_uuid services[GW_MAX_SERVICES];
  gw_known_characteristic characteristics[GW_MAX_CHARACTERISTICS];
  uint8_t service_count;
  uint8_t characteristic_count;
  bool incomplete;
} gw_characteristic_table;

/* A characteristic named by its service and its own UUID, as the agent names it. */
typedef struct {
  gw_uuid service;
  gw_uuid characteristic;
} gw_characteristic_name;

void gw_table_clear(gw_characteristic_table *table);
/* Adds one found characteristic; returns its index, or -1 when there was no room for it. */
int gw_table_add(gw_characteristic_table *table, const gw_uuid *service, const gw_uuid *characteristic,
                 uint8_t properties);
/* The characteristic's index, or -1. */
int gw_table_find(const gw_characteristic_table *table, const gw_uuid *service, const gw_uuid *characteristic);
/* True only when the table is complete and does not hold it: then NOT_FOUND is the truth. */
bool gw_table_lacks(const gw_characteristic_table *table, const gw_uuid *service, const gw_uuid *characteristic);
const gw_uuid *gw_table_service_of(const gw_characteristic_table *table, uint8_t index);

#endif
