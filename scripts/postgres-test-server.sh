#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests (`make test` runs `start`).
#
#   bash scripts/postgres-test-server.sh start   # installs PostgreSQL if missing (Debian, as root),
#                                                # starts it, prints the URL for PROCTOR_TEST_POSTGRES_URL
#   bash scripts/postgres-test-server.sh stop
#   bash scripts/postgres-test-server.sh status
#
# The cluster lives in /tmp/proctor-pg-$UID (PROCTOR_PG_DIR overrides), listens on 127.0.0.1 only,
# port 54329 (PROCTOR_PG_PORT overrides), trusts local TCP connections, and holds the role `proctor`
# (password `proctor`) owning the database `proctor_test`. `start` on a running server only
# checks the role and database. As root the server runs as the `postgres` system user (PostgreSQL
# refuses to run as root); as another user it runs as that user.
set -euo pipefail

PORT="${PROCTOR_PG_PORT:-54329}"
BASE="${PROCTOR_PG_DIR:-/tmp/proctor-pg-$(id -u)}"
DATA="$BASE/data"
LOG="$BASE/server.log"
URL="postgres://proctor:proctor@127.0.0.1:$PORT/proctor_test"

say() { echo "postgres-test-server: $*" >&2; }
die() { say "$*"; exit 1; }

# The newest PostgreSQL server binaries: Debian's /usr/lib/postgresql/*/bin, else the PATH.
find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
    done
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    return 1
}

install_postgres() {
    [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed; install it (e.g. sudo apt-get install postgresql) or run this as root"
    command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get here; install PostgreSQL"
    say "installing PostgreSQL (apt-get)…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
}

# Runs a command as the user that owns the cluster.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

psql_admin() {
    local psql="$BIN/psql"
    [[ -x "$psql" ]] || psql="$(command -v psql)" || die "psql not found"
    as_owner "$psql" -X -q -v ON_ERROR_STOP=1 -h "$BASE" -p "$PORT" -U postgres -d postgres -tA "$@"
}

is_running() {
    [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

init_cluster() {
    say "creating a cluster in $DATA"
    rm -rf "$DATA"
    mkdir -p "$BASE"
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' system user (is the postgresql package installed?)"
        chown postgres: "$BASE"
    fi
    chmod 700 "$BASE"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
        || as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    cat >>"$DATA/postgresql.conf" <<CONF
# Proctor test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BASE'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
    # Trust local TCP and socket connections only (the server listens on 127.0.0.1 alone).
    cat >"$DATA/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 trust
HBA
}

start() {
    BIN="$(find_bin)" || { install_postgres; BIN="$(find_bin)" || die "PostgreSQL binaries not found after installing"; }
    if is_running; then
        say "already running ($DATA)"
    else
        [[ -f "$DATA/PG_VERSION" ]] || init_cluster
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PORT" -w -t 60 start >/dev/null \
            || { tail -n 20 "$LOG" >&2 || true; die "the server did not start (log: $LOG)"; }
        say "started PostgreSQL $(cat "$DATA/PG_VERSION") on 127.0.0.1:$PORT ($DATA)"
    fi
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'proctor'")" != 1 ]]; then
        psql_admin -c "CREATE ROLE proctor LOGIN PASSWORD 'proctor'"
    fi
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'proctor_test'")" != 1 ]]; then
        psql_admin -c "CREATE DATABASE proctor_test OWNER proctor"
    fi
    echo "$URL"
}

stop() {
    BIN="$(find_bin)" || { say "PostgreSQL is not installed; nothing to stop"; return 0; }
    if is_running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        say "stopped ($DATA)"
    else
        say "not running ($DATA)"
    fi
}

status() {
    BIN="$(find_bin)" || die "PostgreSQL is not installed"
    if is_running; then echo "running: $URL"; else echo "not running"; exit 3; fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
