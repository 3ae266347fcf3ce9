#!/usr/bin/env bash
# Distributed mode on one machine without Docker: a throw-away PostgreSQL cluster (Debian's postgresql),
# one API on http://localhost:5000 and N worker processes sharing a data directory. Ctrl-C stops everything
# and drops the cluster.   Usage: bash docker/run-without-docker.sh [workers, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
workers="${1:-2}"

export GENAPI_PG_CLUSTER=genapi_local GENAPI_PG_PORT=55433
source .ci/postgres.sh
shared="$(mktemp -d /tmp/genapi-distributed.XXXX)"
export Storage__Provider=postgres Storage__ConnectionString="$GENAPI_TEST_POSTGRES" Storage__DataDirectory="$shared"

dotnet build GenApi.sln -c Release -v quiet -nologo
pids=()
stop() {
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  genapi_postgres_stop
}
trap stop EXIT INT TERM

# Each from its output folder, which holds its appsettings.json.
(cd GenApi/bin/Release/net10.0 && exec dotnet GenApi.dll --urls http://localhost:5000) &
pids+=($!)
for i in $(seq 1 "$workers"); do
  # Threads split between workers on a CPU-only machine; a GPU host runs one worker per device.
  (cd GenApi.Worker/bin/Release/net10.0 && Worker__Threads=$(( ( $(nproc) + workers - 1 ) / workers )) exec dotnet GenApi.Worker.dll) &
  pids+=($!)
done
echo "GenApi (distributed): http://localhost:5000/swagger, $workers workers, artifacts in $shared. Ctrl-C stops."
wait
