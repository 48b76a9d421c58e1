# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # sets results for the sourcing script and reads its settings
# Shell functions shared by the benchmark scripts in tools/bench (tiles, api).
#
# A script runs from the repository root with `set -euo pipefail`, sets
#   bench   its name, for progress lines ("NAME [SECONDS s]: ...", on stderr)
#   work    its work folder (made here), holding data/, store.sqlite and the logs
#   rows, months   the size of the generated data (for prepare_store)
# and then sources this file. What it gets:
#   - say MESSAGE: a progress line;
#   - quiet LABEL before and was_quiet LABEL after each measured run, so that a run
#     starts on an idle machine (BENCH_WAIT, default 600 seconds of waiting in all)
#     and the runs that other work, such as a build or tests, may have disturbed
#     are collected in `disturbed`; disturbed_warning prints them for the results;
#   - install_missing PACKAGE...: apt-get install when the list is not empty;
#   - prepare_store: tools/setup (unless BENCH_BUILD=no), then generate ROWS crimes
#     over MONTHS months (seed 7) and import them into $work/store.sqlite, each
#     step skipped when an earlier run did it;
#   - serve_crimemap LOG [OPTION...] / stop_crimemap: crimemap serve with 2 threads
#     on a free loopback port (sets `port` and `server_pid`), on $serve_db (default
#     $work/store.sqlite; a postgresql:// URI for a store in PostgreSQL), run through
#     the command prefix in the array serve_as when set (say setpriv, to be the
#     postgres user; it must exec crimemap, so that server_pid is the server's);
#   - wrk_run LABEL CONNECTIONS BASE_URL PATHS_FILE [URLS_OPTION...]: one measured wrk
#     run over a list of paths (tools/bench/urls.lua); sets wrk_requests, wrk_rps, wrk_p50_us,
#     wrk_p99_us, wrk_errors (answers outside 2xx that the options do not count,
#     plus socket errors) and wrk_counted (answers with a counted status);
#   - start_postgres / stop_postgres, as_postgres COMMAND... (as the postgres user,
#     with a statement timeout), and pgbench_run LABEL DATABASE LOG_PREFIX SCRIPT
#     [PGBENCH_OPTION...], one measured run with per-transaction logs; sets
#     pg_tps, pg_failed, pg_p50_us and pg_p99_us;
#   - field, ms, per_second, ratio, percentiles, machine_line: small formatting helpers.
# On exit the crimemap server it started is stopped, and PostgreSQL when it started
# it (bench_cleanup; a script with more to stop calls it from its own trap).

: "${bench:?set bench before sourcing lib.sh}" "${work:?set work before sourcing lib.sh}"
mkdir -p "$work"
started=$SECONDS
seconds=${BENCH_SECONDS:-12} # of each measured run

say() { echo "$bench [$((SECONDS - started)) s]: $*" >&2; }

# --- an idle machine for each measured run -----------------------------------------
busy_percent() { # how busy the whole machine is over half a second, from /proc/stat
  local before after i total=0
  read -r -a before < <(head -1 /proc/stat) # cpu user nice system idle iowait irq softirq steal
  sleep 0.5
  read -r -a after < <(head -1 /proc/stat)
  for i in 1 2 3 4 5 6 7 8; do total=$((total + after[i] - before[i])); done
  local idle=$((after[4] - before[4] + after[5] - before[5]))
  echo $((total > 0 ? 100 * (total - idle) / total : 0))
}
disturbed=()
wait_budget=${BENCH_WAIT:-600} # seconds of waiting for an idle machine, for the whole script
quiet() { # quiet LABEL: before a measured run, wait (from the budget) for the machine to be idle
  local waited=0
  while [ "$(busy_percent)" -gt 20 ]; do
    if [ "$wait_budget" -le 0 ]; then
      disturbed+=("$1")
      return
    fi
    [ $waited -gt 0 ] || say "$1: waiting for the machine to be idle ($(ps -eo comm= --sort=-pcpu | head -1) is busy)"
    sleep 5
    waited=$((waited + 5)) wait_budget=$((wait_budget - 5))
  done
}
was_quiet() { # was_quiet LABEL: after a run, note a build or test that started meanwhile
  # shellcheck disable=SC2009 # pgrep matches nothing with a pattern over 15 characters
  if ps -eo comm= | grep -qxE 'cc1plus|ctest|ninja|.*_tests'; then disturbed+=("$1"); fi
}
disturbed_warning() { # the results' warning line, when some run may have been disturbed
  [ ${#disturbed[@]} -eq 0 ] || printf 'warning: the machine was busy with other work around %s; run again when it is quiet\n' \
    "$(printf '%s\n' "${disturbed[@]}" | awk '!seen[$0]++ { out = out (n++ ? ", " : "") $0 } END { print out }')"
}

# --- formatting ---------------------------------------------------------------------
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; } # field NAME "a=1 NAME=2" -> 2
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
per_second() { awk -v t="$1" 'BEGIN { printf (t < 10 ? "%.2f" : "%d"), t }'; } # 7.25, 1234
ratio() { # ratio A B: A / B as "0.42×", "38×", or n/a
  if [ -z "$1" ] || [ -z "$2" ]; then
    echo n/a
  else
    awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; printf (r >= 10 ? "%.0f×" : "%.2f×"), r }'
  fi
}
percentiles() { # percentiles LOG...: pgbench --log files (latency in microseconds, column 3)
  awk '{ print $3 }' "$@" | sort -n | awk '
    { latency[NR] = $1 }
    function at(q,  i) { i = int(q * NR); if (i < q * NR) i++; return latency[i < 1 ? 1 : i] } # nearest rank
    END { if (NR == 0) print "count=0 p50_us=0 p99_us=0"; else printf "count=%d p50_us=%d p99_us=%d\n", NR, at(0.50), at(0.99) }'
}
machine_line() {
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
}

# --- servers on loopback ------------------------------------------------------------
free_port() { # the first port from $1 on that nothing on 127.0.0.1 listens to
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}
wait_for() { # wait_for URL PID: until URL answers 2xx, while PID lives, at most 60 s
  local attempt
  for attempt in $(seq 600); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  echo "gave up after $attempt tries" >&2
  return 1
}

install_missing() { # install_missing PACKAGE...: the Debian packages, when any is named
  [ $# -gt 0 ] || return 0
  say "installing $*"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

prepare_store() { # build crimemap, generate the data and import it, each unless done before
  [ "${BENCH_BUILD:-yes}" = no ] || tools/setup >/dev/null
  if [ ! -f "$work/data/forces.json" ]; then
    say "generating $rows rows over $months months"
    build/crimemap generate --out "$work/data" --rows "$rows" --months "$months" --seed 7 2>/dev/null
  fi
  if [ ! -f "$work/store.done" ]; then
    say "importing"
    rm -f "$work/store.sqlite"*
    build/crimemap import --db "$work/store.sqlite" "$work/data" >"$work/import.log" 2>&1 ||
      { say "import failed: $(tail -3 "$work/import.log" | tr '\n' ' ')"; exit 1; }
    touch "$work/store.done"
  fi
}

server_pid='' port='' serve_as=()
serve_crimemap() { # serve_crimemap LOG [OPTION...]: crimemap serve on a free port; fails without /healthz
  port=$(free_port 18080)
  say "crimemap serve ${*:2} on 127.0.0.1:$port"
  "${serve_as[@]}" build/crimemap serve --db "${serve_db:-$work/store.sqlite}" --listen "127.0.0.1:$port" --threads 2 \
    "${@:2}" >"$1" 2>&1 &
  server_pid=$!
  wait_for "http://127.0.0.1:$port/healthz" "$server_pid"
}
stop_crimemap() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=''
}

wrk_run() { # wrk_run LABEL CONNECTIONS BASE_URL PATHS_FILE [URLS_OPTION...]: fails when wrk gave no result
  local out
  wrk_requests='' wrk_rps='' wrk_p50_us='' wrk_p99_us='' wrk_errors='' wrk_counted=''
  quiet "$1"
  out=$(timeout $((seconds + 60)) wrk -t"$(($2 < 2 ? $2 : 2))" -c"$2" -d"${seconds}s" --timeout 5s --latency \
    -s tools/bench/urls.lua "$3" -- "$4" "${@:5}" 2>&1 | grep '^wrk-result' || true)
  was_quiet "$1"
  if [ -z "$out" ]; then
    say "$1: wrk gave no result"
    return 1
  fi
  wrk_requests=$(field requests "$out")
  wrk_rps=$(awk -v n="$wrk_requests" -v s="$(field seconds "$out")" 'BEGIN { printf "%d", n / s }')
  wrk_p50_us=$(field p50_us "$out")
  wrk_p99_us=$(field p99_us "$out")
  wrk_errors=$(($(field non2xx "$out") + $(field socket_errors "$out")))
  wrk_counted=$(field counted "$out")
  say "$1: $out"
}

# --- PostgreSQL ---------------------------------------------------------------------
pg_options='-c statement_timeout=60s -c client_min_messages=warning' # no query runs for ever
as_postgres() { runuser -u postgres -- env PGOPTIONS="$pg_options" "$@"; }
pg_started=no
start_postgres() { # the cluster pg_ctlcluster knows as 15 main; stopped at the end when started here
  pg_ctlcluster 15 main status >/dev/null 2>&1 || {
    pg_ctlcluster 15 main start
    pg_started=yes
  }
}
stop_postgres() {
  if [ "$pg_started" = yes ]; then
    pg_ctlcluster 15 main stop
    pg_started=no
  fi
}
pgbench_run() { # pgbench_run LABEL DATABASE LOG_PREFIX SCRIPT [OPTION...]: 2 clients, prepared, logged
  local out status=0 tps failed lat
  pg_tps='' pg_failed='' pg_p50_us='' pg_p99_us=''
  rm -f "$3".*
  quiet "$1"
  out=$(timeout $((seconds + 120)) runuser -u postgres -- env PGOPTIONS="$pg_options" \
    pgbench -n -M prepared -c 2 -j 2 -T "$seconds" "${@:5}" --log --log-prefix="$3" \
    -f "$4" "$2" 2>&1) || status=$?
  was_quiet "$1"
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
  if [ -z "$tps" ]; then
    say "$1: pgbench failed (exit $status): $(tail -3 <<<"$out" | tr '\n' ' ')"
    return 1
  fi
  [ "$status" = 0 ] || failed="${failed:-0} (pgbench exit $status)"
  lat=$(percentiles "$3".*)
  say "$1: tps=$tps $lat"
  pg_tps=$(per_second "$tps") pg_failed=${failed:-0}
  pg_p50_us=$(field p50_us "$lat") pg_p99_us=$(field p99_us "$lat")
}

bench_cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  [ "$pg_started" = no ] || pg_ctlcluster 15 main stop 2>/dev/null || true
}
trap bench_cleanup EXIT
