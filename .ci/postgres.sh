#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the test suite (Debian's postgresql package, pg_ctlcluster).
# Source it: it exports GENAPI_TEST_POSTGRES (admin connection string) and GENAPI_TEST_POSTGRES_RESTART,
# and `genapi_postgres_stop` drops the cluster again.
set -u
GENAPI_PG_PORT="${GENAPI_PG_PORT:-55432}"
GENAPI_PG_CLUSTER="${GENAPI_PG_CLUSTER:-genapi_ci}"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql
fi
GENAPI_PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)

$sudo_cmd pg_dropcluster --stop "$GENAPI_PG_VERSION" "$GENAPI_PG_CLUSTER" >/dev/null 2>&1 || true
$sudo_cmd pg_createcluster -p "$GENAPI_PG_PORT" "$GENAPI_PG_VERSION" "$GENAPI_PG_CLUSTER" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
$sudo_cmd pg_ctlcluster "$GENAPI_PG_VERSION" "$GENAPI_PG_CLUSTER" start
$sudo_cmd su postgres -c "psql -q -p $GENAPI_PG_PORT -c \"ALTER USER postgres PASSWORD 'genapi-ci'\""

export GENAPI_TEST_POSTGRES="Host=127.0.0.1;Port=$GENAPI_PG_PORT;Username=postgres;Password=genapi-ci;Database=postgres"
export GENAPI_TEST_POSTGRES_RESTART="$sudo_cmd pg_ctlcluster $GENAPI_PG_VERSION $GENAPI_PG_CLUSTER restart"

genapi_postgres_stop() {
  $sudo_cmd pg_dropcluster --stop "$GENAPI_PG_VERSION" "$GENAPI_PG_CLUSTER" >/dev/null 2>&1 || true
}
