#!/usr/bin/env bash
# Establishment mode on one machine: starts a local PostgreSQL, `chevet serve` and two Chevet
# windows on the sandbox services, so that anyone can see two workstations share one record.
# Installs what it needs on a Debian machine (build and window-system packages, PostgreSQL,
# keyutils, the PDF engine), builds Chevet, and is idempotent: the demo cluster, its TLS
# certificates, roles and passwords are made once and reused by later runs.
#
#   ./scripts/run-establishment.sh                 PostgreSQL + chevet serve + two windows
#   ./scripts/run-establishment.sh --no-windows    PostgreSQL + chevet serve only (headless)
#   ./scripts/run-establishment.sh --reset         removes the demo (cluster, caches, secrets)
#   Other arguments go to both windows (e.g. --lang en).
#   Environment: CHEVET_DEMO_PG_PORT (default 54329), CHEVET_DEMO_DIR (the demo folder).
#
# What runs where:
#   - PostgreSQL on 127.0.0.1:$CHEVET_DEMO_PG_PORT, TLS only (a demo CA, a server certificate
#     for localhost and 127.0.0.1), scram-sha-256, database `chevet` (C collation, as the
#     establishment's must be: docs/decisions.md, 42). Its folder is <demo>/pg; as root it is
#     /var/lib/postgresql/chevet-establishment-demo, since the server runs as the `postgres`
#     user (initdb refuses root) and cannot enter /root.
#   - Roles: `chevet_admin` (the cluster's superuser, for this script's setup only),
#     `chevet_owner` (owns the database; `chevet serve` logs in with it and migrates), the group
#     role `chevet_workstation` (made here by the administrator so that the owner needs no
#     CREATEROLE; `chevet serve` grants it the record after each migration) and `chevet_ws`,
#     the workstations' login role, member of `chevet_workstation`. Random passwords, made
#     once, kept owner-only under <demo>/secrets and <demo>/credentials.
#   - `chevet serve --config <demo>/serve.toml`, `mode = "sandbox"`: it migrates the record and
#     seeds the sandbox's demo patients and accounts into it once. Its password comes the
#     systemd way: $CREDENTIALS_DIRECTORY/shared-record (here <demo>/credentials).
#   - Two windows `chevet --config <demo>/workstation.toml --data-dir <demo>/workstation-a|b`:
#     separate data folders, so separate encrypted caches (degraded mode). Their password is
#     put in the OS keyring with `chevet auth set-credential shared-record`, inside a keyutils
#     session keyring that this script makes for itself and its children (`keyctl new_session`)
#     and that disappears with them. On a desktop with a Secret Service (GNOME keyring,
#     KWallet) the entry goes there instead, and stays: it holds the demo password only.
#     The caches' own keys go where Chevet puts them by default: the Secret Service, else an
#     owner-only key file in each data folder (said on screen), since a session keyring would
#     not outlive the run and the caches are reused by the next one.
#   - The record (patients, information/opposition, documents, audit trail) is the shared one.
#     The DMP, Pro Santé Connect and the hospital's identity provider are not: in sandbox mode
#     each window starts its own simulators, so the two windows' DMPs are separate sandboxes.
#
# Every process this script starts (PostgreSQL, chevet serve, the windows) is stopped when it
# ends: both windows closed, Ctrl-C, or SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

usage() {
  cat <<'EOF'
Usage: scripts/run-establishment.sh [--no-windows | --reset] [window options, e.g. --lang en]
  (no option)    PostgreSQL + chevet serve + two windows sharing one record
  --no-windows   PostgreSQL + chevet serve only (headless machines)
  --reset        removes the demo (cluster, caches, secrets), then exits
Environment: CHEVET_DEMO_PG_PORT (default 54329), CHEVET_DEMO_DIR (the demo folder).
EOF
}

NO_WINDOWS=""
RESET=""
WINDOW_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-windows) NO_WINDOWS=1 ;;
    --reset) RESET=1 ;;
    -h | --help) usage; exit 0 ;;
    *) WINDOW_ARGS+=("$arg") ;;
  esac
done

PORT="${CHEVET_DEMO_PG_PORT:-54329}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1024 ] || [ "$PORT" -gt 65535 ]; then
  echo "CHEVET_DEMO_PG_PORT must be a port number (1024-65535)" >&2
  exit 2
fi
DEMO_DIR="${CHEVET_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/chevet/establishment-demo}"
SERVER_USER=""
PG_DIR="$DEMO_DIR/pg"
if [ "$(id -u)" -eq 0 ]; then
  SERVER_USER=postgres
  PG_DIR=/var/lib/postgresql/chevet-establishment-demo
fi
PG_DATA="$PG_DIR/data"
BIN="$PWD/target/release/chevet"

# Runs a PostgreSQL program as the server's user, from the cluster folder.
as_server() {
  pg_run_as "$SERVER_USER" "$PG_DIR" "$@"
}

# The PID of the demo cluster's server when it runs, else nothing.
cluster_pid() {
  local pid
  [ -s "$PG_DATA/postmaster.pid" ] || return 0
  pid="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

# Stops the demo cluster (fast shutdown, waiting for it); does nothing when it is not running.
stop_cluster() {
  local pid
  pid="$(cluster_pid)"
  [ -n "$pid" ] || return 0
  pg_stop "$SERVER_USER" "$PG_DIR" "$PG_BIN" "$PG_DATA" "$pid"
}

# PostgreSQL's programs, newest version first (installed when missing).
find_pg_bin() {
  PG_BIN="$(pg_programs)"
  PATH="$PG_BIN:$PATH"
}

# The setup runs as one run at a time: a second run while the first is up would share its
# cluster. The lock is held on file descriptor 9, which the started processes do not inherit.
install -d -m 0700 "$DEMO_DIR"
exec 9>"$DEMO_DIR/.lock"
flock -n 9 || { echo "another run of $0 is using $DEMO_DIR; stop it first" >&2; exit 1; }

if [ -n "$RESET" ]; then
  if [ -d "$PG_DATA" ]; then
    find_pg_bin
    stop_cluster
  fi
  rm -rf "$PG_DIR"
  find "$DEMO_DIR" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  rm -f "$DEMO_DIR/.lock"
  rmdir "$DEMO_DIR" 2>/dev/null || true
  echo "Demo removed ($DEMO_DIR${SERVER_USER:+ and $PG_DIR}). The next run starts afresh."
  exit 0
fi

# 1. What the demo needs: the Rust toolchain, Debian packages, PostgreSQL, the PDF engine.
command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
packages=("${BUILD_PACKAGES[@]}" keyutils openssl curl)
if [ -z "$NO_WINDOWS" ]; then packages+=("${RUNTIME_PACKAGES[@]}"); fi
ensure_apt_packages "${packages[@]}"
find_pg_bin
fetch_pdfium

# A session keyring of our own, inherited by the windows and gone with them (the caller's
# keyrings are left alone). A container may refuse it: the windows then get their password
# another way (step 6).
SESSION_KEYRING=""
if keyctl new_session chevet-establishment-demo >/dev/null 2>&1; then SESSION_KEYRING=1; fi

echo "==> building Chevet (release)"
cargo build --release --locked

# Processes started by this script, stopped (by PID) when it ends.
SERVE_PID=""
WINDOW_PIDS=()
CLUSTER_STARTED=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in ${WINDOW_PIDS[@]+"${WINDOW_PIDS[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in ${WINDOW_PIDS[@]+"${WINDOW_PIDS[@]}"}; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    echo "==> stopping chevet serve (PID $SERVE_PID)"
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    # It gives its jobs 10 s, its runtime 2 s.
    for _ in $(seq 1 150); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  if [ -n "$CLUSTER_STARTED" ]; then
    echo "==> stopping PostgreSQL"
    stop_cluster
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# openssl, its chatter kept in a log and shown only when it fails.
quiet_openssl() {
  openssl "$@" 2>>"$DEMO_DIR/logs/openssl.log" || { cat "$DEMO_DIR/logs/openssl.log" >&2; return 1; }
}

# A random password in an owner-only file, made once.
ensure_secret() {
  [ -s "$1" ] || (umask 077 && openssl rand -hex 24 >"$1")
}

# 2. Folders, secrets, the demo CA (made once; the server certificate is renewed when it
# expires within a day).
install -d -m 0700 "$DEMO_DIR/secrets" "$DEMO_DIR/credentials" "$DEMO_DIR/tls" "$DEMO_DIR/logs"
ensure_secret "$DEMO_DIR/secrets/admin-password"
ensure_secret "$DEMO_DIR/credentials/shared-record"     # chevet_owner's, read by chevet serve
ensure_secret "$DEMO_DIR/secrets/workstation-password"  # chevet_ws's, put in the keyring
CA="$DEMO_DIR/tls/ca.pem"
if [ ! -s "$CA" ] || [ ! -s "$DEMO_DIR/tls/ca.key" ]; then
  echo "==> demo certificate authority"
  (umask 077 && quiet_openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -keyout "$DEMO_DIR/tls/ca.key" -out "$CA" -days 3650 \
    -subj "/CN=Chevet establishment demo CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")
  chmod 0644 "$CA"
  rm -f "$PG_DIR/tls/server.crt"
fi

if [ -n "$SERVER_USER" ]; then
  id -u "$SERVER_USER" >/dev/null 2>&1 \
    || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$SERVER_USER"
fi
if [ ! -d "$PG_DIR" ]; then
  install -d -m 0700 "$PG_DIR"
  if [ -n "$SERVER_USER" ]; then chown "$SERVER_USER:" "$PG_DIR"; fi
fi
as_server mkdir -p -m 0700 "$PG_DIR/tls"
if ! as_server test -s "$PG_DIR/tls/server.crt" \
  || ! as_server openssl x509 -checkend 86400 -noout -in "$PG_DIR/tls/server.crt" >/dev/null 2>&1; then
  echo "==> server certificate for localhost / 127.0.0.1"
  tmp="$(mktemp -d)"
  quiet_openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" -subj "/CN=localhost"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$tmp/server.ext"
  quiet_openssl x509 -req -in "$tmp/server.csr" -CA "$CA" -CAkey "$DEMO_DIR/tls/ca.key" \
    -CAcreateserial -CAserial "$tmp/ca.srl" -days 825 -sha256 -extfile "$tmp/server.ext" \
    -out "$tmp/server.crt"
  install -m 0644 ${SERVER_USER:+-o "$SERVER_USER"} "$tmp/server.crt" "$PG_DIR/tls/server.crt"
  install -m 0600 ${SERVER_USER:+-o "$SERVER_USER"} "$tmp/server.key" "$PG_DIR/tls/server.key"
  rm -rf "$tmp"
fi

# 3. The cluster, made once: C locale, UTF-8, scram-sha-256, superuser chevet_admin.
if [ ! -s "$PG_DATA/PG_VERSION" ]; then
  echo "==> creating the demo PostgreSQL cluster in $PG_DATA"
  pwfile="$PG_DIR/admin-password"
  install -m 0600 ${SERVER_USER:+-o "$SERVER_USER"} "$DEMO_DIR/secrets/admin-password" "$pwfile"
  as_server "$PG_BIN/initdb" -D "$PG_DATA" -U chevet_admin -A scram-sha-256 --pwfile="$pwfile" \
    -E UTF8 --no-locale >"$DEMO_DIR/logs/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; cat "$DEMO_DIR/logs/initdb.log" >&2; echo "initdb failed" >&2; exit 1; }
  rm -f "$pwfile"
  printf '\n# Chevet establishment demo (scripts/run-establishment.sh)\ninclude_if_exists = %s\n' \
    "'chevet-demo.conf'" | as_server tee -a "$PG_DATA/postgresql.conf" >/dev/null
  # Who may connect: TCP over TLS only, passwords as SCRAM; the administrator from here only.
  as_server tee "$PG_DATA/pg_hba.conf" >/dev/null <<'EOF'
# Chevet establishment demo (scripts/run-establishment.sh): TLS only, scram-sha-256.
hostssl chevet  chevet_owner         127.0.0.1/32  scram-sha-256
hostssl chevet  +chevet_workstation  127.0.0.1/32  scram-sha-256
hostssl all     chevet_admin         127.0.0.1/32  scram-sha-256
EOF
fi
# Settings rewritten on each run (the port may have changed). No Unix socket: TCP + TLS only.
as_server tee "$PG_DATA/chevet-demo.conf" >/dev/null <<EOF
# Written by scripts/run-establishment.sh on each run.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
max_connections = 50
password_encryption = 'scram-sha-256'
ssl = on
ssl_min_protocol_version = 'TLSv1.2'
ssl_cert_file = '$PG_DIR/tls/server.crt'
ssl_key_file = '$PG_DIR/tls/server.key'
EOF

# 4. Start it (or take over a server left by an interrupted run), wait until it answers.
if [ -n "$(cluster_pid)" ]; then
  echo "==> the demo PostgreSQL is already running (left by an earlier run): restarting it"
  stop_cluster
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port 127.0.0.1:$PORT is taken by another program; choose another with CHEVET_DEMO_PG_PORT" >&2
  exit 1
fi
echo "==> starting PostgreSQL on 127.0.0.1:$PORT"
CLUSTER_STARTED=1
as_server "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_DIR/server.log" -w -t 60 -s 9>&- \
  || { as_server tail -n 30 "$PG_DIR/server.log" >&2; echo "PostgreSQL did not start" >&2; exit 1; }
ready=""
for _ in $(seq 1 100); do
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 1; then ready=1; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { as_server tail -n 30 "$PG_DIR/server.log" >&2; echo "PostgreSQL does not answer" >&2; exit 1; }

# 5. Database and roles (idempotent; the passwords are set again from their files). The SQL
# goes through standard input: no password on a command line.
admin_psql() {
  local db="$1"
  shift
  PGPASSWORD="$(cat "$DEMO_DIR/secrets/admin-password")" "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
    "host=127.0.0.1 port=$PORT user=chevet_admin dbname=$db sslmode=verify-full sslrootcert=$CA" "$@"
}
owner_password="$(cat "$DEMO_DIR/credentials/shared-record")"
workstation_password="$(cat "$DEMO_DIR/secrets/workstation-password")"
admin_psql postgres -f - <<EOF
SET client_min_messages = warning;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chevet_owner') THEN
    CREATE ROLE chevet_owner LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chevet_workstation') THEN
    CREATE ROLE chevet_workstation NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chevet_ws') THEN
    CREATE ROLE chevet_ws LOGIN;
  END IF;
END
\$\$;
ALTER ROLE chevet_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$owner_password';
ALTER ROLE chevet_ws LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$workstation_password';
GRANT chevet_workstation TO chevet_ws;
SELECT 'CREATE DATABASE chevet OWNER chevet_owner TEMPLATE template0 ENCODING ''UTF8'' '
       'LC_COLLATE ''C'' LC_CTYPE ''C'''
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'chevet') \gexec
REVOKE ALL ON DATABASE chevet FROM PUBLIC;
GRANT CONNECT ON DATABASE chevet TO chevet_workstation;
EOF
admin_psql chevet -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC"
unset owner_password

# 6. Configuration files (rewritten on each run). Without any keyring the workstations' password
# has nowhere else to go but their configuration file, owner-only (said below).
cat >"$DEMO_DIR/serve.toml" <<EOF
# Written by scripts/run-establishment.sh: chevet serve of the establishment demo.
mode = "sandbox"

[shared_record]
url = "postgres://chevet_owner@127.0.0.1:$PORT/chevet"
ca_file = "$CA"
EOF
workstation_url="postgres://chevet_ws@127.0.0.1:$PORT/chevet"
PASSWORD_IN_KEYRING=""
if [ -z "$NO_WINDOWS" ]; then
  if "$BIN" auth set-credential shared-record <"$DEMO_DIR/secrets/workstation-password" \
    >"$DEMO_DIR/logs/set-credential.log" 2>&1; then
    PASSWORD_IN_KEYRING=1
  else
    if [ -z "$SESSION_KEYRING" ]; then echo "warning: no session keyring could be made here" >&2; fi
    echo "warning: no usable OS keyring ($(tail -n 1 "$DEMO_DIR/logs/set-credential.log"));" \
      "the workstations' demo password goes in workstation.toml instead" >&2
    workstation_url="postgres://chevet_ws:$workstation_password@127.0.0.1:$PORT/chevet"
  fi
fi
(umask 077 && cat >"$DEMO_DIR/workstation.toml" <<EOF
# Written by scripts/run-establishment.sh: the two workstations of the establishment demo.
mode = "sandbox"

[shared_record]
url = "$workstation_url"
ca_file = "$CA"
EOF
)
unset workstation_password workstation_url

# 7. chevet serve: migrates, seeds the demo data once, then announces READY.
echo "==> starting chevet serve"
install -d -m 0700 "$DEMO_DIR/serve"
: >"$DEMO_DIR/logs/serve.out"
CREDENTIALS_DIRECTORY="$DEMO_DIR/credentials" setsid "$BIN" serve --config "$DEMO_DIR/serve.toml" \
  --data-dir "$DEMO_DIR/serve" --status-port 0 \
  >"$DEMO_DIR/logs/serve.out" 2>"$DEMO_DIR/logs/serve.log" 9>&- &
SERVE_PID=$!
STATUS_URL=""
for _ in $(seq 1 1200); do
  STATUS_URL="$(awk '/^READY /{print $2; exit}' "$DEMO_DIR/logs/serve.out")"
  [ -z "$STATUS_URL" ] || break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$STATUS_URL" ]; then
  tail -n 30 "$DEMO_DIR/logs/serve.log" >&2
  echo "chevet serve did not become ready within 2 minutes (log: $DEMO_DIR/logs/serve.log)" >&2
  exit 1
fi

if [ -n "$SERVER_USER" ]; then AS_PG="runuser -u $SERVER_USER -- "; else AS_PG=""; fi
STOP_PG="${AS_PG}$PG_BIN/pg_ctl stop -D $PG_DATA -m fast"
START_PG="${AS_PG}$PG_BIN/pg_ctl start -D $PG_DATA -l $PG_DIR/server.log"
cat <<EOF

  PostgreSQL      127.0.0.1:$PORT, database chevet, TLS (CA $CA)
  chevet serve    PID $SERVE_PID, $STATUS_URL/health and $STATUS_URL/status
                  log: $DEMO_DIR/logs/serve.log
  configuration   $DEMO_DIR/serve.toml, $DEMO_DIR/workstation.toml
EOF

if [ -n "$NO_WINDOWS" ]; then
  cat <<EOF

Sans fenêtre / no windows. To open a workstation (a display is needed), in a shell of this
user, put the workstations' password in the keyring once, then start one window per data folder:
  $BIN auth set-credential shared-record < $DEMO_DIR/secrets/workstation-password
  $BIN --config $DEMO_DIR/workstation.toml --data-dir $DEMO_DIR/workstation-a
  $BIN --config $DEMO_DIR/workstation.toml --data-dir $DEMO_DIR/workstation-b
Without a desktop keyring (e.g. over ssh), run the three in one shell that has its own session
keyring: start it with \`keyctl session -\`. Ctrl-C here stops chevet serve and PostgreSQL.
EOF
  wait "$SERVE_PID" || true
  SERVE_PID=""
  echo "chevet serve has stopped (log: $DEMO_DIR/logs/serve.log)" >&2
  exit 1
fi

# 8. Two workstations: same record, separate data folders (separate caches) and separate
# sandbox simulators (DMP, Pro Santé Connect, identity provider).
for ws in a b; do
  install -d -m 0700 "$DEMO_DIR/workstation-$ws"
  setsid "$BIN" --config "$DEMO_DIR/workstation.toml" --data-dir "$DEMO_DIR/workstation-$ws" \
    ${WINDOW_ARGS[@]+"${WINDOW_ARGS[@]}"} >"$DEMO_DIR/logs/workstation-$ws.log" 2>&1 9>&- &
  WINDOW_PIDS+=("$!")
done
where="workstation.toml (no keyring here)"
if [ -n "$PASSWORD_IN_KEYRING" ]; then where="the OS keyring"; fi
cat <<EOF
  poste A         PID ${WINDOW_PIDS[0]}, data $DEMO_DIR/workstation-a
  poste B         PID ${WINDOW_PIDS[1]}, data $DEMO_DIR/workstation-b
                  (role chevet_ws, its password in $where)

À essayer :
  1. Sur les deux postes (les fenêtres sont l'une sur l'autre), onglet « Compte local » :
     connectez-vous avec medecin / chevet-demo.
  2. Ouvrez le même patient sur les deux postes.
  3. Sur le poste A, enregistrez l'information du patient (DMP : information du patient,
     Alt+1…4 puis Ctrl+S) : le poste B l'affiche aussitôt, sans rien faire.
  4. Mode dégradé : arrêtez PostgreSQL, les postes travaillent sur leur copie locale ;
     redémarrez-le, ce qui a été enregistré entre-temps est transmis.
       $STOP_PG
       $START_PG
  Chaque poste a son propre DMP simulé ; le dossier (patients, information, documents,
  traçabilité) est le dossier partagé.
Try this:
  1. On both windows (they open on top of each other), "Compte local" tab: sign in as
     medecin / chevet-demo.
  2. Open the same patient on both.
  3. On window A record the patient's information (DMP panel, Alt+1…4 then Ctrl+S): window B
     shows it at once.
  4. Degraded mode: stop PostgreSQL with the first command above, keep working from each
     workstation's cache, start it again with the second: what was recorded is replayed.
  Each window has its own sandbox DMP; the record is the shared one.
Closing both windows (or Ctrl-C here) stops everything.
EOF
for pid in "${WINDOW_PIDS[@]}"; do wait "$pid" || true; done
WINDOW_PIDS=()
