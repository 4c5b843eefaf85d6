#!/usr/bin/env bash
# Start TimeDB for real on http://127.0.0.1:8000.
# Uses TIMEDB_DSN when set; otherwise creates and starts a local PostgreSQL cluster in .local/postgres
# (git-ignored). Creates the schema with authentication, a demo user whose API key it prints, and runs the API.
#   deploy/run-local.sh            start (Ctrl-C stops the API; the local cluster keeps running)
#   deploy/run-local.sh setup      everything but the API: database, schema, demo user and key, .env
#   deploy/run-local.sh stop       stop the local PostgreSQL cluster
# It writes TIMEDB_DSN to .env (mode 0600, git-ignored), so `timedb …` works in this folder afterwards, and keeps
# the demo key in .local/demo-key (0600): a restart prints the same key while it still works.
# TIMEDB_HOST and TIMEDB_PORT choose the address; TIMEDB_CLI (a built timedb.dll) skips the Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cluster="$root/.local/postgres"
key_file="$root/.local/demo-key"
demo_tenant=00000000-0000-0000-0000-00000000d3e0
demo_email=demo@timedb.local
host=${TIMEDB_HOST:-127.0.0.1}
port=${TIMEDB_PORT:-8000}
mode=${1:-start}

die() { echo "error: $*" >&2; exit 1; }

if [ "$mode" = "stop" ]; then
  bash deploy/local-postgres.sh stop "$cluster"
  echo "local PostgreSQL stopped"
  exit 0
fi
[ "$mode" = "start" ] || [ "$mode" = "setup" ] || die "usage: $0 [start|setup|stop]"

# Before anything else (no key is created or revoked when the API could not start anyway).
port_holder() {
  local probe=$host
  case "$probe" in 0.0.0.0|::|'*'|'+') probe=127.0.0.1 ;; esac
  (exec 3<>"/dev/tcp/$probe/$port") 2>/dev/null || return 1
  local who=""
  if command -v ss >/dev/null 2>&1; then
    who=$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p' | head -n1)
  fi
  echo "${who:-another process}"
}
if [ "$mode" = "start" ] && holder=$(port_holder); then
  die "port $port on $host is in use by $holder; stop it or choose another port with TIMEDB_PORT=…"
fi

if [ -n "${TIMEDB_CLI:-}" ]; then
  cli=$TIMEDB_CLI
else
  echo "== building TimeDB (Release)"
  dotnet build TimeDb.sln -c Release -v quiet -nologo >/dev/null \
    || die "build failed; run: dotnet build TimeDb.sln -c Release"
  cli="$root/TimeDb.Cli/bin/Release/net10.0/timedb.dll"
fi
timedb() { dotnet "$cli" "$@"; }

if [ -z "${TIMEDB_DSN:-}" ]; then
  echo "== TIMEDB_DSN not set: starting a local PostgreSQL in .local/postgres"
  admin=$(bash deploy/local-postgres.sh start "$cluster")
  export TIMEDB_DSN="${admin%/*}/timedb"
fi

# .env: TIMEDB_DSN for the CLI in this folder (it never overrides a variable that is set). Other lines stay.
write_env() {
  local quoted="'$TIMEDB_DSN'"
  case "$TIMEDB_DSN" in *"'"*) quoted="\"$TIMEDB_DSN\"" ;; esac
  local rest=""
  [ -f .env ] && rest=$(grep -v -E '^[[:space:]]*(export[[:space:]]+)?TIMEDB_DSN=' .env || true)
  ( umask 077
    { [ -n "$rest" ] && printf '%s\n' "$rest"; printf 'TIMEDB_DSN=%s\n' "$quoted"; } > .env.tmp
    mv .env.tmp .env )
  chmod 600 .env
  echo "== wrote TIMEDB_DSN to .env (mode 0600, git-ignored): timedb commands in $root use this database"
}
write_env

echo "== schema (authentication on)"
timedb create tables --with-users -y

api_key_of() { sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p'; }

# A stored key still works when the demo user is active and holds an unrevoked key with its prefix.
key_works() {
  local prefix=${1:0:12}
  timedb keys list --email "$demo_email" --tenant-id "$demo_tenant" --json 2>/dev/null | awk -v p="$prefix" '
    /"prefix":/     { v = $2; gsub(/[",]/, "", v); pre = v }
    /"revoked_at":/ { if (pre == p && $2 ~ /^null/) found = 1 }
    END { exit !found }'
}

keep_key() { ( umask 077; printf '%s\n' "$1" > "$key_file" ); chmod 600 "$key_file"; }

echo "== demo user"
mkdir -p "$root/.local"
old_key=""
[ -s "$key_file" ] && old_key=$(head -n1 "$key_file")
if out=$(timedb users create --tenant-id "$demo_tenant" --email "$demo_email" --tier unlimited --json 2>&1); then
  key=$(api_key_of <<<"$out")
  keep_key "$key"
  echo "Created the demo user $demo_email. API key: $key"
elif grep -q "already exists" <<<"$out"; then
  timedb users activate --email "$demo_email" --tenant-id "$demo_tenant" >/dev/null
  if [ -n "$old_key" ] && key_works "$old_key"; then
    key=$old_key
    echo "Demo user $demo_email, same API key as before: $key"
  else
    # Keys are stored hashed: a lost key is replaced, never recovered.
    key=$(timedb users regenerate-key --email "$demo_email" --tenant-id "$demo_tenant" -y --json | api_key_of)
    keep_key "$key"
    if [ -n "$old_key" ]; then
      echo "The old demo key no longer works (revoked, or from another database); its keys were revoked. New key: $key"
    else
      echo "The demo key is not in .local/demo-key; the old demo key was revoked. New key: $key"
    fi
  fi
else
  echo "$out" >&2; exit 1
fi
echo "Send it as the X-API-Key header (kept in .local/demo-key). Docs: http://$host:$port/docs"

[ "$mode" = "setup" ] && exit 0
echo "== API on http://$host:$port (Ctrl-C to stop)"
exec dotnet "$cli" api --host "$host" --port "$port"
