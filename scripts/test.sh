#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need (apt-get, NuGet, npm only), starts a
# throwaway PostgreSQL, builds once, runs the suites on SQLite and then on PostgreSQL, and ends with the line
# "N passed, N failed". Safe to run twice in a row and after a killed run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive NUGET_XMLDOC_MODE=skip
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

PG_ROOT=${GATEHOUSE_PG_ROOT:-/tmp/gatehouse-test-pg}
PG_PORT=${GATEHOUSE_PG_PORT:-55432}
RESULTS=$ROOT/.test-run
START=$SECONDS

step() { printf '\n== %s (%ds)\n' "$*" "$((SECONDS - START))"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

# ---- (a) Debian packages -------------------------------------------------------------------------------
step "system packages"
# samba*: a throwaway Active Directory domain controller for the AD tests (tests/Gatehouse.Tests/Ldap/SambaDcServer.cs).
PACKAGES=(postgresql chromium slapd ldap-utils xmlsec1 openssl nodejs npm samba samba-ad-dc samba-ad-provision samba-dsdb-modules)
missing=()
for p in "${PACKAGES[@]}"; do
  # npm ships inside NodeSource's nodejs package; only ask apt for it when the command is absent.
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  # slapd asks questions on install; the tests configure their own directory, so take the defaults.
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "all present: ${PACKAGES[*]}"
fi
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not installed" >&2; exit 1; }

# ---- (b) a throwaway PostgreSQL cluster ----------------------------------------------------------------
step "PostgreSQL"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$PG_BIN/initdb" ] || { echo "error: no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 1; }
# As root the server runs as postgres (it refuses root); from / so postgres can always read its working directory.
if [ "$(id -u)" -eq 0 ]; then as_pg() { (cd / && runuser -u postgres -- "$@"); }
else as_pg() { "$@"; }; fi

pg_stop() {
  if [ -f "$PG_ROOT/data/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A previous run that was killed may have left its server running or a stale postmaster.pid: stop and wipe it.
pg_stop
rm -rf "$PG_ROOT"
while port_busy "$PG_PORT"; do
  echo "port $PG_PORT is taken; trying $((PG_PORT + 1))"
  PG_PORT=$((PG_PORT + 1))
done
mkdir -p "$PG_ROOT/data" "$PG_ROOT/run"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PG_ROOT"
chmod 700 "$PG_ROOT/data"
as_pg "$PG_BIN/initdb" -D "$PG_ROOT/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_ROOT/initdb.log" 2>&1 \
  || { cat "$PG_ROOT/initdb.log" >&2; exit 1; }
cleanup() {
  local rc=$?
  pg_stop
  rm -rf "$PG_ROOT"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Durability is worthless for a throwaway cluster; turning it off makes CREATE DATABASE and commits fast.
as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/server.log" -w -t 60 \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_ROOT/run -c max_connections=400 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
  start >/dev/null || { cat "$PG_ROOT/server.log" >&2; exit 1; }
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (data in $PG_ROOT)"
PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=postgres;Database=postgres"

# ---- (c) npm packages of the test fixtures -------------------------------------------------------------
step "npm ci"
while IFS= read -r lock; do
  dir=$(dirname "$lock")
  echo "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
done < <(find tests -name package-lock.json -not -path '*/node_modules/*' | sort)

# ---- (d) build once ------------------------------------------------------------------------------------
step "dotnet build"
dotnet build Gatehouse.slnx -c Release -nologo -v:quiet -clp:NoSummary -p:NuGetAudit=false

# ---- (e) test: every suite on SQLite, then the integration suite on PostgreSQL -------------------------
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
export GATEHOUSE_CHROMIUM=${GATEHOUSE_CHROMIUM:-$(command -v chromium || true)}
failures=0
run_tests() { # name, target, then env assignments
  local name=$1 target=$2; shift 2
  step "dotnet test ($name)"
  local rc=0
  env "$@" dotnet test "$target" -c Release --no-build --nologo \
    --results-directory "$RESULTS/$name" --logger "trx" \
    --blame-hang-timeout 10m --blame-hang-dump-type none || rc=$?
  if [ "$rc" -ne 0 ]; then echo "dotnet test ($name) exited with $rc"; failures=1; fi
}
run_tests sqlite Gatehouse.slnx GATEHOUSE_TEST_DB=sqlite
run_tests postgres tests/Gatehouse.Tests/Gatehouse.Tests.csproj GATEHOUSE_TEST_DB=postgres "GATEHOUSE_TEST_PG=$PG_CONN"

# ---- (f) summary ---------------------------------------------------------------------------------------
step "summary"
passed=0 failed=0
while IFS= read -r trx; do
  # (no `| head` here: under pipefail the SIGPIPE it causes would end the script)
  counters=$(grep -m1 -o '<Counters [^>]*>' "$trx" | awk 'NR == 1')
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + p)); failed=$((failed + f + e + t + a))
  assembly=$(grep -m1 -o 'storage="[^"]*"' "$trx" | awk 'NR == 1' | sed 's/storage="//; s/"$//; s#.*/##')
  echo "$(basename "$(dirname "$trx")") ${assembly:-$(basename "$trx")}: $p passed, $((f + e + t + a)) failed"
done < <(find "$RESULTS" -name '*.trx' | sort)
echo "took $((SECONDS - START))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$failures" -eq 0 ]
