/* The gateway core as a host process: reads and writes a serial device (a pty from socat, or a
 * USB-serial adapter), with simulated BLE devices in place of the radio. What it sends the agent is
 * exactly what the chip would: every line is built by the same core.
 *
 *   gw_host <serial-path> [device argument]...
 *
 *   reading:ADDR,SERVICE,CHAR,ind|ntf,HEX   a device that sends HEX once connected (repeat: more values)
 *   meter:ADDR  record:ADDR,HEX             a glucose meter and its stored records (RACP)
 *   vendor-therm:ADDR,CENTI_C[,CENTI_C...][,ear][,battery=N]
 *                                           a KD-Therm V1 vendor thermometer (128-bit service)
 *   info:ADDR,MANUFACTURER,MODEL,SERIAL,FIRMWARE
 *                                           Device Information (0x180A) of a device; an empty field
 *                                           is a characteristic it lacks
 *   clock:ADDR,YYYY-MM-DDTHH:MM:SS          Current Time Service (0x1805) with the clock at this time
 *
 * Everything the agent sends is copied to stdout, so a test can see which commands arrived. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "gw_gateway.h"
#include "sim_radio.h"

static gw_gateway gateway;
static volatile sig_atomic_t stopping;

static void stop(int signal_number) {
  (void)signal_number;
  stopping = 1;
}

static uint32_t monotonic_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint32_t)((uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u);
}

static int open_serial(const char *path) {
  int fd = open(path, O_RDWR | O_NOCTTY);
  if (fd < 0) return -1;
  struct termios tio;
  if (tcgetattr(fd, &tio) == 0) {
    cfmakeraw(&tio);
    cfsetispeed(&tio, B115200);
    cfsetospeed(&tio, B115200);
    tcsetattr(fd, TCSANOW, &tio);
  }
  return fd;
}

static int write_all(int fd, const uint8_t *bytes, size_t length) {
  while (length > 0) {
    ssize_t written = write(fd, bytes, length);
    if (written < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    bytes += written;
    length -= (size_t)written;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr,
            "usage: gw_host <serial-path> [reading:ADDR,SERVICE,CHAR,ind|ntf,HEX] [meter:ADDR] [record:ADDR,HEX]\n"
            "       [vendor-therm:ADDR,CENTI_C[,CENTI_C...][,ear][,battery=N]]\n"
            "       [info:ADDR,MANUFACTURER,MODEL,SERIAL,FIRMWARE] [clock:ADDR,YYYY-MM-DDTHH:MM:SS]...\n");
    return 2;
  }
  sim_radio_init(&gateway);
  sim_devices_clear();
  for (int i = 2; i < argc; i++) {
    if (!sim_devices_add(argv[i])) {
      fprintf(stderr, "gw_host: cannot read device %s (see the usage in host/gw_host.c)\n", argv[i]);
      return 2;
    }
  }
  char why[160];
  if (!sim_devices_check(why, sizeof why)) {
    fprintf(stderr, "gw_host: %s\n", why);
    return 2;
  }
  int fd = open_serial(argv[1]);
  if (fd < 0) {
    fprintf(stderr, "gw_host: cannot open %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  signal(SIGTERM, stop);
  signal(SIGINT, stop);
  uint32_t started = monotonic_ms();
  gw_gateway_init(&gateway, "host-gateway", "kd-gateway-host 1.0.0", sim_radio_interface());
  /* Log lines never start with `$`: the agent ignores them, as it ignores an ESP32's boot log. */
  const char *banner = "gw_host: klinik-desa gateway core on the host, simulated radio\r\n";
  write_all(fd, (const uint8_t *)banner, strlen(banner));
  while (!stopping) {
    struct pollfd wait = {.fd = fd, .events = POLLIN};
    int ready = poll(&wait, 1, 5);
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0 && (wait.revents & POLLIN)) {
      uint8_t bytes[256];
      ssize_t count = read(fd, bytes, sizeof bytes);
      if (count < 0 && errno != EINTR && errno != EAGAIN) break;
      if (count > 0) {
        gw_gateway_receive(&gateway, bytes, (size_t)count);
        fwrite(bytes, 1, (size_t)count, stdout);
        fflush(stdout);
      }
    }
    uint32_t now = monotonic_ms() - started;
    gw_gateway_tick(&gateway, now);
    sim_radio_run(now);
    uint8_t out[512];
    size_t length;
    while ((length = gw_gateway_take_output(&gateway, out, sizeof out)) > 0) {
      if (write_all(fd, out, length) < 0) {
        stopping = 1;
        break;
      }
    }
  }
  close(fd);
  return 0;
}
