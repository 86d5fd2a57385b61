#!/usr/bin/env bash
# A throwaway PostgreSQL server for the fleet tests: `start` makes a cluster under $PGROOT (default
# /tmp/switchboard-pg), listens on 127.0.0.1:$PGPORT (default 54329) with a password login, and
# prints the variables the tests read; `stop` stops it and deletes the cluster. It also accepts
# TLS, with the test CA's certificate for 127.0.0.1 (fixtures/tls).
#   eval "$(.ci/postgres.sh start)" && swift test && .ci/postgres.sh stop
set -euo pipefail
root=${PGROOT:-/tmp/switchboard-pg}
port=${PGPORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 1; }
# PostgreSQL refuses to run as root; as root, the cluster belongs to the `postgres` user.
# (From /, which that user can read whatever the checkout's directory allows.)
as() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
password=switchboard-test

case "${1:-}" in
start)
    if [ ! -f "$root/data/PG_VERSION" ]; then
        rm -rf "$root" && mkdir -p "$root"
        [ "$(id -u)" = 0 ] && chown postgres "$root"
        as bash -c "echo '$password' > '$root/pwfile'"
        tls=$(cd "$(dirname "$0")/../fixtures/tls" && pwd)
        cp "$tls/server.pem" "$tls/server.key" "$root/" && chmod 600 "$root/server.key"
        [ "$(id -u)" = 0 ] && chown postgres "$root/server.pem" "$root/server.key"
        as "$bin/initdb" -D "$root/data" -U switchboard --pwfile="$root/pwfile" \
            --auth-local=trust --auth-host=scram-sha-256 >"$root/initdb.log" 2>&1 \
            || { cat "$root/initdb.log" >&2; exit 1; }
    fi
    as "$bin/pg_ctl" -D "$root/data" status >/dev/null 2>&1 || as "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $root -c max_connections=200 -c fsync=on -c ssl=on -c ssl_cert_file=$root/server.pem -c ssl_key_file=$root/server.key" >/dev/null \
        || { cat "$root/server.log" >&2; exit 1; }
    as "$bin/psql" -h "$root" -p "$port" -U switchboard -d postgres -qAt \
        -c "SELECT 1 FROM pg_database WHERE datname = 'switchboard'" | grep -q 1 \
        || as "$bin/createdb" -h "$root" -p "$port" -U switchboard switchboard
    echo "export SWITCHBOARD_TEST_POSTGRES=postgres://switchboard@127.0.0.1:$port/switchboard"
    echo "export SWITCHBOARD_TEST_POSTGRES_PASSWORD=$password"
    ;;
stop)
    [ -f "$root/data/PG_VERSION" ] && as "$bin/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null || true
    rm -rf "$root"
    ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
