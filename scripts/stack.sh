#!/usr/bin/env bash
# The local roomsvc stack in one command: virtualenv, MariaDB, Redis, LiveKit and an S3-compatible server
# (versitygw), then the API or tests.
#
#   scripts/stack.sh run            set everything up, then run the API, `roomsvc jobs`, the worker and the
#                                   recorder in the foreground; Ctrl-C stops them and the services this run
#                                   started
#   scripts/stack.sh test [ARGS]    set everything up with services in the background, then pytest ARGS
#   scripts/stack.sh up             set everything up with services in the background, then return
#   scripts/stack.sh venv           only create/refresh .venv
#   scripts/stack.sh client-deps    only install clients/typescript's node_modules (for `make clients`)
#   scripts/stack.sh stop           stop whatever these scripts started (found by the pid files in .run/)
#
# Built for a Debian 12 machine where we are root and there is no systemd: missing packages are
# apt-installed, services are started as plain background processes. Services that were already
# running are used as they are and never stopped. Everything is idempotent; a warm run takes seconds.
# Settings come from .env.example, then .env, then the calling environment (which wins).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUN_DIR="$ROOT/.run"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
UV_VERSION="0.13.9"
LIVEKIT_VERSION="v1.13.5"
GO_MIN_VERSION="1.26" # the `go` directive of livekit-server v1.13.5's go.mod
LIVEKIT_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/roomsvc/livekit-server-$LIVEKIT_VERSION"
LIVEKIT_BIN="$LIVEKIT_CACHE_DIR/server"
LIVEKIT_CONFIG="$ROOT/livekit.yaml"
VERSITYGW_VERSION="v1.8.0"
VERSITYGW_GO_MIN_VERSION="1.25" # the `go` directive of versitygw v1.8.0's go.mod
VERSITYGW_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/roomsvc/versitygw-$VERSITYGW_VERSION"
VERSITYGW_BIN="$VERSITYGW_CACHE_DIR/versitygw"
S3_DATA_DIR="$RUN_DIR/s3" # versitygw's posix backend: one directory per bucket, objects as files
MARIADB_DATADIR="/var/lib/mysql"
MARIADB_RUNDIR="/run/mysqld"

export DEBIAN_FRONTEND=noninteractive
# Bytecode caches (__pycache__, gitignored) are written even where the environment sets
# PYTHONDONTWRITEBYTECODE: without them every one of a test run's ~200 Python processes (API, jobs, CLI
# calls, workers) compiles each module it imports again, roomsvc's own included; `roomsvc jobs` spent
# 2.4 s of CPU on its imports that way and 0.85 s from the caches. .venv's packages are compiled when
# they are installed (ensure_venv), whatever this variable says.
unset PYTHONDONTWRITEBYTECODE

# Services this invocation started, in start order (only `run` stops them again on exit).
STARTED=()
APT_UPDATED=0
T0=$EPOCHREALTIME

# STACK_TIMING=1 prefixes each step with the seconds since start.
step() {
	if [[ "${STACK_TIMING:-0}" == 1 ]]; then
		printf '==> [%5s] %s\n' "$(elapsed)" "$*"
	else
		printf '==> %s\n' "$*"
	fi
}
info() { printf '    %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}
elapsed() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }
is_local_host() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 || "$1" == "[::1]" ]]; }

# --- environment ----------------------------------------------------------------------------------

load_env() {
	[[ -f .env.example ]] || die ".env.example is missing from $ROOT"
	local files=(.env.example) name
	[[ -f .env ]] && files+=(.env)
	# Remember what the caller set explicitly, so that it wins over both files.
	declare -A caller=()
	# shellcheck disable=SC2013 # variable names are single words
	for name in $(sed -n 's/^\(export \)\{0,1\}\([A-Za-z_][A-Za-z0-9_]*\)=.*/\2/p' "${files[@]}" | sort -u); do
		if [[ -n "${!name+x}" ]]; then caller[$name]="${!name}"; fi
	done
	set -a
	# shellcheck disable=SC1090
	for name in "${files[@]}"; do source "./$name"; done
	set +a
	for name in "${!caller[@]}"; do export "$name=${caller[$name]}"; done
	local note=""
	((${#caller[@]})) && note=" (from the caller's environment: ${!caller[*]})"
	step "env: ${files[*]}$note"
}

# Splits a URL into shell variables PREFIX_HOST, _PORT, _USER, _PASSWORD, _NAME (path without '/').
url_vars() {
	"$PY" - "$1" "$2" "$3" <<'EOF'
import shlex, sys
from urllib.parse import unquote, urlsplit
url, prefix, default_port = sys.argv[1], sys.argv[2], sys.argv[3]
u = urlsplit(url)
values = {
    "HOST": u.hostname or "127.0.0.1",
    "PORT": str(u.port or default_port),
    "USER": unquote(u.username or ""),
    "PASSWORD": unquote(u.password or ""),
    "NAME": u.path.lstrip("/"),
}
for key, value in values.items():
    print(f"{prefix}_{key}={shlex.quote(value)}")
EOF
}

# DATABASE_URL with the database name replaced.
url_with_database() {
	"$PY" - "$1" "$2" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit
u = urlsplit(sys.argv[1])
print(urlunsplit(u._replace(path="/" + sys.argv[2])))
EOF
}

# --- packages -------------------------------------------------------------------------------------

apt_install() {
	(($#)) || return 0
	command -v apt-get >/dev/null || die "missing packages ($*) and no apt-get to install them; install them yourself"
	step "apt: installing $*"
	if ((APT_UPDATED == 0)); then
		apt-get update -qq || die "apt-get update failed"
		APT_UPDATED=1
	fi
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null || die "apt-get install $* failed"
}

ensure_packages() {
	local missing=()
	[[ -f /etc/ssl/certs/ca-certificates.crt ]] || missing+=(ca-certificates)
	if is_local_host "$DB_HOST"; then
		command -v mysqld_safe >/dev/null || missing+=(mariadb-server)
		command -v mariadb >/dev/null && command -v mysqladmin >/dev/null || missing+=(mariadb-client)
	fi
	if is_local_host "$REDIS_HOST"; then
		command -v redis-server >/dev/null || missing+=(redis-server)
		command -v redis-cli >/dev/null || missing+=(redis-tools)
	fi
	command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
	# The browser test drives Debian's chromium (never a downloaded browser); only `test` needs it.
	if [[ "${NEED_BROWSER:-0}" == 1 ]] && ! command -v chromium >/dev/null; then
		missing+=(chromium fonts-liberation)
	fi
	# The detection evaluate test synthesises its tiny labelled set with espeak-ng (tests only).
	if [[ "${NEED_BROWSER:-0}" == 1 ]] && ! command -v espeak-ng >/dev/null; then
		missing+=(espeak-ng)
	fi
	apt_install "${missing[@]}"
}

# --- web assets -----------------------------------------------------------------------------------

# web/: `npm ci` when package.json/package-lock.json changed, `npm run build` when they or the sources
# changed (stamps in node_modules/ and dist/). Builds the demo page, the console and the offline Swagger UI.
ensure_web() {
	local want have=""
	want="$(cat web/package.json web/package-lock.json | sha256sum | cut -d' ' -f1)"
	[[ -f web/node_modules/.roomsvc-stamp ]] && have="$(cat web/node_modules/.roomsvc-stamp)"
	if [[ "$want" != "$have" ]]; then
		step "web: npm ci (web/package-lock.json)"
		(cd web && npm ci --no-audit --no-fund --loglevel=error 9>&-) || die "npm ci in web/ failed (see above)"
		printf '%s\n' "$want" >web/node_modules/.roomsvc-stamp
	fi
	# Every file under web/src (the console's sources are in a subfolder), in a stable order.
	want="$(find web/src -type f -print0 | sort -z | xargs -0 cat web/package-lock.json web/scripts/build.mjs |
		sha256sum | cut -d' ' -f1)"
	have=""
	[[ -f web/dist/.roomsvc-stamp ]] && have="$(cat web/dist/.roomsvc-stamp)"
	if [[ "$want" == "$have" ]]; then
		step "web: assets up to date (web/dist)"
		return
	fi
	step "web: npm run build (demo page, console, Swagger UI)"
	(cd web && npm run --silent build 9>&-) || die "npm run build in web/ failed (see above)"
	printf '%s\n' "$want" >web/dist/.roomsvc-stamp
}

# clients/typescript/: `npm ci` when its package.json/package-lock.json changed (stamp in node_modules/).
# Only `test` and `make clients` (through `client-deps`) need it: tsc and openapi-typescript.
ensure_typescript_client() {
	local dir=clients/typescript want have=""
	want="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
	[[ -f "$dir/node_modules/.roomsvc-stamp" ]] && have="$(cat "$dir/node_modules/.roomsvc-stamp")"
	[[ "$want" == "$have" ]] && return
	step "clients/typescript: npm ci ($dir/package-lock.json)"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error 9>&-) || die "npm ci in $dir failed (see above)"
	printf '%s\n' "$want" >"$dir/node_modules/.roomsvc-stamp"
}

# --- virtualenv -----------------------------------------------------------------------------------

ensure_venv() {
	local python="${PYTHON:-python3}"
	if [[ -x "$PY" ]] && ! "$PY" -c '' 2>/dev/null; then
		info ".venv is broken (its Python is gone); recreating it"
		rm -rf "$VENV"
	fi
	if [[ ! -x "$PY" ]]; then
		command -v "$python" >/dev/null || apt_install python3 python3-venv
		"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
			die "roomsvc needs Python >= 3.11; $python is $("$python" -V 2>&1). Set PYTHON=/path/to/python3.11+"
		step "venv: creating .venv with $("$python" -V 2>&1)"
		# Debian splits venv/ensurepip into python3-venv; without it `-m venv` fails half-way.
		if ! "$python" -m venv "$VENV" >/dev/null 2>&1; then
			rm -rf "$VENV"
			apt_install python3-venv
			"$python" -m venv "$VENV" || die "$python -m venv failed"
		fi
	fi
	local want have=""
	want="$(cat pyproject.toml requirements.lock clients/python/pyproject.toml | sha256sum | cut -d' ' -f1) uv=$UV_VERSION bytecode"
	[[ -f "$VENV/.roomsvc-stamp" ]] && have="$(cat "$VENV/.roomsvc-stamp")"
	if [[ "$want" == "$have" ]]; then
		step "venv: up to date (.venv)"
		return
	fi
	step "venv: installing requirements.lock, roomsvc and clients/python (editable)"
	"$VENV/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION" || die "pip install uv failed"
	"$VENV/bin/uv" pip install --quiet --python "$PY" -r requirements.lock || die "uv pip install -r requirements.lock failed"
	"$VENV/bin/uv" pip install --quiet --python "$PY" --no-deps -e . || die "uv pip install -e . failed"
	# The generated Python client (clients/python), which the tests import; its dependencies are locked above.
	"$VENV/bin/uv" pip install --quiet --python "$PY" --no-deps -e clients/python ||
		die "uv pip install -e clients/python failed"
	# Bytecode for every installed package (uv compiles none unless told, and only what it installs):
	# what each Python process would otherwise compile again at import. -qq: a few packages ship files
	# for other Python versions, which do not compile and are never imported.
	step "venv: compiling bytecode"
	"$PY" -m compileall -qq -j 0 "$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || true
	printf '%s\n' "$want" >"$VENV/.roomsvc-stamp"
}

# --- process helpers ------------------------------------------------------------------------------

# pid_matches PID NAME: PID is alive and its command line mentions NAME (guards against reused pids).
pid_matches() {
	local cmdline
	[[ -n "$1" && -r "/proc/$1/cmdline" ]] || return 1
	cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
	[[ "$cmdline" == *"$2"* ]]
}

# stop_pid PID NAME LABEL: SIGTERM, wait up to 20 s, then SIGKILL.
stop_pid() {
	local pid=$1 name=$2 label=$3 i
	pid_matches "$pid" "$name" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		pid_matches "$pid" "$name" || {
			info "stopped $label (pid $pid)"
			return 0
		}
		sleep 0.1
	done
	warn "$label (pid $pid) ignored SIGTERM for 20s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

# wait_until SECONDS COMMAND...: retries COMMAND every 0.2 s.
wait_until() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		(($(date +%s) < deadline)) || return 1
		sleep 0.2
	done
}

http_answers() {
	"$PY" - "$1" <<'EOF'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass  # any HTTP status means something is answering
EOF
}

show_log() {
	[[ -f "$1" ]] || return 0
	printf -- '---- last lines of %s ----\n' "$1" >&2
	tail -n "${2:-25}" "$1" >&2
	printf -- '----\n' >&2
}

# --- MariaDB --------------------------------------------------------------------------------------

# Exit status 0 whenever the server answers, even with "access denied"; logging in as the app user
# merely keeps "Access denied for root" warnings out of the server log once the user exists.
mariadb_ping() {
	MYSQL_PWD="$DB_PASSWORD" mysqladmin --host=127.0.0.1 --port="$DB_PORT" --user="$DB_USER" \
		--connect-timeout=2 ping >/dev/null 2>&1
}

start_mariadb() {
	local log="$RUN_DIR/mariadb.log" pid
	if [[ ! -d "$MARIADB_DATADIR/mysql" ]]; then
		step "mariadb: initialising the data directory $MARIADB_DATADIR"
		mariadb-install-db --user=mysql --datadir="$MARIADB_DATADIR" --auth-root-authentication-method=socket \
			>>"$log" 2>&1 || {
			show_log "$log"
			die "mariadb-install-db failed"
		}
	fi
	mkdir -p "$MARIADB_RUNDIR" && chown mysql:mysql "$MARIADB_RUNDIR"
	# mysqld_safe opens the error log and hands it to the mysql user; it must exist and be writable.
	touch "$log" && chown mysql "$log"
	step "mariadb: starting (127.0.0.1:$DB_PORT, log .run/mariadb.log)"
	# setsid: its own session, so a Ctrl-C in `make run` does not reach it; we stop it ourselves.
	# 9>&-: the set-up lock must not outlive this script in a long-running child.
	setsid mysqld_safe --skip-syslog --log-error="$log" --bind-address=127.0.0.1 --port="$DB_PORT" \
		</dev/null >>"$log" 2>&1 9>&- &
	if ! wait_until 60 mariadb_ping; then
		show_log "$log"
		die "MariaDB did not answer on 127.0.0.1:$DB_PORT within 60s"
	fi
	pid="$(cat "$MARIADB_RUNDIR/mysqld.pid" 2>/dev/null || true)"
	echo "$pid" >"$RUN_DIR/mariadb.pid"
	STARTED+=(mariadb)
}

stop_mariadb() {
	local pid i
	pid="$(cat "$RUN_DIR/mariadb.pid" 2>/dev/null || true)"
	if pid_matches "$pid" mariadbd || pid_matches "$pid" mysqld; then
		mysqladmin -uroot shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 300; i++)); do
			pid_matches "$pid" mysqld || pid_matches "$pid" mariadbd || break
			sleep 0.1
		done
		info "stopped MariaDB (pid $pid)"
	fi
	rm -f "$RUN_DIR/mariadb.pid"
}

sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
# shellcheck disable=SC2016 # literal backticks: SQL identifier quoting
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }

provision_database() {
	local user pass db sql host
	user="$(sql_string "$DB_USER")"
	pass="$(sql_string "$DB_PASSWORD")"
	sql=""
	for db in "$DB_NAME" "$TEST_DB_NAME"; do
		sql+="CREATE DATABASE IF NOT EXISTS $(sql_ident "$db") CHARACTER SET utf8mb4;"
	done
	for host in "'127.0.0.1'" "'localhost'"; do
		sql+="CREATE USER IF NOT EXISTS $user@$host IDENTIFIED BY $pass;"
		sql+="ALTER USER $user@$host IDENTIFIED BY $pass;"
		for db in "$DB_NAME" "$TEST_DB_NAME"; do
			sql+="GRANT ALL PRIVILEGES ON $(sql_ident "$db").* TO $user@$host;"
		done
		# Fault tests build isolated throw-away databases named <test db>_<suffix>.
		sql+="GRANT ALL PRIVILEGES ON $(sql_ident "${TEST_DB_NAME//_/\\_}\\_%").* TO $user@$host;"
	done
	local err
	if ! err="$(mariadb --user=root --batch -e "$sql" 2>&1 >/dev/null)"; then
		printf '%s\n' "$err" >&2
		die "could not provision the databases as root over the unix socket (\`mariadb -uroot\`)." \
			"Create databases $DB_NAME and $TEST_DB_NAME and user $DB_USER yourself, or fix root access."
	fi
	MYSQL_PWD="$DB_PASSWORD" mariadb --protocol=tcp --host=127.0.0.1 --port="$DB_PORT" --user="$DB_USER" \
		--batch -e 'SELECT 1' "$TEST_DB_NAME" >/dev/null ||
		die "user $DB_USER cannot log in to 127.0.0.1:$DB_PORT/$TEST_DB_NAME after provisioning"
}

ensure_mariadb() {
	if ! is_local_host "$DB_HOST"; then
		step "mariadb: DATABASE_URL points at $DB_HOST; not managing it"
		return
	fi
	[[ -n "$DB_NAME" && -n "$DB_USER" ]] || die "DATABASE_URL needs a user and a database name: $DATABASE_URL"
	if mariadb_ping; then
		step "mariadb: already running on 127.0.0.1:$DB_PORT"
	else
		start_mariadb
	fi
	provision_database
	info "databases $DB_NAME, $TEST_DB_NAME; user $DB_USER@127.0.0.1 and @localhost"
}

# --- Redis ----------------------------------------------------------------------------------------

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

ensure_redis() {
	if ! is_local_host "$REDIS_HOST"; then
		step "redis: REDIS_URL points at $REDIS_HOST; not managing it"
		return
	fi
	if redis_ping; then
		step "redis: already running on 127.0.0.1:$REDIS_PORT"
		return
	fi
	step "redis: starting (127.0.0.1:$REDIS_PORT, log .run/redis.log)"
	# --daemonize forks into its own session. No persistence: it holds only rate-limit buckets and locks.
	redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$RUN_DIR/redis.pid" \
		--logfile "$RUN_DIR/redis.log" --dir "$RUN_DIR" --save '' --appendonly no 9>&- ||
		die "redis-server failed to start"
	if ! wait_until 20 redis_ping; then
		show_log "$RUN_DIR/redis.log"
		die "Redis did not answer on 127.0.0.1:$REDIS_PORT within 20s"
	fi
	STARTED+=(redis)
}

stop_redis() {
	stop_pid "$(cat "$RUN_DIR/redis.pid" 2>/dev/null || true)" redis-server Redis
	rm -f "$RUN_DIR/redis.pid"
}

# --- LiveKit --------------------------------------------------------------------------------------

# find_go [MIN]: prints the path of a Go toolchain >= MIN (default: livekit-server's GO_MIN_VERSION): $GO if
# set, else `go` on PATH, else /usr/local/go/bin/go (where the official tarball installs it).
find_go() {
	local minimum="${1:-$GO_MIN_VERSION}"
	local candidate version oldest candidates=("$(command -v go || true)" /usr/local/go/bin/go)
	[[ -n "${GO:-}" ]] && candidates=("$GO")
	for candidate in "${candidates[@]}"; do
		[[ -n "$candidate" && -x "$candidate" ]] || continue
		version="$("$candidate" env GOVERSION 2>/dev/null)" || continue
		version="${version#go}"
		oldest="$(printf '%s\n%s\n' "$minimum" "$version" | sort -V)"
		if [[ "${oldest%%$'\n'*}" == "$minimum" ]]; then
			echo "$candidate"
			return 0
		fi
		info "ignoring $candidate: go$version is older than go$minimum" >&2
	done
	return 1
}

ensure_livekit_binary() {
	local version=""
	[[ -x "$LIVEKIT_BIN" ]] && version="$("$LIVEKIT_BIN" --version 2>/dev/null || true)"
	if [[ "$version" == "livekit-server version ${LIVEKIT_VERSION#v}" ]]; then
		step "livekit: using cached livekit-server $LIVEKIT_VERSION ($LIVEKIT_BIN)"
		return
	fi
	local go tmp
	go="$(find_go)" || die "building livekit-server $LIVEKIT_VERSION needs Go >= $GO_MIN_VERSION, and none was" \
		"found (looked at ${GO:-\`go\` on PATH and /usr/local/go/bin/go}). Install it from https://go.dev/dl/ (e.g. into /usr/local/go)," \
		"or put a livekit-server $LIVEKIT_VERSION binary at $LIVEKIT_BIN."
	step "livekit: building livekit-server $LIVEKIT_VERSION with $("$go" env GOVERSION) (once; cached in $LIVEKIT_CACHE_DIR)"
	mkdir -p "$LIVEKIT_CACHE_DIR"
	tmp="$(mktemp -d "$LIVEKIT_CACHE_DIR/.build.XXXXXX")"
	if ! CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$tmp" "$go" install \
		"github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION"; then
		rm -rf "$tmp"
		die "go install github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION failed (see above)"
	fi
	mv -f "$tmp/server" "$LIVEKIT_BIN" # atomic: an interrupted build never leaves a half-written binary
	rm -rf "$tmp"
	"$LIVEKIT_BIN" --version
}

livekit_answers() { http_answers "$LIVEKIT_URL"; }

# What the running server was started with; a change means it must be restarted.
livekit_fingerprint() {
	{
		cat "$LIVEKIT_CONFIG"
		printf '%s\n' "$LIVEKIT_BIN" "$LIVEKIT_API_KEY" "$LIVEKIT_API_SECRET"
	} | sha256sum | cut -d' ' -f1
}

start_livekit() {
	local log="$RUN_DIR/livekit.log" pid
	step "livekit: starting on $LIVEKIT_URL (log .run/livekit.log)"
	printf '==== %s: livekit-server %s --config %s ====\n' "$(date -Is)" "$LIVEKIT_VERSION" "$LIVEKIT_CONFIG" >"$log"
	# A clean environment: livekit-server maps LIVEKIT_* (and NODE_IP, UDP_PORT, REDIS_HOST...) variables
	# onto its config, so only the two we mean are passed. Keys come from the env, not the yaml.
	setsid env -i PATH="$PATH" HOME="$HOME" \
		LIVEKIT_KEYS="$LIVEKIT_API_KEY: $LIVEKIT_API_SECRET" \
		LIVEKIT_WEBHOOK_API_KEY="$LIVEKIT_API_KEY" \
		"$LIVEKIT_BIN" --config "$LIVEKIT_CONFIG" </dev/null >>"$log" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$RUN_DIR/livekit.pid"
	livekit_fingerprint >"$RUN_DIR/livekit.fingerprint"
	local deadline=$(($(date +%s) + 30))
	until livekit_answers 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			show_log "$log"
			rm -f "$RUN_DIR/livekit.pid"
			die "livekit-server exited during start-up (see .run/livekit.log)"
		fi
		if (($(date +%s) >= deadline)); then
			show_log "$log"
			die "livekit-server did not answer on $LIVEKIT_URL within 30s"
		fi
		sleep 0.2
	done
	STARTED+=(livekit)
}

stop_livekit() {
	# Matched on our config path, not the binary path: the binary may have moved since it was started.
	stop_pid "$(cat "$RUN_DIR/livekit.pid" 2>/dev/null || true)" "--config $LIVEKIT_CONFIG" LiveKit
	rm -f "$RUN_DIR/livekit.pid" "$RUN_DIR/livekit.fingerprint"
}

ensure_livekit() {
	eval "$(url_vars "$LIVEKIT_URL" LK 7880)"
	if ! is_local_host "$LK_HOST"; then
		step "livekit: LIVEKIT_URL points at $LK_HOST; not managing it"
		return
	fi
	ensure_livekit_binary
	if livekit_answers 2>/dev/null; then
		local pid
		pid="$(cat "$RUN_DIR/livekit.pid" 2>/dev/null || true)"
		if pid_matches "$pid" "--config $LIVEKIT_CONFIG" &&
			[[ "$(cat "$RUN_DIR/livekit.fingerprint" 2>/dev/null)" != "$(livekit_fingerprint)" ]]; then
			step "livekit: livekit.yaml, the keys or the binary changed; restarting it"
			stop_livekit
			start_livekit
		else
			step "livekit: already running on $LIVEKIT_URL"
		fi
		return
	fi
	start_livekit
}

# --- S3 (versitygw) -------------------------------------------------------------------------------

# versitygw (Apache-2.0) serves the S3 API over its posix backend in $S3_DATA_DIR: the real
# S3-compatible server that S3 recording storage and its tests use. Built once with Go, like livekit-server.
ensure_versitygw_binary() {
	# `go install` stamps no version into the binary; the versioned cache path and the atomic rename
	# below are what make a present binary the right one.
	if [[ -x "$VERSITYGW_BIN" ]]; then
		step "s3: using cached versitygw $VERSITYGW_VERSION ($VERSITYGW_BIN)"
		return
	fi
	local go tmp
	go="$(find_go "$VERSITYGW_GO_MIN_VERSION")" || die "building versitygw $VERSITYGW_VERSION needs Go >=" \
		"$VERSITYGW_GO_MIN_VERSION, and none was found (looked at ${GO:-\`go\` on PATH and /usr/local/go/bin/go})." \
		"Install it from https://go.dev/dl/, or put a versitygw $VERSITYGW_VERSION binary at $VERSITYGW_BIN."
	step "s3: building versitygw $VERSITYGW_VERSION with $("$go" env GOVERSION) (once; cached in $VERSITYGW_CACHE_DIR)"
	mkdir -p "$VERSITYGW_CACHE_DIR"
	tmp="$(mktemp -d "$VERSITYGW_CACHE_DIR/.build.XXXXXX")"
	if ! CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$tmp" "$go" install \
		"github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"; then
		rm -rf "$tmp"
		die "go install github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION failed (see above)"
	fi
	mv -f "$tmp/versitygw" "$VERSITYGW_BIN" # atomic: an interrupted build never leaves a half-written binary
	rm -rf "$tmp"
}

s3_answers() { http_answers "$ROOMSVC_S3_ENDPOINT"; }

# What the running server was started with; a change means it must be restarted.
s3_fingerprint() {
	printf '%s\n' "$VERSITYGW_BIN" "$S3_PORT" "$ROOMSVC_S3_REGION" "$ROOMSVC_S3_ACCESS_KEY" \
		"$ROOMSVC_S3_SECRET_KEY" "$S3_DATA_DIR" | sha256sum | cut -d' ' -f1
}

start_s3() {
	local log="$RUN_DIR/s3.log" pid
	step "s3: starting versitygw on $ROOMSVC_S3_ENDPOINT (data .run/s3, log .run/s3.log)"
	mkdir -p "$S3_DATA_DIR"
	printf '==== %s: versitygw %s posix %s ====\n' "$(date -Is)" "$VERSITYGW_VERSION" "$S3_DATA_DIR" >"$log"
	# The root key pair goes in through the environment, not the command line (which `ps` shows).
	setsid env -i PATH="$PATH" HOME="$HOME" \
		ROOT_ACCESS_KEY="$ROOMSVC_S3_ACCESS_KEY" ROOT_SECRET_KEY="$ROOMSVC_S3_SECRET_KEY" \
		"$VERSITYGW_BIN" --port "127.0.0.1:$S3_PORT" --region "$ROOMSVC_S3_REGION" --quiet \
		posix "$S3_DATA_DIR" </dev/null >>"$log" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$RUN_DIR/s3.pid"
	s3_fingerprint >"$RUN_DIR/s3.fingerprint"
	local deadline=$(($(date +%s) + 30))
	until s3_answers 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			show_log "$log"
			rm -f "$RUN_DIR/s3.pid"
			die "versitygw exited during start-up (see .run/s3.log)"
		fi
		if (($(date +%s) >= deadline)); then
			show_log "$log"
			die "versitygw did not answer on $ROOMSVC_S3_ENDPOINT within 30s"
		fi
		sleep 0.2
	done
	STARTED+=(s3)
}

stop_s3() {
	stop_pid "$(cat "$RUN_DIR/s3.pid" 2>/dev/null || true)" "posix $S3_DATA_DIR" versitygw
	rm -f "$RUN_DIR/s3.pid" "$RUN_DIR/s3.fingerprint"
}

# The bucket, created through the S3 API (so that versitygw records its owner) unless its directory exists.
ensure_s3_bucket() {
	[[ -d "$S3_DATA_DIR/$ROOMSVC_S3_BUCKET" ]] && return
	step "s3: creating bucket $ROOMSVC_S3_BUCKET"
	"$PY" - <<'PYEOF' || die "could not create the S3 bucket $ROOMSVC_S3_BUCKET on $ROOMSVC_S3_ENDPOINT (see above)"
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

env = os.environ
client = boto3.client(
    "s3",
    endpoint_url=env["ROOMSVC_S3_ENDPOINT"],
    region_name=env["ROOMSVC_S3_REGION"],
    aws_access_key_id=env["ROOMSVC_S3_ACCESS_KEY"],
    aws_secret_access_key=env["ROOMSVC_S3_SECRET_KEY"],
    config=Config(connect_timeout=3, retries={"max_attempts": 3}, s3={"addressing_style": "path"}),
)
bucket, region = env["ROOMSVC_S3_BUCKET"], env["ROOMSVC_S3_REGION"]
try:
    client.head_bucket(Bucket=bucket)
except ClientError:
    extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    client.create_bucket(Bucket=bucket, **extra)
PYEOF
}

# A versitygw on our port started by another checkout serves that checkout's .run/s3. When that
# directory is gone (the checkout was deleted, as a fresh-clone CI run does), every bucket call fails
# with InternalError: stop it, so that ours starts.
stop_orphan_s3() {
	local proc pid dir
	for proc in /proc/[0-9]*; do
		pid_matches "${proc#/proc/}" "versitygw --port 127.0.0.1:$S3_PORT " || continue
		pid=${proc#/proc/}
		dir="$(tr '\0' '\n' <"$proc/cmdline" 2>/dev/null | tail -1)"
		[[ -n "$dir" && ! -d "$dir" ]] || continue
		step "s3: the versitygw on port $S3_PORT (pid $pid) serves $dir, which no longer exists; stopping it"
		stop_pid "$pid" "posix $dir" versitygw
	done
}

ensure_s3() {
	if [[ -z "${ROOMSVC_S3_ENDPOINT:-}" ]]; then
		step "s3: ROOMSVC_S3_ENDPOINT is empty (AWS S3); not managing it"
		return
	fi
	eval "$(url_vars "$ROOMSVC_S3_ENDPOINT" S3 7070)"
	if ! is_local_host "$S3_HOST"; then
		step "s3: ROOMSVC_S3_ENDPOINT points at $S3_HOST; not managing it"
		return
	fi
	ensure_versitygw_binary
	stop_orphan_s3
	if s3_answers 2>/dev/null; then
		local pid
		pid="$(cat "$RUN_DIR/s3.pid" 2>/dev/null || true)"
		if pid_matches "$pid" "posix $S3_DATA_DIR" &&
			[[ "$(cat "$RUN_DIR/s3.fingerprint" 2>/dev/null)" != "$(s3_fingerprint)" ]]; then
			step "s3: the S3 settings or the binary changed; restarting versitygw"
			stop_s3
			start_s3
		else
			step "s3: already running on $ROOMSVC_S3_ENDPOINT"
		fi
	else
		start_s3
	fi
	ensure_s3_bucket
}

# --- roomsvc --------------------------------------------------------------------------------------

# Called by path, not through a function: a backgrounded function is a bash subshell, and $! would be
# that subshell's pid instead of the roomsvc process we want to signal.
ROOMSVC="$VENV/bin/roomsvc"

app_setup() {
	step "roomsvc migrate"
	"$ROOMSVC" migrate || die "\`roomsvc migrate\` failed (exit $?); see the output above"
	step "roomsvc credentials bootstrap-dev"
	"$ROOMSVC" credentials bootstrap-dev || die "\`roomsvc credentials bootstrap-dev\` failed (exit $?); see the output above"
}

setup() {
	mkdir -p "$RUN_DIR"
	# Services started below must not inherit descriptors from our caller: under `flock LOCK make test`
	# a MariaDB started here would hold that lock for as long as it runs. The caller keeps its own copy.
	local fd
	for fd in /proc/$$/fd/*; do
		fd="${fd##*/}"
		if ((fd > 2 && fd != 255)); then eval "exec $fd>&-" 2>/dev/null || true; fi
	done
	# One set-up at a time (e.g. `make test` in two terminals).
	exec 9>"$RUN_DIR/stack.lock"
	flock 9
	load_env
	# URLs are parsed with the venv's Python, so the venv comes first (it needs nothing else).
	ensure_venv
	eval "$(url_vars "$DATABASE_URL" DB 3306)"
	eval "$(url_vars "$REDIS_URL" REDIS 6379)"
	: "${ROOMSVC_TEST_DATABASE_URL:=$(url_with_database "$DATABASE_URL" "${DB_NAME}_test")}"
	export ROOMSVC_TEST_DATABASE_URL
	eval "$(url_vars "$ROOMSVC_TEST_DATABASE_URL" TEST_DB 3306)"
	ensure_packages
	ensure_web
	if [[ "${NEED_CLIENTS:-0}" == 1 ]]; then ensure_typescript_client; fi
	ensure_mariadb
	ensure_redis
	ensure_livekit
	ensure_s3
	export ROOMSVC_LIVEKIT_BIN="$LIVEKIT_BIN" ROOMSVC_LIVEKIT_CONFIG="$LIVEKIT_CONFIG"
	app_setup
	flock -u 9
	step "stack ready in $(elapsed)"
}

# --- commands -------------------------------------------------------------------------------------

stop_started() {
	local i
	for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
		"stop_${STARTED[i]}"
	done
	STARTED=()
}

stop_app() {
	local name
	for name in api jobs worker recorder; do
		stop_pid "$(cat "$RUN_DIR/$name.pid" 2>/dev/null || true)" "roomsvc" "roomsvc $name"
		rm -f "$RUN_DIR/$name.pid"
	done
}

on_run_exit() {
	local status=$?
	trap - EXIT INT TERM
	if ((${#STARTED[@]})) || [[ -f "$RUN_DIR/api.pid" || -f "$RUN_DIR/worker.pid" ]]; then
		step "shutting down what this run started"
	fi
	stop_app
	stop_started
	exit "$status"
}

cmd_run() {
	# Everything started from here on belongs to this run, including the services started by setup().
	trap on_run_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	setup
	local api_url="http://$ROOMSVC_HOST:$ROOMSVC_PORT"
	step "roomsvc serve on $api_url"
	# Background + `wait`, so that Ctrl-C runs our trap at once and we stop the children in order.
	"$ROOMSVC" serve 9>&- &
	local api_pid=$!
	echo "$api_pid" >"$RUN_DIR/api.pid"
	step "roomsvc jobs (webhook sweeper, event delivery, reconciliation)"
	"$ROOMSVC" jobs 9>&- &
	echo $! >"$RUN_DIR/jobs.pid"
	if [[ "${ROOMSVC_RUN_WORKER:-1}" != 0 ]]; then
		if "$ROOMSVC" worker --help >/dev/null 2>&1; then
			step "roomsvc worker"
			"$ROOMSVC" worker 9>&- &
			echo $! >"$RUN_DIR/worker.pid"
		else
			info "(no \`roomsvc worker\` command yet; running the API alone)"
		fi
	fi
	if [[ "${ROOMSVC_RUN_RECORDER:-1}" != 0 ]]; then
		step "roomsvc recorder (the recording agent)"
		"$ROOMSVC" recorder 9>&- &
		echo $! >"$RUN_DIR/recorder.pid"
	fi
	local deadline=$(($(date +%s) + 30))
	until http_answers "$api_url/" 2>/dev/null; do
		kill -0 "$api_pid" 2>/dev/null || break # it exited; `wait -n` below reports it
		if (($(date +%s) >= deadline)); then
			warn "the API is not answering on $api_url after 30s"
			break
		fi
		sleep 0.2
	done
	cat <<EOF

  roomsvc is running. Ctrl-C stops the API, the jobs process$([[ -f "$RUN_DIR/worker.pid" ]] && echo ", the worker")$([[ -f "$RUN_DIR/recorder.pid" ]] && echo ", the recorder")$( ((${#STARTED[@]})) && echo " and what this run started: ${STARTED[*]}").

    API            $api_url
    OpenAPI        $api_url/schema
    Demo page      $api_url/demo   (dev only)
    Metrics        $api_url/metrics   (roomsvc jobs: http://$ROOMSVC_HOST:$ROOMSVC_JOBS_METRICS_PORT/metrics)
    LiveKit        $LIVEKIT_PUBLIC_URL   (server API $LIVEKIT_URL, API key "$LIVEKIT_API_KEY", secret in .env.example/.env)
    Dev caller     credential id "$ROOMSVC_DEV_CREDENTIAL_ID"
    Caller token   TOKEN=\$(.venv/bin/roomsvc caller-token)
                   curl -H "Authorization: Bearer \$TOKEN" $api_url/...
    S3 (versitygw) $ROOMSVC_S3_ENDPOINT   (bucket "$ROOMSVC_S3_BUCKET", access key "$ROOMSVC_S3_ACCESS_KEY"; used when ROOMSVC_RECORDING_STORAGE=s3)
    Logs           .run/livekit.log  .run/s3.log  .run/redis.log  .run/mariadb.log

EOF
	local status=0
	wait -n || status=$?
	step "a roomsvc process exited (status $status)"
	exit "$status"
}

cmd_test() {
	NEED_BROWSER=1 NEED_CLIENTS=1
	setup
	step "pytest $*"
	# Per-test times land in artifacts/pytest.xml (junit; `make faults`: artifacts/pytest-faults.xml, so
	# that .ci/run keeps both), the slowest ones at the end of the output.
	mkdir -p artifacts
	exec "$VENV/bin/pytest" --durations=15 --junitxml="artifacts/${ROOMSVC_JUNIT_FILE:-pytest.xml}" "$@" 9>&-
}

cmd_up() {
	setup
	cat <<EOF
    services run in the background; \`make stop\` stops what these scripts started.
    export ROOMSVC_TEST_DATABASE_URL=$ROOMSVC_TEST_DATABASE_URL
    export ROOMSVC_LIVEKIT_BIN=$ROOMSVC_LIVEKIT_BIN
    export ROOMSVC_LIVEKIT_CONFIG=$ROOMSVC_LIVEKIT_CONFIG
EOF
}

cmd_venv() {
	mkdir -p "$RUN_DIR"
	exec 9>"$RUN_DIR/stack.lock"
	flock 9
	ensure_venv
}

cmd_client_deps() {
	mkdir -p "$RUN_DIR"
	exec 9>"$RUN_DIR/stack.lock"
	flock 9
	ensure_typescript_client
}

cmd_stop() {
	step "stopping what scripts/stack.sh started (pid files in .run/)"
	mkdir -p "$RUN_DIR"
	stop_app
	stop_s3
	stop_livekit
	stop_redis
	stop_mariadb
}

main() {
	local command="${1:-}"
	(($#)) && shift
	case "$command" in
	run) cmd_run "$@" ;;
	test) cmd_test "$@" ;;
	up) cmd_up "$@" ;;
	venv) cmd_venv "$@" ;;
	client-deps) cmd_client_deps "$@" ;;
	stop) cmd_stop "$@" ;;
	*)
		sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
		[[ -z "$command" || "$command" == -h || "$command" == --help || "$command" == help ]] || exit 2
		;;
	esac
}

main "$@"
