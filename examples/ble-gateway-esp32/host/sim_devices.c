#include "sim_devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_command.h"

sim_device sim_devices[SIM_MAX_DEVICES];
int sim_device_count;

#define THERM_UUID_TAIL "-5C1E-4D2B-9F00-4B4450000001"
static gw_uuid uuid_of(const char *text) {
  gw_uuid uuid = {0};
  gw_parse_uuid(text, strlen(text), &uuid);
  return uuid;
}
gw_uuid sim_therm_service(void) { return uuid_of("7B3A0001" THERM_UUID_TAIL); }
gw_uuid sim_therm_measurement(void) { return uuid_of("7B3A0002" THERM_UUID_TAIL); }
gw_uuid sim_therm_command(void) { return uuid_of("7B3A0003" THERM_UUID_TAIL); }

void sim_devices_clear(void) {
  memset(sim_devices, 0, sizeof sim_devices);
  sim_device_count = 0;
}

static sim_device *find_or_add(const char *address_text) {
  gw_address address;
  if (strlen(address_text) != GW_ADDRESS_TEXT_LEN || !gw_parse_address(address_text, GW_ADDRESS_TEXT_LEN, &address))
    return NULL;
  for (int i = 0; i < sim_device_count; i++)
    if (memcmp(sim_devices[i].address.bytes, address.bytes, GW_ADDRESS_BYTES) == 0) return &sim_devices[i];
  if (sim_device_count == SIM_MAX_DEVICES) return NULL;
  sim_device *device = &sim_devices[sim_device_count];
  memset(device, 0, sizeof *device);
  device->address = address;
  device->slot = -1;
  device->advertise_at_ms = 500;
  /* Each a little farther away, so a scan shows different RSSIs. */
  device->rssi = -48 - 7 * sim_device_count;
  snprintf(device->name, sizeof device->name, "sim %s", address_text + 12);
  sim_device_count++;
  return device;
}

static bool parse_value(const char *hex, sim_value *value) {
  size_t count = 0;
  if (!gw_parse_hex(hex, strlen(hex), value->bytes, SIM_MAX_VALUE, &count)) return false;
  value->length = (uint8_t)count;
  return true;
}

/* --- the clock: seconds since 1970 in the device's local time, with no time zone of its own --- */

static int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  unsigned year_of_era = (unsigned)(year - era * 400);
  unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + (int64_t)day_of_era - 719468;
}

typedef struct {
  int year;
  unsigned month, day, hours, minutes, seconds, weekday; /* weekday 1 = Monday .. 7 = Sunday */
} civil_time;

static civil_time civil_from_seconds(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  int64_t in_day = seconds - days * 86400;
  civil_time t;
  t.hours = (unsigned)(in_day / 3600);
  t.minutes = (unsigned)(in_day / 60 % 60);
  t.seconds = (unsigned)(in_day % 60);
  /* 1970-01-01 was a Thursday (4). */
  t.weekday = (unsigned)(((days % 7) + 7 + 3) % 7) + 1;
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  unsigned day_of_era = (unsigned)(days - era * 146097);
  unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  unsigned mp = (5 * day_of_year + 2) / 153;
  t.day = day_of_year - (153 * mp + 2) / 5 + 1;
  t.month = mp < 10 ? mp + 3 : mp - 9;
  t.year = (int)((int64_t)year_of_era + era * 400 + (t.month <= 2));
  return t;
}

static unsigned days_in_month(int year, unsigned month) {
  static const unsigned DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : DAYS[month - 1];
}

static bool valid_time(const civil_time *t) {
  return t->year >= 1582 && t->year <= 9999 && t->month >= 1 && t->month <= 12 && t->day >= 1 &&
         t->day <= days_in_month(t->year, t->month) && t->hours < 24 && t->minutes < 60 && t->seconds < 60;
}

static int64_t seconds_from_civil(const civil_time *t) {
  return days_from_civil(t->year, t->month, t->day) * 86400 + t->hours * 3600 + t->minutes * 60 + t->seconds;
}

static civil_time clock_now(const sim_device *device, uint32_t now_ms) {
  return civil_from_seconds(device->clock_seconds + (int64_t)((now_ms - device->clock_set_ms) / 1000u));
}

/* The 7-byte Date Time of the health profiles: year (LE), month, day, hours, minutes, seconds. */
static void put_date_time(uint8_t *out, const civil_time *t) {
  out[0] = (uint8_t)(t->year & 0xFF);
  out[1] = (uint8_t)(t->year >> 8);
  out[2] = (uint8_t)t->month, out[3] = (uint8_t)t->day;
  out[4] = (uint8_t)t->hours, out[5] = (uint8_t)t->minutes, out[6] = (uint8_t)t->seconds;
}

uint8_t sim_device_set_clock(sim_device *device, const uint8_t *value, size_t length, uint32_t now_ms) {
  if (length != 10) return 0x0D; /* Invalid Attribute Value Length */
  civil_time t = {.year = value[0] | value[1] << 8,
                  .month = value[2],
                  .day = value[3],
                  .hours = value[4],
                  .minutes = value[5],
                  .seconds = value[6]};
  /* CTS's own "Data field ignored" (0x80) for a time that cannot be, or a weekday past Sunday. */
  if (!valid_time(&t) || value[7] > 7) return 0x80;
  device->has_clock = true;
  device->clock_seconds = seconds_from_civil(&t);
  device->clock_set_ms = now_ms;
  return 0;
}

/* Where the characteristic's format keeps its Date Time: the flag bit that says it is there and
 * its offset (-1: the format has none). */
static int stamp_offset(const gw_uuid *characteristic, const sim_value *value) {
  static const struct {
    uint16_t uuid;
    uint8_t flag; /* 0: always there */
    uint8_t offset;
  } FORMATS[] = {
      {0x2A35, 0x02, 7}, /* blood pressure: flags, three SFLOATs */
      {0x2A1C, 0x02, 5}, /* temperature: flags, FLOAT */
      {0x2A9D, 0x02, 3}, /* weight: flags, uint16 */
      {0x2A5E, 0x01, 5}, /* pulse oximeter spot check: flags, two SFLOATs */
      {0x2A18, 0x00, 3}, /* glucose: flags, sequence number, base time */
  };
  if (characteristic->length != 2 || value->length == 0) return -1;
  uint16_t uuid = (uint16_t)(characteristic->bytes[0] << 8 | characteristic->bytes[1]);
  for (size_t i = 0; i < sizeof FORMATS / sizeof FORMATS[0]; i++) {
    if (FORMATS[i].uuid != uuid) continue;
    bool present = FORMATS[i].flag == 0 || (value->bytes[0] & FORMATS[i].flag) != 0;
    return present && value->length >= FORMATS[i].offset + 7 ? FORMATS[i].offset : -1;
  }
  return -1;
}

void sim_device_stamp(const sim_device *device, const gw_uuid *characteristic, sim_value *value, uint32_t now_ms) {
  if (!device->has_clock) return;
  int offset = stamp_offset(characteristic, value);
  if (offset < 0) return;
  civil_time t = clock_now(device, now_ms);
  put_date_time(value->bytes + offset, &t);
}

/* --- reads --- */

static uint8_t text_value(const char *text, sim_value *out) {
  size_t length = strlen(text);
  memcpy(out->bytes, text, length);
  out->length = (uint8_t)length;
  return 0;
}

uint8_t sim_device_read(const sim_device *device, const gw_uuid *service, const gw_uuid *characteristic,
                        uint32_t now_ms, sim_value *out) {
  static const uint16_t INFO_UUIDS[SIM_INFO_COUNT] = {0x2A29, 0x2A24, 0x2A25, 0x2A26};
  gw_uuid info = gw_uuid16(0x180A), time = gw_uuid16(0x1805), access = gw_uuid16(0x1800);
  gw_uuid current_time = gw_uuid16(0x2A2B), name = gw_uuid16(0x2A00);
  if (gw_uuid_equal(service, &info) && device->has_info) {
    for (int i = 0; i < SIM_INFO_COUNT; i++) {
      gw_uuid uuid = gw_uuid16(INFO_UUIDS[i]);
      if (gw_uuid_equal(characteristic, &uuid) && device->info[i][0] != '\0') return text_value(device->info[i], out);
    }
    return 0x0A;
  }
  if (gw_uuid_equal(service, &time) && gw_uuid_equal(characteristic, &current_time) && device->has_clock) {
    civil_time t = clock_now(device, now_ms);
    put_date_time(out->bytes, &t);
    out->bytes[7] = (uint8_t)t.weekday, out->bytes[8] = 0, out->bytes[9] = 0;
    out->length = 10;
    return 0;
  }
  if (gw_uuid_equal(service, &access) && gw_uuid_equal(characteristic, &name)) return text_value(device->name, out);
  return 0x02; /* Read Not Permitted: the measurements only notify or indicate */
}

/* --- KD-Therm V1 --- */

const sim_value *sim_therm_measure(sim_device *device, uint16_t temperature) {
  sim_value *frame = &device->last_frame;
  uint8_t flags = (uint8_t)((temperature > 4290 ? 0x01 : 0) | (temperature < 3200 ? 0x02 : 0) | (device->ear ? 0x04 : 0));
  device->sequence++;
  frame->bytes[0] = 0xA5;
  frame->bytes[1] = flags;
  frame->bytes[2] = (uint8_t)(temperature & 0xFF), frame->bytes[3] = (uint8_t)(temperature >> 8);
  frame->bytes[4] = (uint8_t)(device->sequence & 0xFF), frame->bytes[5] = (uint8_t)(device->sequence >> 8);
  frame->bytes[6] = device->battery;
  frame->bytes[7] = 0;
  for (int i = 0; i < 7; i++) frame->bytes[7] ^= frame->bytes[i];
  frame->length = 8;
  return frame;
}

/* --- the gw_host arguments --- */

static bool parse_unsigned(const char *text, unsigned long max, unsigned long *out) {
  char *end = NULL;
  if (*text < '0' || *text > '9') return false;
  *out = strtoul(text, &end, 10);
  return *end == '\0' && *out <= max;
}

static bool add_therm(char **fields, int count) {
  sim_device *device = find_or_add(fields[0]);
  if (device == NULL || (device->kind != SIM_READING || device->value_count > 0)) return false;
  device->kind = SIM_THERM;
  device->service = sim_therm_service();
  device->characteristic = sim_therm_measurement();
  device->battery = 90;
  snprintf(device->name, sizeof device->name, "KD-Therm V1");
  for (int i = 1; i < count; i++) {
    unsigned long number = 0;
    if (strcmp(fields[i], "ear") == 0) {
      device->ear = true;
    } else if (strncmp(fields[i], "battery=", 8) == 0 && parse_unsigned(fields[i] + 8, 100, &number)) {
      device->battery = (uint8_t)number;
    } else if (parse_unsigned(fields[i], 65535, &number) && device->value_count < SIM_MAX_RECORDS) {
      sim_value *value = &device->values[device->value_count++];
      value->bytes[0] = (uint8_t)(number & 0xFF), value->bytes[1] = (uint8_t)(number >> 8);
      value->length = 2;
    } else {
      return false;
    }
  }
  return device->value_count > 0;
}

static bool add_clock(sim_device *device, const char *text) {
  civil_time t = {0};
  int year = 0;
  if (strlen(text) != 19 || sscanf(text, "%4d-%2u-%2uT%2u:%2u:%2u", &year, &t.month, &t.day, &t.hours, &t.minutes,
                                   &t.seconds) != 6)
    return false;
  t.year = year;
  if (!valid_time(&t)) return false;
  device->has_clock = true;
  device->clock_seconds = seconds_from_civil(&t);
  device->clock_set_ms = 0;
  return true;
}

bool sim_devices_add(const char *spec) {
  char copy[512];
  if (strlen(spec) >= sizeof copy) return false;
  snprintf(copy, sizeof copy, "%s", spec);
  char *fields[SIM_MAX_RECORDS + 4] = {0};
  int count = 0;
  char *colon = strchr(copy, ':');
  if (colon == NULL) return false;
  *colon = '\0';
  for (char *at = colon + 1; at != NULL; count++) {
    if (count == (int)(sizeof fields / sizeof fields[0])) return false;
    fields[count] = at;
    at = strchr(at, ',');
    if (at != NULL) *at++ = '\0';
  }
  const char *kind = copy;
  if (strcmp(kind, "vendor-therm") == 0) return add_therm(fields, count);
  sim_device *device = find_or_add(fields[0]);
  if (device == NULL) return false;
  if (strcmp(kind, "meter") == 0 && count == 1) {
    if (device->kind != SIM_READING || device->value_count > 0) return false;
    device->kind = SIM_METER;
    device->service = gw_uuid16(0x1808);
    return true;
  }
  if (strcmp(kind, "record") == 0 && count == 2) {
    if (device->record_count == SIM_MAX_RECORDS) return false;
    return parse_value(fields[1], &device->records[device->record_count++]);
  }
  if (strcmp(kind, "reading") == 0 && count == 5) {
    if (device->kind != SIM_READING || device->value_count == SIM_MAX_RECORDS) return false;
    device->indicate = strcmp(fields[3], "ind") == 0;
    return gw_parse_uuid(fields[1], strlen(fields[1]), &device->service) &&
           gw_parse_uuid(fields[2], strlen(fields[2]), &device->characteristic) &&
           parse_value(fields[4], &device->values[device->value_count++]);
  }
  if (strcmp(kind, "info") == 0 && count == 5) {
    device->has_info = true;
    for (int i = 0; i < SIM_INFO_COUNT; i++) {
      if (strlen(fields[1 + i]) >= SIM_MAX_TEXT) return false;
      snprintf(device->info[i], SIM_MAX_TEXT, "%s", fields[1 + i]);
    }
    return true;
  }
  if (strcmp(kind, "clock") == 0 && count == 2) return add_clock(device, fields[1]);
  return false;
}

bool sim_devices_check(char *why, size_t capacity) {
  for (int i = 0; i < sim_device_count; i++) {
    const sim_device *device = &sim_devices[i];
    if (device->kind == SIM_READING && device->value_count == 0) {
      snprintf(why, capacity, "device %d (%s) has info or a clock but nothing to send: add reading:, meter: or vendor-therm:",
               i + 1, device->name);
      return false;
    }
    if (device->record_count > 0 && device->kind != SIM_METER) {
      snprintf(why, capacity, "device %d (%s) has records but is no meter: add meter:<address>", i + 1, device->name);
      return false;
    }
  }
  return true;
}
