#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 on 127.0.0.1 for tests and benchmarks (installs it from Debian if missing).
# Prints the DATABASE_URL to use. Usage: [PG_SHARED_BUFFERS=4GB] scripts/postgres-local.sh [port] [datadir]
# (shared_buffers applies when this starts the server; the default is PostgreSQL's own, 128MB)
set -euo pipefail
PORT="${1:-55432}"
PGDATA_DIR="${2:-/tmp/tenantproof-pg-$PORT}"
find_bin() {
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
}
BIN="$(find_bin || true)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  else
    echo "PostgreSQL is not installed and this user cannot install it (run as root or install postgresql)" >&2
    exit 1
  fi
  BIN="$(find_bin)"
fi
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi
if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
  rm -rf "$PGDATA_DIR"; mkdir -p "$PGDATA_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA_DIR"
  "${RUN[@]}" "$BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
  "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=/tmp -c max_connections=200 -c fsync=off -c synchronous_commit=off -c shared_buffers=${PG_SHARED_BUFFERS:-128MB}" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
