#!/usr/bin/env bash
# Start TimeDB for real on http://127.0.0.1:8000.
# Uses TIMEDB_DSN when set; otherwise creates and starts a local PostgreSQL cluster in .local/postgres
# (git-ignored). Creates the schema with authentication, a demo user whose API key it prints, and runs the API.
#   deploy/run-local.sh            start (Ctrl-C stops the API; the local cluster keeps running)
#   deploy/run-local.sh stop       stop the local PostgreSQL cluster
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cluster="$root/.local/postgres"
demo_tenant=00000000-0000-0000-0000-00000000d3e0
demo_email=demo@timedb.local
host=${TIMEDB_HOST:-127.0.0.1}
port=${TIMEDB_PORT:-8000}

if [ "${1:-}" = "stop" ]; then
  bash deploy/local-postgres.sh stop "$cluster"
  echo "local PostgreSQL stopped"
  exit 0
fi

echo "== building TimeDB (Release)"
dotnet build TimeDb.sln -c Release -v quiet -nologo >/dev/null \
  || { echo "build failed; run: dotnet build TimeDb.sln -c Release" >&2; exit 1; }
timedb() { dotnet "$root/TimeDb.Cli/bin/Release/net10.0/timedb.dll" "$@"; }

if [ -z "${TIMEDB_DSN:-}" ]; then
  echo "== TIMEDB_DSN not set: starting a local PostgreSQL in .local/postgres"
  admin=$(bash deploy/local-postgres.sh start "$cluster")
  export TIMEDB_DSN="${admin%/*}/timedb"
fi

echo "== schema (authentication on)"
timedb create tables --with-users -y

echo "== demo user"
if out=$(timedb users create --tenant-id "$demo_tenant" --email "$demo_email" --tier unlimited 2>&1); then
  echo "$out"
else
  if grep -q "already exists" <<<"$out"; then
    # Keys are stored hashed; a lost key is replaced, never recovered.
    timedb users regenerate-key --email "$demo_email" --tenant-id "$demo_tenant" -y 2>/dev/null \
      || echo "The demo user $demo_email exists already; its key was printed on the first run."
  else
    echo "$out" >&2; exit 1
  fi
fi
echo "Send it as the X-API-Key header. Docs: http://$host:$port/docs"

echo "== API on http://$host:$port (Ctrl-C to stop)"
exec dotnet "$root/TimeDb.Cli/bin/Release/net10.0/timedb.dll" api --host "$host" --port "$port"
