#!/usr/bin/env bash
# `make replica-drill`: a real PostgreSQL streaming replica on this machine, and the replica router
# checked against it. A throw-away primary (port 5434) is made with initdb, so the machine's own
# PostgreSQL and its pg_hba.conf are not touched; pg_basebackup -R clones it into a standby on port
# 5433; scripts/replica_check.py then runs Django with DATABASE_URL (primary) and
# DATABASE_REPLICA_URL (standby). Both servers are stopped and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PRIMARY_PORT="${PRIMARY_PORT:-5434}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
tmp="$(mktemp -d /tmp/vyzov-replica-drill.XXXXXX)"
chown postgres "$tmp"
as_pg() { runuser -u postgres -- "$@"; }
stop() {
  for dir in replica primary; do
    [ -f "$tmp/$dir/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$tmp/$dir" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
}
trap stop EXIT

as_pg "$BIN/initdb" -D "$tmp/primary" -A trust -U postgres --no-sync >/dev/null
as_pg "$BIN/pg_ctl" -D "$tmp/primary" -l "$tmp/primary.log" -w start \
  -o "-p $PRIMARY_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$tmp -c wal_level=replica -c fsync=off" >/dev/null
as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres vyzov_drill
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$tmp/replica" -R -X stream -c fast
as_pg "$BIN/pg_ctl" -D "$tmp/replica" -l "$tmp/replica.log" -w start \
  -o "-p $REPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$tmp -c hot_standby=on" >/dev/null
echo "Реплика запущена: основной 127.0.0.1:$PRIMARY_PORT, реплика 127.0.0.1:$REPLICA_PORT"

DJANGO_SETTINGS_MODULE=config.settings.test \
DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/vyzov_drill" \
DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/vyzov_drill" \
  "$PY" scripts/replica_check.py
