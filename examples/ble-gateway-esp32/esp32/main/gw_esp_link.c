#include "gw_esp_link.h"

#include "esp_err.h"
#include "freertos/FreeRTOS.h"
#include "freertos/stream_buffer.h"
#include "freertos/task.h"
#include "nimble/nimble_port.h"
#include "sdkconfig.h"

#if CONFIG_GW_LINK_USB_SERIAL_JTAG
#include "driver/usb_serial_jtag.h"
#else
#include "driver/uart.h"
#include "soc/uart_pins.h"
#define LINK_UART UART_NUM_0
#endif

#define LINK_BAUD 115200
/* The transmit side holds more than the longest line (1,200 bytes); the core's own queue (4 kB)
 * holds the rest while the kiosk is slow to read. */
#define RX_BUFFER_BYTES 2048
#define TX_BUFFER_BYTES 2048
#define TASK_STACK_BYTES 3072

static StreamBufferHandle_t received;
static StreamBufferHandle_t to_send;
static struct ble_npl_event *readable_event;

static void driver_start(void) {
#if CONFIG_GW_LINK_USB_SERIAL_JTAG
  usb_serial_jtag_driver_config_t config = {.rx_buffer_size = 1024, .tx_buffer_size = 1024};
  ESP_ERROR_CHECK(usb_serial_jtag_driver_install(&config));
#else
  const uart_config_t config = {
      .baud_rate = LINK_BAUD,
      .data_bits = UART_DATA_8_BITS,
      .parity = UART_PARITY_DISABLE,
      .stop_bits = UART_STOP_BITS_1,
      .flow_ctrl = UART_HW_FLOWCTRL_DISABLE,
      .source_clk = UART_SCLK_DEFAULT,
  };
  ESP_ERROR_CHECK(uart_driver_install(LINK_UART, 1024, 1024, 0, NULL, 0));
  ESP_ERROR_CHECK(uart_param_config(LINK_UART, &config));
  /* UART0's own pins, wired to the board's USB-serial chip: with the console moved to UART1,
   * nothing else routes them. */
  ESP_ERROR_CHECK(uart_set_pin(LINK_UART, U0TXD_GPIO_NUM, U0RXD_GPIO_NUM, UART_PIN_NO_CHANGE, UART_PIN_NO_CHANGE));
#endif
}

/* Waits up to 20 ms for bytes: a line's bytes go on together, and the task still sleeps when idle. */
static int driver_read(uint8_t *out, size_t capacity) {
#if CONFIG_GW_LINK_USB_SERIAL_JTAG
  return usb_serial_jtag_read_bytes(out, (uint32_t)capacity, pdMS_TO_TICKS(20));
#else
  return uart_read_bytes(LINK_UART, out, (uint32_t)capacity, pdMS_TO_TICKS(20));
#endif
}

static void driver_write(const uint8_t *bytes, size_t length) {
#if CONFIG_GW_LINK_USB_SERIAL_JTAG
  /* With no kiosk reading, USB holds the bytes: wait, as the UART would at its pace. */
  while (length > 0) {
    int sent = usb_serial_jtag_write_bytes(bytes, length, portMAX_DELAY);
    if (sent <= 0) continue;
    bytes += sent;
    length -= (size_t)sent;
  }
#else
  uart_write_bytes(LINK_UART, bytes, length);
#endif
}

static void receive_task(void *argument) {
  (void)argument;
  uint8_t chunk[128];
  for (;;) {
    int count = driver_read(chunk, sizeof chunk);
    if (count <= 0) continue;
    /* Waits while the host task is behind: the driver's own buffer holds the bytes meanwhile. */
    xStreamBufferSend(received, chunk, (size_t)count, portMAX_DELAY);
    ble_npl_eventq_put(nimble_port_get_dflt_eventq(), readable_event);
  }
}

static void send_task(void *argument) {
  (void)argument;
  uint8_t chunk[256];
  for (;;) {
    size_t count = xStreamBufferReceive(to_send, chunk, sizeof chunk, portMAX_DELAY);
    if (count > 0) driver_write(chunk, count);
  }
}

void gw_esp_link_start(struct ble_npl_event *readable) {
  readable_event = readable;
  driver_start();
  received = xStreamBufferCreate(RX_BUFFER_BYTES, 1);
  to_send = xStreamBufferCreate(TX_BUFFER_BYTES, 1);
  configASSERT(received != NULL && to_send != NULL);
  xTaskCreate(receive_task, "gw_link_rx", TASK_STACK_BYTES, NULL, 5, NULL);
  xTaskCreate(send_task, "gw_link_tx", TASK_STACK_BYTES, NULL, 5, NULL);
}

size_t gw_esp_link_read(uint8_t *out, size_t capacity) { return xStreamBufferReceive(received, out, capacity, 0); }

size_t gw_esp_link_room(void) { return xStreamBufferSpacesAvailable(to_send); }

void gw_esp_link_write(const uint8_t *bytes, size_t length) { xStreamBufferSend(to_send, bytes, length, 0); }
