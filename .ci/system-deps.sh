#!/usr/bin/env bash
# Installs the programs the tests run for real: socat (pseudo-terminals stand in for serial cables),
# chromium (the SDK's browser test), faketime (a kiosk clock years behind), lintian (the kiosk's
# Debian package is checked with it; the arm64 cross compiler and qemu-user build and run the arm64
# package, unless KD_TEST_DEB_ARM64=0),
# cmake and libcmocka-dev (the BLE gateway core's C tests, built with CTest),
# prometheus (promtool checks the alert rules), mosquitto (the MQTT broker tests stop and restart), rabbitmq-server (the national tier's broker) and PostgreSQL (the clinic record's second
# store, at 127.0.0.1:5432 with trust auth for the user postgres on loopback). As root on
# Debian/Ubuntu it installs and starts what is missing; otherwise it names what to do and stops.
set -euo pipefail

can_install() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then missing+=(mosquitto); fi
# The RabbitMQ tests start a node of their own on free ports (the service need not run).
if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && ! command -v rabbitmq-server >/dev/null 2>&1; then missing+=(rabbitmq-server); fi
# The SDK's browser test drives Debian's Chromium (playwright cannot download its own here).
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v lintian >/dev/null 2>&1 || missing+=(lintian)
if [ "${KD_TEST_DEB_ARM64:-}" != 0 ]; then
  command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || missing+=(g++-aarch64-linux-gnu)
  command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
fi
# The gateway core's C tests: CMake/CTest, a C compiler and cmocka (found through pkg-config).
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -f /usr/include/cmocka.h ] || missing+=(libcmocka-dev)
# The restore drill backs PostgreSQL up with pg_dump; the TLS tests make certificates with openssl.
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# The Prometheus alert rules of deploy/prometheus are checked and unit-tested with promtool.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# The kiosk-clock test fakes the agent's wall clock with libfaketime.
ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || missing+=(faketime)

if [ ${#missing[@]} -gt 0 ]; then
  if can_install; then
    echo "installing test dependencies: ${missing[*]}"
    apt_install "${missing[@]}"
  else
    echo "The tests need these programs, which are not installed: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run the tests again." >&2
    exit 1
  fi
fi

# PostgreSQL: the tests create and drop a fresh database kd_test_<random> per run, as the user
# postgres over TCP on 127.0.0.1:5432 (KD_TEST_PG_URL points elsewhere if set).
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
if [ -n "${KD_TEST_PG_URL:-}" ] || pg_up; then exit 0; fi

if ! can_install; then
  echo "The tests need PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth on loopback), or KD_TEST_PG_URL set to a server where they may create databases. Install it (Debian/Ubuntu: sudo apt-get install postgresql) and run the tests again." >&2
  exit 1
fi

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing test dependencies: postgresql"
  apt_install postgresql
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
hba="/etc/postgresql/$version/main/pg_hba.conf"
# Trust on loopback only: a test machine's throwaway server, never a clinic's.
if ! grep -q 'klinik-desa tests' "$hba"; then
  sed -i '1i # klinik-desa tests: trust on loopback\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi
echo "starting PostgreSQL $version for the tests"
pg_ctlcluster "$version" main start 2>/dev/null || pg_ctlcluster "$version" main reload
for _ in $(seq 1 60); do
  if pg_up; then exit 0; fi
  sleep 0.5
done
echo "PostgreSQL $version did not start listening on 127.0.0.1:5432" >&2
exit 1
