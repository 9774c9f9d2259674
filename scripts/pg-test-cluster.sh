#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store tests on the PostgreSQL backend. Installs
# PostgreSQL when missing, creates a cluster in a temporary folder (superuser chevet_admin with a
# random password, scram-sha-256 everywhere, TCP only over TLS with a certificate from a throwaway
# CA), starts it on a free port of 127.0.0.1, creates the database chevet, and exports:
#   CHEVET_TEST_PG_URL  postgres://chevet_admin:<password>@127.0.0.1:<port>/chevet
#   CHEVET_TEST_PG_CA   the throwaway CA certificate (PEM) the server certificate chains to
#   CHEVET_REQUIRE_PG=1 (the PostgreSQL half of the store tests may not be skipped)
# Two uses:
#   - sourced by scripts/test.sh (after PEER_PIDS exists): starts the cluster and adds the
#     server's PID to PEER_PIDS. The server is no child of the shell (pg_ctl detaches it, and as
#     root it runs as the postgres user), so kill + wait cannot stop it: the caller's stop_peers
#     calls pg_test_cluster_stop, which stops it, takes its PID out of PEER_PIDS and deletes
#     the folder.
#   - run: `scripts/pg-test-cluster.sh run -- <command…>` starts the cluster, runs the command
#     with the variables exported, stops the cluster (also on failure or Ctrl-C) and exits with
#     the command's status; e.g. `scripts/pg-test-cluster.sh run -- cargo test store`.
# Speed over durability (fsync off…): never for real data.

# The unprivileged user the server runs as when we are root (initdb refuses root), else empty.
PG_TEST_SERVER_USER=""
# The PostgreSQL programs' folder, the cluster's temporary folder, the server's PID.
PG_TEST_BIN=""
PG_TEST_DIR=""
PG_TEST_PID=""

# Runs a PostgreSQL program as the server's user, from the cluster folder.
pg_test_cluster_as_server() {
  pg_run_as "$PG_TEST_SERVER_USER" "$PG_TEST_DIR" "$@"
}

# A TCP port of 127.0.0.1 free right now.
pg_test_cluster_free_port() {
  local port=""
  if command -v python3 >/dev/null 2>&1; then
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)" || port=""
  fi
  while [ -z "$port" ]; do
    port=$((20000 + RANDOM % 40000))
    if ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then port=""; fi
  done
  echo "$port"
}

# openssl, its chatter kept in the cluster folder and shown only when it fails.
pg_test_cluster_openssl() {
  openssl "$@" 2>>"$PG_TEST_DIR/openssl.log" || { cat "$PG_TEST_DIR/openssl.log" >&2; return 1; }
}

# Creates, starts and checks the cluster; exports the variables. Anything failing fails the
# caller (set -e); what was created is then removed by pg_test_cluster_stop.
pg_test_cluster_start() {
  # 1. PostgreSQL, newest version first on PATH.
  PG_TEST_BIN="$(pg_programs)"
  PATH="$PG_TEST_BIN:$PATH"
  command -v openssl >/dev/null 2>&1 || ensure_apt_packages openssl

  # 2. The folder (in /tmp: the socket path must stay short and the server's user reach it),
  # the cluster, its superuser.
  if [ "$(id -u)" -eq 0 ]; then
    PG_TEST_SERVER_USER=postgres
    id -u postgres >/dev/null 2>&1 \
      || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
  fi
  PG_TEST_DIR="$(mktemp -d /tmp/chevet-pg.XXXXXXXX)"
  chmod 0755 "$PG_TEST_DIR"
  if [ -n "$PG_TEST_SERVER_USER" ]; then chown "$PG_TEST_SERVER_USER:" "$PG_TEST_DIR"; fi
  local data="$PG_TEST_DIR/data" tls="$PG_TEST_DIR/tls" password port
  password="$(openssl rand -hex 24)"
  (umask 077 && printf '%s\n' "$password" >"$PG_TEST_DIR/pwfile")
  if [ -n "$PG_TEST_SERVER_USER" ]; then chown "$PG_TEST_SERVER_USER:" "$PG_TEST_DIR/pwfile"; fi
  pg_test_cluster_as_server "$PG_TEST_BIN/initdb" -D "$data" -U chevet_admin -A scram-sha-256 \
    --pwfile="$PG_TEST_DIR/pwfile" -E UTF8 --no-locale --no-sync >"$PG_TEST_DIR/initdb.log" 2>&1 \
    || { cat "$PG_TEST_DIR/initdb.log" >&2; echo "initdb failed" >&2; return 1; }
  rm -f "$PG_TEST_DIR/pwfile"

  # 3. TLS: a throwaway CA, a server certificate for localhost / 127.0.0.1 signed by it.
  mkdir -m 0755 "$tls"
  pg_test_cluster_openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" -days 2 -subj "/CN=Chevet throwaway test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  pg_test_cluster_openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=localhost"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$tls/server.ext"
  pg_test_cluster_openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -sha256 -extfile "$tls/server.ext" -out "$tls/server.crt"
  rm -f "$tls/ca.key" "$tls/ca.srl" "$tls/server.csr" "$tls/server.ext"
  chmod 0644 "$tls/ca.pem" "$tls/server.crt"
  chmod 0600 "$tls/server.key"
  if [ -n "$PG_TEST_SERVER_USER" ]; then chown "$PG_TEST_SERVER_USER:" "$tls/server.key"; fi

  # 4. Settings, access rules (scram-sha-256; TCP only over TLS), start on a free port.
  port="$(pg_test_cluster_free_port)"
  cat >>"$data/postgresql.conf" <<EOF

# Chevet throwaway test cluster (scripts/pg-test-cluster.sh)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_TEST_DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
ssl = on
ssl_cert_file = '$tls/server.crt'
ssl_key_file = '$tls/server.key'
EOF
  cat >"$data/pg_hba.conf" <<EOF
# Chevet throwaway test cluster (scripts/pg-test-cluster.sh)
local   all  all                scram-sha-256
hostssl all  all  127.0.0.1/32  scram-sha-256
hostssl all  all  ::1/128       scram-sha-256
EOF
  pg_test_cluster_as_server "$PG_TEST_BIN/pg_ctl" start -D "$data" -l "$PG_TEST_DIR/server.log" -W -s

  # 6. Ready within ~10 s; the PID is the server's own (postmaster.pid, first line).
  local ready=""
  for _ in $(seq 1 100); do
    if [ -z "$PG_TEST_PID" ] && [ -s "$data/postmaster.pid" ]; then
      PG_TEST_PID="$(head -n 1 "$data/postmaster.pid")"
      if [[ "$PG_TEST_PID" =~ ^[0-9]+$ ]]; then PEER_PIDS+=("$PG_TEST_PID"); else PG_TEST_PID=""; fi
    fi
    if "$PG_TEST_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; then ready=1; break; fi
    if [ -n "$PG_TEST_PID" ] && ! kill -0 "$PG_TEST_PID" 2>/dev/null; then break; fi # died
    sleep 0.1
  done
  if [ -z "$ready" ] || [ -z "$PG_TEST_PID" ]; then
    cat "$PG_TEST_DIR/server.log" >&2
    echo "PostgreSQL did not start" >&2
    return 1
  fi

  # 5. The database, the variables; then one query as the tests connect: TCP, TLS, CA checked.
  PGPASSWORD="$password" "$PG_TEST_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    "host=$PG_TEST_DIR port=$port user=chevet_admin dbname=postgres" \
    -c "CREATE DATABASE chevet OWNER chevet_admin"
  export CHEVET_TEST_PG_URL="postgres://chevet_admin:$password@127.0.0.1:$port/chevet"
  export CHEVET_TEST_PG_CA="$tls/ca.pem"
  export CHEVET_REQUIRE_PG=1
  "$PG_TEST_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
    "$CHEVET_TEST_PG_URL?sslmode=verify-full&sslrootcert=$CHEVET_TEST_PG_CA" \
    -c "SELECT 1" >/dev/null \
    || { cat "$PG_TEST_DIR/server.log" >&2; echo "PostgreSQL over TLS (verify-full) failed" >&2; return 1; }
  echo "PostgreSQL $("$PG_TEST_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (PID $PG_TEST_PID, $PG_TEST_DIR)"
}

# Stops the server (fast shutdown, waiting for it), takes its PID out of PEER_PIDS and removes
# the folder. Never fails; does nothing when no cluster was created or it is already stopped.
pg_test_cluster_stop() {
  [ -n "$PG_TEST_DIR" ] || return 0
  local data="$PG_TEST_DIR/data" pid="$PG_TEST_PID" p kept=()
  if [ -z "$pid" ] && [ -s "$data/postmaster.pid" ]; then
    pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || pid=""
  fi
  pg_stop "$PG_TEST_SERVER_USER" "$PG_TEST_DIR" "$PG_TEST_BIN" "$data" "$pid"
  for p in ${PEER_PIDS[@]+"${PEER_PIDS[@]}"}; do
    if [ "$p" != "$pid" ]; then kept+=("$p"); fi
  done
  PEER_PIDS=(${kept[@]+"${kept[@]}"})
  rm -rf "$PG_TEST_DIR" || true
  PG_TEST_DIR=""
  PG_TEST_PID=""
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Standalone: run -- <command…>.
  set -euo pipefail
  # shellcheck source=scripts/lib.sh
  source "$(dirname "$0")/lib.sh"
  if [ "$#" -lt 3 ] || [ "$1" != run ] || [ "$2" != -- ]; then
    echo "usage: $0 run -- <command…>   (runs the command against a throwaway PostgreSQL cluster)" >&2
    exit 2
  fi
  shift 2
  PEER_PIDS=()
  trap pg_test_cluster_stop EXIT
  pg_test_cluster_start
  status=0
  "$@" || status=$?
  exit "$status"
else
  # Sourced (scripts/test.sh): start now; the caller's stop_peers calls pg_test_cluster_stop.
  # shellcheck source=scripts/lib.sh
  declare -F ensure_apt_packages >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
  declare -p PEER_PIDS >/dev/null 2>&1 || PEER_PIDS=()
  pg_test_cluster_start
fi
