#!/bin/sh
# A syntax-only compile of the binding (main/*.c) for the ESP32-C3 against the ESP-IDF and NimBLE
# headers, where ESP-IDF itself cannot be installed: Debian's riscv64-unknown-elf-gcc and
# libnewlib-dev, a source tree of ESP-IDF (v5.3.2) and of its NimBLE (espressif/esp-nimble at the
# commit that ESP-IDF tag pins, 32b2124f), and the few sdkconfig.h values beside this script.
# It checks declarations, types and calls, not a build: nothing is linked, nothing is flashed.
#
#   tools/syntax-check.sh IDF_DIR NIMBLE_DIR [CORE_DIR]
#
# CORE_DIR defaults to ../../core; prints nothing and exits 0 when every file compiles.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
idf=$1/components
nimble=$2
core=${3:-$here/../../core}
include() { for d in "$@"; do printf ' -isystem %s' "$d"; done; }
sdk=$(include \
  "$idf/freertos/FreeRTOS-Kernel/include" "$idf/freertos/FreeRTOS-Kernel/portable/riscv/include/freertos" \
  "$idf/freertos/config/include" "$idf/freertos/config/include/freertos" "$idf/freertos/config/riscv/include" \
  "$idf/freertos/esp_additions/include" "$idf/freertos/esp_additions/include/freertos" \
  "$idf/freertos/esp_additions/arch/riscv/include" \
  "$idf/esp_common/include" "$idf/esp_system/include" "$idf/log/include" "$idf/esp_timer/include" \
  "$idf/esp_hw_support/include" "$idf/esp_hw_support/include/soc" "$idf/esp_hw_support/include/soc/esp32c3" \
  "$idf/esp_hw_support/port/esp32c3/include" "$idf/esp_hw_support/port/esp32c3/private_include" \
  "$idf/esp_app_format/include" "$idf/nvs_flash/include" "$idf/esp_partition/include" "$idf/spi_flash/include" \
  "$idf/esp_pm/include" "$idf/esp_driver_uart/include" "$idf/esp_driver_usb_serial_jtag/include" \
  "$idf/esp_driver_gpio/include" "$idf/driver/include" \
  "$idf/hal/include" "$idf/hal/esp32c3/include" "$idf/hal/platform_port/include" \
  "$idf/soc/include" "$idf/soc/esp32c3/include" "$idf/soc/esp32c3/register" \
  "$idf/esp_rom/include" "$idf/esp_rom/include/esp32c3" "$idf/esp_rom/esp32c3" "$idf/esp_rom/esp32c3/include" \
  "$idf/heap/include" "$idf/riscv/include" "$idf/newlib/platform_include" \
  "$idf/bt/include/esp32c3/include" "$idf/bt/host/nimble/port/include" "$idf/bt/host/nimble/esp-hci/include" \
  "$nimble/nimble/include" "$nimble/nimble/host/include" "$nimble/nimble/host/util/include" \
  "$nimble/nimble/host/services/gap/include" "$nimble/nimble/transport/include" \
  "$nimble/porting/nimble/include" "$nimble/porting/npl/freertos/include")
cc=riscv64-unknown-elf-gcc
libc=$(include "$($cc -print-file-name=include)" /usr/include/newlib "$($cc -print-file-name=include-fixed)")
for link in UART0 USB_SERIAL_JTAG; do
  for source in "$here"/../main/*.c; do
    # shellcheck disable=SC2086 # the include lists are meant to split
    $cc -nostdinc -march=rv32imc_zicsr_zifencei -mabi=ilp32 -std=gnu17 -fsyntax-only \
      -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror \
      -DESP_PLATFORM -UCONFIG_GW_LINK_UART0 -DCONFIG_GW_LINK_$link=1 \
      -I"$here/../main" -I"$core" -isystem "$here" $sdk $libc "$source"
  done
done
