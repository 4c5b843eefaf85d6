#!/usr/bin/env bash
# Several TimeDB API instances behind nginx, talking to PostgreSQL through PgBouncer (transaction
# pooling), all on loopback. One directory holds everything: configs, secrets (0600), logs, pids.
#
#   deploy/scale-out.sh start [DIR]      build, start PostgreSQL (unless TIMEDB_DSN), PgBouncer, the API
#                                        instances and nginx; create the schema and a demo user (key printed once)
#   deploy/scale-out.sh stop [DIR]       stop everything started by start (the database too, if it started one)
#   deploy/scale-out.sh status [DIR]     what runs where
#   deploy/scale-out.sh kill N [DIR]     SIGKILL API instance N (1-based); its supervisor restarts it after
#                                        1 s, like systemd's Restart=always (deploy/timedb-api.service)
#   deploy/scale-out.sh cli ARGS…        run the timedb CLI against the setup's database, e.g.
#                                        deploy/scale-out.sh cli users create -t UUID -e a@example.com
#                                        (the DSN comes from DIR, never from the command line)
#
# DIR defaults to $TIMEDB_SCALE_OUT_DIR, else .local/scale-out (cli always uses that default). Environment:
#   TIMEDB_INSTANCES   API instances (default 2)
#   TIMEDB_PORT        nginx port on 127.0.0.1 (default 8080)
#   TIMEDB_DSN         an existing PostgreSQL (a role that may create roles and databases) instead of a local cluster
#   TIMEDB_DATABASE    database to create and use (default timedb); the API's role is <database>_api
#   TIMEDB_APP_DIR     a directory holding built TimeDb.Api.dll and timedb.dll (default: publish into DIR/app)
#   TIMEDB_INSTANCE_SETTINGS  extra environment for every instance, e.g. "TimeDb__RateLimits__free=5"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

die() { echo "error: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

cmd=${1:-}
[ -n "$cmd" ] || die "usage: $0 start|stop|status|kill N|cli ARGS… [DIR]"
shift
if [ "$cmd" = kill ]; then victim=${1:-}; [ -n "$victim" ] || die "usage: $0 kill N [DIR]"; shift; fi
if [ "$cmd" = cli ]; then cli_args=("$@"); set --; fi
dir=${1:-${TIMEDB_SCALE_OUT_DIR:-$root/.local/scale-out}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_free() {
  python3 -c "import socket,sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $1)); s.close()" 2>/dev/null
}

wait_http() { # URL SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

ensure_packages() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v psql >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/psql >/dev/null 2>&1 || missing+=(postgresql-client)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]} (apt-get install ${missing[*]})"
    say "installing ${missing[*]}"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    # Debian starts the packaged services; this setup runs its own.
    service nginx stop >/dev/null 2>&1 || true
    service pgbouncer stop >/dev/null 2>&1 || true
  fi
  export PATH="/usr/sbin:$PATH"
  command -v psql >/dev/null 2>&1 || export PATH="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1):$PATH"
}

# Services that refuse root (PgBouncer) or should not keep it (nginx workers) run as this user.
service_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

# The build the setup runs: remembered at start, so later commands (cli) use the same one.
app_dir() {
  if [ -f "$dir/app-dir" ]; then cat "$dir/app-dir"
  elif [ -n "${TIMEDB_APP_DIR:-}" ]; then echo "$TIMEDB_APP_DIR"
  else echo "$dir/app"; fi
}

secret() { cat "$dir/secrets/$1"; }

instances() { cat "$dir/instances/count" 2>/dev/null || echo 0; }

start_instance() { # N PORT
  local n=$1 port=$2 app
  app=$(app_dir)
  # The supervisor restarts the instance when it dies, until stop; the DSN reaches it through the
  # environment, never the command line.
  (
    set -a; . "$dir/secrets/api.env"; set +a
    for setting in ${TIMEDB_INSTANCE_SETTINGS:-}; do export "${setting?}"; done
    cd "$app"
    exec setsid bash -c '
      while [ ! -f "$0/stopping" ]; do
        dotnet ./TimeDb.Api.dll --urls "http://127.0.0.1:$2" >>"$0/logs/api-$1.log" 2>&1 &
        echo $! > "$0/instances/$1.pid"
        wait $!
        [ -f "$0/stopping" ] || { echo "$(date -Is) instance $1 exited; restarting in 1 s" >>"$0/logs/api-$1.log"; sleep 1; }
      done' "$dir" "$n" "$port" </dev/null >/dev/null 2>&1 &
    echo $! > "$dir/instances/$n.supervisor"
  )
  echo "$port" > "$dir/instances/$n.port"
}

write_pgbouncer_config() { # PG_HOST PG_PORT PG_DB BOUNCER_PORT
  local user
  user=$(service_user)
  mkdir -p "$dir/pgbouncer"
  cat > "$dir/pgbouncer/pgbouncer.ini" <<EOF
; Generated by deploy/scale-out.sh. Transaction pooling: a server connection belongs to a client
; only for one transaction, so the API keeps no session state (no prepared statements, no SET, no
; session advisory locks; statement_timeout is the role's default, see deploy/README.md).
[databases]
$3 = host=$1 port=$2 dbname=$3

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $4
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/pgbouncer/userlist.txt
pool_mode = transaction
default_pool_size = 20
reserve_pool_size = 5
max_client_conn = 2000
server_reset_query =
; Npgsql sends the statement timeout as a startup option; PgBouncer cannot keep it per client.
ignore_startup_parameters = extra_float_digits,options
stats_users = ${3}_api
logfile = $dir/logs/pgbouncer.log
pidfile = $dir/pgbouncer/pgbouncer.pid
$( [ "$(id -u)" = 0 ] && echo "user = $user" )
EOF
  [ "$(id -u)" = 0 ] && chown -R "$user" "$dir/pgbouncer" "$dir/logs/pgbouncer.log"
  return 0
}

write_nginx_config() { # PORT
  local n upstreams="" user_line=""
  for ((n = 1; n <= $(instances); n++)); do
    upstreams+="    server 127.0.0.1:$(cat "$dir/instances/$n.port") max_fails=1 fail_timeout=2s;"$'\n'
  done
  [ "$(id -u)" = 0 ] && user_line="user $(service_user);"
  mkdir -p "$dir/nginx/tmp"
  [ "$(id -u)" = 0 ] && chown "$(service_user)" "$dir/nginx/tmp"
  cat > "$dir/nginx/nginx.conf" <<EOF
# Generated by deploy/scale-out.sh.
$user_line
worker_processes 2;
pid $dir/nginx/nginx.pid;
error_log $dir/logs/nginx-error.log warn;
events { worker_connections 4096; }

http {
    # Method, path and status only: query strings stay out of the logs, as in the API's own.
    log_format timedb '\$time_iso8601 \$request_method \$uri \$status \$body_bytes_sent \$request_time upstream=\$upstream_addr';
    access_log $dir/logs/nginx-access.log timedb;
    client_body_temp_path $dir/nginx/tmp/body;
    proxy_temp_path $dir/nginx/tmp/proxy;
    fastcgi_temp_path $dir/nginx/tmp/fastcgi;
    uwsgi_temp_path $dir/nginx/tmp/uwsgi;
    scgi_temp_path $dir/nginx/tmp/scgi;

    upstream timedb {
$upstreams        keepalive 64;
    }

    server {
        listen 127.0.0.1:$1;
        # The API enforces its own body limits (413 problem answers); nginx only stops the absurd.
        client_max_body_size 600m;
        # Uploads stream to the API, reads stream back: nothing is buffered to disk.
        proxy_request_buffering off;
        proxy_buffering off;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        # A request that never reached an instance (refused connection) goes to the next one. A request
        # an instance was killed in the middle of is not replayed: the client retries (Idempotency-Key).
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 3;
        proxy_connect_timeout 2s;
        proxy_send_timeout 1900s;
        proxy_read_timeout 1900s;
        # Which instance answered: for the tests and for tracing; loopback setup only.
        add_header X-TimeDb-Upstream \$upstream_addr always;
        # No instance answered: the same retryable 503 problem the API gives when its database is away.
        error_page 502 504 = @unavailable;

        location / {
            proxy_pass http://timedb;
        }

        location @unavailable {
            default_type application/problem+json;
            add_header Retry-After 1 always;
            return 503 '{"type":"https://tools.ietf.org/html/rfc9110#section-15.6.4","title":"Service unavailable","status":503,"detail":"No TimeDB API instance answered; retry in 1 s."}';
        }
    }
}
EOF
}

start() {
  [ -f "$dir/nginx/nginx.pid" ] && kill -0 "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null && die "already running in $dir (stop it first)"
  ensure_packages
  local count=${TIMEDB_INSTANCES:-2} port=${TIMEDB_PORT:-8080} app db=${TIMEDB_DATABASE:-timedb}
  local role="${db}_api"
  [[ "$db" =~ ^[a-z_][a-z0-9_]{0,40}$ ]] || die "TIMEDB_DATABASE must be a plain lowercase name"
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || die "TIMEDB_INSTANCES must be 1..99"
  port_free "$port" || die "port $port is in use (set TIMEDB_PORT)"
  rm -f "$dir/stopping"
  mkdir -p "$dir/logs" "$dir/instances" "$dir/secrets"
  chmod 700 "$dir/secrets"
  # As root, PgBouncer and the nginx workers run as $(service_user): they must reach DIR.
  [ "$(id -u)" = 0 ] && chmod o+x "$dir"
  touch "$dir/logs/pgbouncer.log"

  rm -f "$dir/app-dir"
  app=$(app_dir)
  if [ -z "${TIMEDB_APP_DIR:-}" ]; then
    say "publishing TimeDB (Release) into $app"
    dotnet publish TimeDb.Api -c Release -o "$app" -v quiet -nologo >/dev/null || die "publish of TimeDb.Api failed"
    dotnet publish TimeDb.Cli -c Release -o "$app" -v quiet -nologo >/dev/null || die "publish of TimeDb.Cli failed"
  fi
  [ -f "$app/TimeDb.Api.dll" ] && [ -f "$app/timedb.dll" ] || die "$app holds no TimeDb.Api.dll and timedb.dll"
  app=$(cd "$app" && pwd)
  echo "$app" > "$dir/app-dir"

  # The database and the API's role: a password of its own, kept in DIR/secrets (0600).
  local admin
  if [ -n "${TIMEDB_DSN:-}" ]; then
    admin=$TIMEDB_DSN
  else
    say "PostgreSQL (local cluster in $dir/postgres)"
    admin=$(bash deploy/local-postgres.sh start "$dir/postgres")
    touch "$dir/postgres/started-here"
  fi
  [ -f "$dir/secrets/api-password" ] || ( umask 077; head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/secrets/api-password" )
  local password pg_host pg_port
  password=$(secret api-password)
  read -r pg_host pg_port < <(psql -At "$admin" -c "SELECT coalesce(host(inet_server_addr()), '127.0.0.1'), current_setting('port')" | tr '|' ' ')
  psql -q -v ON_ERROR_STOP=1 "$admin" >/dev/null <<SQL
SELECT 'CREATE ROLE $role LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role')\gexec
ALTER ROLE $role WITH LOGIN PASSWORD '$password';
-- Behind PgBouncer a startup option cannot set it per client: the API's statement timeout is the role's.
ALTER ROLE $role SET statement_timeout = '120s';
SELECT 'CREATE DATABASE $db OWNER $role' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db')\gexec
SQL
  local direct="Host=$pg_host;Port=$pg_port;Database=$db;Username=$role;Password=$password"
  ( umask 077
    # Schema changes and the CLI go straight to PostgreSQL (no statement timeout, session state allowed).
    echo "TIMEDB_DSN='$direct'" > "$dir/secrets/cli.env"
    mkdir -p "$dir/pgbouncer"
    echo "\"$role\" \"$password\"" > "$dir/pgbouncer/userlist.txt" )

  say "schema (migrations run before any instance starts)"
  run_cli create tables --with-users -y >&2

  say "PgBouncer (transaction pooling)"
  local bouncer_port
  bouncer_port=$(free_port)
  echo "$bouncer_port" > "$dir/pgbouncer.port"
  write_pgbouncer_config "$pg_host" "$pg_port" "$db" "$bouncer_port"
  # Daemons get no terminal and no pipe of ours: a caller reading our output must see it end.
  pgbouncer -d "$dir/pgbouncer/pgbouncer.ini" </dev/null >>"$dir/logs/pgbouncer-start.log" 2>&1 || die "PgBouncer did not start (see $dir/logs/pgbouncer.log)"
  for _ in $(seq 50); do port_free "$bouncer_port" || break; sleep 0.1; done
  ( umask 077
    # No Reset On Close: PgBouncer hands the server connection on after each transaction anyway.
    # Max Auto Prepare=0: PgBouncer 1.18 (Debian 12) does not carry prepared statements across transactions.
    echo "TIMEDB_DSN='Host=127.0.0.1;Port=$bouncer_port;Database=$db;Username=$role;Password=$password;No Reset On Close=true;Max Auto Prepare=0;Maximum Pool Size=50'"
    echo "ASPNETCORE_ENVIRONMENT=Production"
  ) > "$dir/secrets/api.env"
  chmod 600 "$dir/secrets/api.env"

  say "$count API instance(s)"
  echo "$count" > "$dir/instances/count"
  local n instance_port
  for ((n = 1; n <= count; n++)); do
    instance_port=$(free_port)
    start_instance "$n" "$instance_port"
  done
  for ((n = 1; n <= count; n++)); do
    wait_http "http://127.0.0.1:$(cat "$dir/instances/$n.port")/health/ready" 60 \
      || { tail -n 30 "$dir/logs/api-$n.log" >&2; die "API instance $n did not become ready"; }
  done

  say "nginx on 127.0.0.1:$port"
  echo "$port" > "$dir/nginx.port"
  write_nginx_config "$port"
  nginx -t -q -c "$dir/nginx/nginx.conf" -p "$dir/nginx" </dev/null >>"$dir/logs/nginx-start.log" 2>&1 \
    || { cat "$dir/logs/nginx-start.log" >&2; die "nginx refused its configuration"; }
  nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" </dev/null >>"$dir/logs/nginx-start.log" 2>&1 \
    || { cat "$dir/logs/nginx-start.log" >&2; die "nginx did not start"; }
  wait_http "http://127.0.0.1:$port/health/ready" 20 || die "nginx does not answer on 127.0.0.1:$port (see $dir/logs/nginx-error.log)"

  say "demo user"
  local tenant=00000000-0000-0000-0000-00000000d3e0 email=demo@timedb.local out
  if out=$(run_cli users create --tenant-id "$tenant" --email "$email" --tier unlimited 2>&1); then
    echo "$out"
  elif grep -q "already exists" <<<"$out"; then
    run_cli users regenerate-key --tenant-id "$tenant" --email "$email" -y
  else
    echo "$out" >&2; die "could not create the demo user"
  fi
  echo "TimeDB: http://127.0.0.1:$port ($count instances behind nginx, PgBouncer on 127.0.0.1:$bouncer_port)"
  echo "Send the key as the X-API-Key header. Stop with: deploy/scale-out.sh stop $dir"
}

run_cli() {
  [ -f "$dir/secrets/cli.env" ] || die "no setup in $dir (run start first)"
  ( set -a; . "$dir/secrets/cli.env"; set +a; dotnet "$(app_dir)/timedb.dll" "$@" )
}

stop() {
  touch "$dir/stopping"
  if [ -f "$dir/nginx/nginx.pid" ]; then
    nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -s quit 2>/dev/null || kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
  fi
  local n pid
  for ((n = 1; n <= $(instances); n++)); do
    [ -f "$dir/instances/$n.supervisor" ] && kill "$(cat "$dir/instances/$n.supervisor")" 2>/dev/null || true
    [ -f "$dir/instances/$n.pid" ] && kill "$(cat "$dir/instances/$n.pid")" 2>/dev/null || true
  done
  for ((n = 1; n <= $(instances); n++)); do
    pid=$(cat "$dir/instances/$n.pid" 2>/dev/null || true)
    for _ in $(seq 100); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
  [ -f "$dir/pgbouncer/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer/pgbouncer.pid")" 2>/dev/null || true
  for _ in $(seq 50); do [ -f "$dir/nginx/nginx.pid" ] || break; sleep 0.1; done
  if [ -f "$dir/postgres/started-here" ]; then
    bash deploy/local-postgres.sh stop "$dir/postgres"
  fi
  rm -f "$dir/nginx/nginx.pid" "$dir/pgbouncer/pgbouncer.pid"
  echo "stopped (data kept in $dir; remove the directory to start afresh)"
}

status() {
  local n pid state
  echo "nginx: http://127.0.0.1:$(cat "$dir/nginx.port" 2>/dev/null || echo '?') (pid $(cat "$dir/nginx/nginx.pid" 2>/dev/null || echo none))"
  echo "pgbouncer: 127.0.0.1:$(cat "$dir/pgbouncer.port" 2>/dev/null || echo '?') (pid $(cat "$dir/pgbouncer/pgbouncer.pid" 2>/dev/null || echo none))"
  for ((n = 1; n <= $(instances); n++)); do
    pid=$(cat "$dir/instances/$n.pid" 2>/dev/null || echo none)
    state=down; kill -0 "$pid" 2>/dev/null && state=up
    echo "api $n: http://127.0.0.1:$(cat "$dir/instances/$n.port") pid $pid $state (log $dir/logs/api-$n.log)"
  done
}

kill_instance() {
  [[ "$victim" =~ ^[0-9]+$ ]] && [ "$victim" -ge 1 ] && [ "$victim" -le "$(instances)" ] || die "no API instance $victim (1..$(instances))"
  local pid
  pid=$(cat "$dir/instances/$victim.pid")
  kill -9 "$pid" 2>/dev/null || die "instance $victim (pid $pid) is not running"
  echo "killed API instance $victim (pid $pid); its supervisor restarts it in 1 s"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_instance ;;
  cli) ensure_packages >/dev/null; run_cli "${cli_args[@]}" ;;
  *) die "usage: $0 start|stop|status|kill N|cli ARGS… [DIR]" ;;
esac
