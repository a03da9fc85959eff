#!/usr/bin/env bash
# Installs the programs the tests run for real: socat (pseudo-terminals stand in for serial cables)
# and mosquitto (the MQTT broker tests stop and restart). As root on Debian/Ubuntu it installs what
# is missing; otherwise it names what to install and stops.
set -euo pipefail

missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then missing+=(mosquitto); fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test dependencies: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "The tests need these programs, which are not installed: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run the tests again." >&2
exit 1
