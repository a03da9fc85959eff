#include "gw_characteristics.h"

#include <string.h>

void gw_table_clear(gw_characteristic_table *table) { memset(table, 0, sizeof *table); }

static int find_service(const gw_characteristic_table *table, const gw_uuid *service) {
  for (int i = 0; i < table->service_count; i++)
    if (gw_uuid_equal(&table->services[i], service)) return i;
  return -1;
}

/* The slot for a new characteristic: a free one, or, for one to keep, the last one: the last entry
 * not kept makes room and those after it move up, so the table stays in the order found. */
static int free_slot(gw_characteristic_table *table, uint8_t properties) {
  if (table->characteristic_count < GW_MAX_CHARACTERISTICS) return table->characteristic_count++;
  table->incomplete = true;
  if ((properties & GW_KEEP) == 0) return -1;
  for (int i = GW_MAX_CHARACTERISTICS - 1; i >= 0; i--) {
    if ((table->characteristics[i].properties & GW_KEEP) != 0) continue;
    memmove(&table->characteristics[i], &table->characteristics[i + 1],
            (size_t)(GW_MAX_CHARACTERISTICS - 1 - i) * sizeof table->characteristics[0]);
    return GW_MAX_CHARACTERISTICS - 1;
  }
  return -1;
}

int gw_table_add(gw_characteristic_table *table, const gw_uuid *service, const gw_uuid *characteristic,
                 uint8_t properties) {
  int service_index = find_service(table, service);
  if (service_index < 0) {
    if (table->service_count == GW_MAX_SERVICES) {
      table->incomplete = true;
      return -1;
    }
    service_index = table->service_count++;
    table->services[service_index] = *service;
  }
  int slot = free_slot(table, properties);
  if (slot < 0) return -1;
  gw_known_characteristic *entry = &table->characteristics[slot];
  entry->uuid = *characteristic;
  entry->service = (uint8_t)service_index;
  entry->properties = properties;
  return slot;
}

int gw_table_find(const gw_characteristic_table *table, const gw_uuid *service, const gw_uuid *characteristic) {
  int service_index = find_service(table, service);
  if (service_index < 0) return -1;
  for (int i = 0; i < table->characteristic_count; i++) {
    const gw_known_characteristic *entry = &table->characteristics[i];
    if (entry->service == service_index && gw_uuid_equal(&entry->uuid, characteristic)) return i;
  }
  return -1;
}

bool gw_table_lacks(const gw_characteristic_table *table, const gw_uuid *service, const gw_uuid *characteristic) {
  return !table->incomplete && gw_table_find(table, service, characteristic) < 0;
}

const gw_uuid *gw_table_service_of(const gw_characteristic_table *table, uint8_t index) {
  return &table->services[table->characteristics[index].service];
}
