#!/usr/bin/env bash
# minequiz in one command:
#   ./dev.sh run    install, migrate, load the lessons, serve on http://127.0.0.1:5000
#   ./dev.sh test   install (Chromium included), then run the whole test suite
#   ./dev.sh test-postgres   the same suite against a throw-away PostgreSQL server
#   ./dev.sh benchmark       the load benchmark (gunicorn, wrk) on SQLite and PostgreSQL
# It needs Python 3.11+ and works in a virtual environment (.venv, or $MINEQUIZ_VENV).
set -euo pipefail
cd "$(dirname "$0")"
VENV=${MINEQUIZ_VENV:-.venv}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

find_python() {
  for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "minequiz needs Python 3.11 or newer." >&2; exit 1
}

setup() {
  local extras=$1
  if [ ! -x "$VENV/bin/python" ]; then
    local python; python=$(find_python)
    say "Creating the virtual environment in $VENV"
    if ! "$python" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      say "Installing Debian's python3-venv"
      apt_install python3-venv || { echo "Install python3-venv (apt-get install python3-venv) and try again." >&2; exit 1; }
      "$python" -m venv "$VENV"
    fi
  fi
  say "Installing minequiz and its dependencies"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".$extras"
  say "Compiling the translations"
  "$VENV/bin/flask" --app minequiz translate compile
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Debian's Chromium for the browser tests"
    apt_install chromium || { echo "Install Chromium (apt-get install chromium) and try again." >&2; exit 1; }
  fi
}

# A throw-away PostgreSQL server on loopback (Debian's package), stopped when the script
# ends; sets MINEQUIZ_TEST_POSTGRES to its URL.
# A throw-away server for the tests: without fsync, since nothing in it needs to survive a
# crash. `start_postgres durable` keeps PostgreSQL's default durability (the benchmark
# measures what a real deployment would do).
start_postgres() {
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ "${1:-}" = durable ]; then durability=""; fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "Installing Debian's PostgreSQL"
    apt_install postgresql || { echo "Install PostgreSQL (apt-get install postgresql) and try again." >&2; exit 1; }
  fi
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PG_DIR=$(mktemp -d)
  PG_PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local as_owner=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; as_owner=(su postgres -s /bin/sh -c); else as_owner=(sh -c); fi
  PG_STOP=("${as_owner[@]}" "$bin/pg_ctl -D $PG_DIR/data -m immediate stop")
  say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
  "${as_owner[@]}" "$bin/initdb -D $PG_DIR/data -U postgres -A trust -E UTF8 --no-locale" >/dev/null
  "${as_owner[@]}" "$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w start -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR $durability -c max_connections=200'" >/dev/null
  trap stop_postgres EXIT
  export MINEQUIZ_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT"
}

stop_postgres() {
  "${PG_STOP[@]}" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

# axe-core, the accessibility checker the browser tests run in each page (from npm).
ensure_axe() {
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null 2>&1; then
      say "Installing Debian's npm"
      apt_install npm || { echo "Install npm (apt-get install npm) and try again." >&2; exit 1; }
    fi
    say "Installing axe-core for the accessibility tests"
    npm install --no-save --no-package-lock --silent axe-core@4
  fi
}

case "${1:-}" in
  run)
    setup ""
    say "Creating or upgrading the database"
    "$VENV/bin/flask" --app minequiz db upgrade
    say "Loading the lessons"
    "$VENV/bin/flask" --app minequiz content load
    say "minequiz is at http://127.0.0.1:5000 (Ctrl+C stops it)"
    exec "$VENV/bin/flask" --app minequiz run --host 127.0.0.1 --port 5000
    ;;
  test)
    setup "[test]"
    ensure_chromium
    ensure_axe
    shift
    say "Checking the code style (ruff)"
    "$VENV/bin/ruff" check minequiz tests benchmarks
    "$VENV/bin/ruff" format --check -q minequiz tests benchmarks
    say "Checking for security mistakes (bandit)"
    "$VENV/bin/bandit" -q -r minequiz
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  test-postgres)
    setup "[test]"
    ensure_chromium
    ensure_axe
    shift
    start_postgres
    say "Running the tests against PostgreSQL"
    "$VENV/bin/python" -m pytest "$@"
    ;;
  benchmark)
    setup "[test]"
    shift
    if ! command -v wrk >/dev/null 2>&1; then
      say "Installing Debian's wrk"
      apt_install wrk || { echo "Install wrk (apt-get install wrk) and try again." >&2; exit 1; }
    fi
    start_postgres durable
    export MINEQUIZ_BENCH_POSTGRES="$MINEQUIZ_TEST_POSTGRES"
    "$VENV/bin/python" benchmarks/load.py "$@"
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest options] | ./dev.sh test-postgres [pytest options] | ./dev.sh benchmark [options]" >&2
    exit 2
    ;;
esac
