#!/usr/bin/env bash
# Runs the vitest suite on another date: the test processes AND private PostgreSQL and Redis
# servers run under libfaketime (Debian package `faketime`), so the application's clock and the
# database's clock agree on the faked date, as they would on a machine that really is there.
#
#   bash test/clock/run-at.sh '+365d'                    # one year ahead, clock running
#   bash test/clock/run-at.sh '@2026-12-31 23:52:00'     # just before a New Year (in TZ below)
#   TZ=Europe/Berlin bash test/clock/run-at.sh '@2027-03-28 01:52:00'   # just before a DST change
#   bash test/clock/run-at.sh '+365d' test/memory        # only some files
#
# `npm run test:clock` runs the three scenarios above. Needs root (the servers run as the
# postgres user), PostgreSQL's server binaries and faketime. The shared servers on 5432/6379
# are not touched: this script starts its own on free ports and removes them afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

spec="${1:?usage: run-at.sh FAKETIME_SPEC [vitest args…]}"
shift
command -v faketime >/dev/null || { apt-get install -y -qq faketime >/dev/null || { echo "run-at: faketime is not installed (apt-get install faketime)" >&2; exit 2; }; }
lib="$(dirname "$(command -v faketime)")/../lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
[ -f "$lib" ] || lib="$(find /usr/lib -name libfaketime.so.1 | head -n1)"
pgbin="/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -n1)/bin"

work="$(mktemp -d /tmp/almanac-clock.XXXXXX)"
chown postgres "$work"
pg_port=$((20000 + RANDOM % 10000))
restore_port=$((pg_port + 1))
redis_port=$((pg_port + 2))
redis_pid=""

cleanup() {
  for c in main restore; do
    [ -d "$work/$c" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/$c" -m immediate stop >/dev/null 2>&1 || true
  done
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL reads the faked clock through LD_PRELOAD; FAKETIME_NO_CACHE makes every read fresh.
faked=(env LD_PRELOAD="$lib" FAKETIME="$spec" FAKETIME_NO_CACHE=1 FAKETIME_DONT_RESET=1)
start_cluster() {
  local name=$1 port=$2
  runuser -u postgres -- "$pgbin/initdb" -D "$work/$name" -A trust -U postgres >/dev/null
  runuser -u postgres -- "${faked[@]}" "$pgbin/pg_ctl" -D "$work/$name" -l "$work/$name.log" -w \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
}
start_cluster main "$pg_port"
start_cluster restore "$restore_port"
# Redis keeps the real clock: Almanac gives it only relative TTLs, and redis-server under
# libfaketime loses its clients mid-run.
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 30); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.2; done
psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qc 'CREATE DATABASE test'

echo "== vitest at FAKETIME='$spec' TZ=${TZ:-unset}: database says $(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d test -tAc 'select now()')"
TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/test" \
TEST_RESTORE_PORT="$restore_port" \
TEST_VALKEY_URL="redis://127.0.0.1:$redis_port" \
  faketime -f "$spec" npx vitest run "$@"
