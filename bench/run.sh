#!/usr/bin/env bash
# make bench: truce's throughput next to the baselines it is judged against.
#
#   bench/run.sh TRUCE_BIN
#
# Runs wrk against truce (GET /api/v1/tickets/ID, then POST /api/v1/tickets),
# against a libmicrohttpd hello-world set up like truce (bench/hello.c), and
# times a bare loop of single-row SQLite commits with truce's journal settings
# (bench/sqlite_insert.c) and SQLite alone storing tickets the way truce does,
# 64 per commit (bench/sqlite_tickets.c).  Also GET with the read cache off.
# Prints requests/s (commits/s, tickets/s) and the ratios with
# their targets.  A benchmark is never a test: missed targets do not fail the
# run; errors (non-2xx replies, socket errors, a server that will not start or
# that dies) do, because the figures are then meaningless.
#
# Knobs (environment): BENCH_DURATION (seconds, default 10), BENCH_CONNS
# (wrk connections, default 64), BENCH_WRK_THREADS (default 2), BENCH_THREADS
# (truce serve --threads; default truce's own, one per CPU), BENCH_TMPDIR
# (where the databases go; default build/bench, on the repository's disk:
# /tmp is tmpfs on many systems, where fsync is free and durable figures lie).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

if [ $# -ne 1 ]; then
    echo "usage: bench/run.sh TRUCE_BIN" >&2
    exit 2
fi
truce=$1
case $truce in /*) ;; *) truce=$PWD/$truce ;; esac
[ -x "$truce" ] || { echo "bench: '$truce' is not an executable" >&2; exit 2; }

duration=${BENCH_DURATION:-10}
# 64 connections for every server: enough concurrent creates for truce's group
# commit to fill its batches and to keep two wrk threads busy, and few enough
# that each request's latency stays in milliseconds, as a busy desk would see.
conns=${BENCH_CONNS:-64}
wrk_threads=${BENCH_WRK_THREADS:-2}
serve_threads=${BENCH_THREADS:-}
cc=${CC:-cc}
out=$root/build/bench

for tool in wrk curl pkg-config "$cc"; do
    command -v "$tool" >/dev/null ||
        { echo "bench: '$tool' is not installed (make deps; wrk is the Debian package 'wrk')" >&2; exit 2; }
done

# ---- build the baselines ----
mkdir -p "$out"
warn="-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
      -Wcast-qual -fstack-protector-strong -O2"
# shellcheck disable=SC2046,SC2086
$cc $warn $(pkg-config --cflags libmicrohttpd) -o "$out/hello" "$here/hello.c" \
    $(pkg-config --libs libmicrohttpd)
# shellcheck disable=SC2046,SC2086
$cc $warn $(pkg-config --cflags sqlite3) -o "$out/sqlite_insert" "$here/sqlite_insert.c" \
    $(pkg-config --libs sqlite3)
# shellcheck disable=SC2046,SC2086
$cc $warn $(pkg-config --cflags sqlite3) -o "$out/sqlite_tickets" "$here/sqlite_tickets.c" \
    $(pkg-config --libs sqlite3)

# ---- scratch space and clean-up ----
tmp_parent=${BENCH_TMPDIR:-$out}
mkdir -p "$tmp_parent"
tmp=$(mktemp -d "$tmp_parent/run.XXXXXX")
pids=()

cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    pids=()
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
    echo "bench: $*" >&2
    exit 1
}

errors=0 # set to 1 by anything that makes the figures invalid

# stop_last NAME: stops the last server this script started; a server that
# died during the run is an error (its figures measured a crash).
stop_last() {
    local pid=${pids[-1]} status=0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    else
        wait "$pid" 2>/dev/null || status=$?
        echo
        echo "!! bench: $1 DIED during the run (exit status $status)"
        errors=1
    fi
    unset 'pids[-1]'
}

# wait_port LOGFILE PID NAME: prints the port from "listening on http://H:PORT".
wait_port() {
    local log=$1 pid=$2 name=$3 port=""
    for _ in $(seq 100); do
        port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log")
        [ -n "$port" ] && { echo "$port"; return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "bench: $name did not start:" >&2
    sed 's/^/    /' "$log" >&2
    return 1
}

# run_wrk KEY URL [SCRIPT]: runs wrk, keeps its output in $tmp/KEY.wrk, shows it.
run_wrk() {
    local key=$1 url=$2 script=${3:-}
    local args=(-t"$wrk_threads" -c"$conns" -d"${duration}s" --latency)
    [ -n "$script" ] && args+=(-s "$script")
    echo
    echo "== $key: wrk ${args[*]} $url"
    wrk "${args[@]}" "$url" >"$tmp/$key.wrk" 2>&1 || {
        cat "$tmp/$key.wrk" >&2
        die "wrk failed for $key"
    }
    sed 's/^/    /' "$tmp/$key.wrk"
}

# Figures from wrk's output: requests/s, non-2xx/3xx replies, socket errors.
wrk_rate() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/$1.wrk"; }
wrk_non2xx() {
    local n
    n=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$tmp/$1.wrk")
    echo "${n:-0}"
}
wrk_sockerr() {
    # "Socket errors: connect 0, read 0, write 0, timeout 0" -> the sum
    local line
    line=$(grep 'Socket errors:' "$tmp/$1.wrk" || true)
    [ -z "$line" ] && { echo 0; return; }
    echo "$line" | tr -cs '0-9' '\n' | awk '{ s += $1 } END { print s + 0 }'
}

fs=$(stat -f -c %T "$tmp" 2>/dev/null || echo unknown)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
echo "bench: $ncpu CPUs; wrk -t$wrk_threads -c$conns -d${duration}s; databases in $tmp ($fs)"
echo "bench: truce serve --threads ${serve_threads:-default (one per CPU)}; hello uses one thread per CPU"
case $fs in tmpfs | ramfs) echo "bench: WARNING: $fs does not fsync; durable figures are not real" ;; esac

# ---- truce: a desk with one admin, one token and one ticket ----
db=$tmp/truce.db
"$truce" init --db "$db" >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; die "truce init failed"; }
"$truce" agent add --db "$db" --email admin@bench.example.com --name "Bench Admin" --role admin \
    >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; die "truce agent add failed"; }
token=$("$truce" token create --db "$db" --agent admin@bench.example.com 2>>"$tmp/setup.log" | tail -n 1)
[ -n "$token" ] || { cat "$tmp/setup.log" >&2; die "truce token create printed no token"; }
export TRUCE_TOKEN=$token # read by bench/get.lua and bench/post.lua

serve_args=(serve --db "$db" --listen 127.0.0.1:0 --quiet)
[ -n "$serve_threads" ] && serve_args+=(--threads "$serve_threads")
"$truce" "${serve_args[@]}" 2>"$tmp/truce.log" &
pids+=($!)
port=$(wait_port "$tmp/truce.log" "${pids[-1]}" "truce serve") || exit 1
base=http://127.0.0.1:$port

created=$(curl -sS -o "$tmp/ticket.json" -w '%{http_code}' -X POST "$base/api/v1/tickets" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data '{"subject":"Order has not arrived","channel":"email","customer":{"email":"first@example.com","name":"First Customer"},"message":{"body":"I ordered a kettle ten days ago and it has not arrived."}}') ||
    die "cannot reach truce at $base"
[ "$created" = 201 ] || { cat "$tmp/ticket.json" >&2; echo >&2; die "creating the GET ticket gave HTTP $created"; }
ticket=$(sed -n 's/^{"id":\([0-9][0-9]*\).*/\1/p' "$tmp/ticket.json")
[ -n "$ticket" ] || { cat "$tmp/ticket.json" >&2; die "no ticket id in the reply"; }
got=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "$base/api/v1/tickets/$ticket")
[ "$got" = 200 ] || die "GET /api/v1/tickets/$ticket gave HTTP $got"

run_wrk truce-get "$base/api/v1/tickets/$ticket" "$here/get.lua"
run_wrk truce-create "$base/api/v1/tickets" "$here/post.lua"
stop_last "truce serve"

# The same GET with the read cache off: every request reads SQLite and renders.
"$truce" "${serve_args[@]}" --no-read-cache 2>"$tmp/truce-uncached.log" &
pids+=($!)
port=$(wait_port "$tmp/truce-uncached.log" "${pids[-1]}" "truce serve --no-read-cache") || exit 1
run_wrk truce-get-uncached "http://127.0.0.1:$port/api/v1/tickets/$ticket" "$here/get.lua"
stop_last "truce serve"
# With --quiet truce logs only trouble: show it.
if grep -v -e '^truce: listening on' -e '^truce: SIG.* received, stopping' -e '^truce: stopped' \
    "$tmp/truce.log" >"$tmp/truce.trouble"; then
    echo
    echo "== truce logged (stderr, first 20 lines):"
    head -n 20 "$tmp/truce.trouble" | sed 's/^/    /'
fi

# ---- the baselines ----
"$out/hello" 0 2>"$tmp/hello.log" &
pids+=($!)
hport=$(wait_port "$tmp/hello.log" "${pids[-1]}" "hello") || exit 1
run_wrk hello "http://127.0.0.1:$hport/"
stop_last hello

echo
echo "== bare-insert: sqlite_insert for ${duration}s"
"$out/sqlite_insert" "$tmp/insert.db" "$duration" >"$tmp/insert.out" || die "sqlite_insert failed"
sed 's/^/    /' "$tmp/insert.out"
insert_rate=$(sed -n 's/.*: \([0-9.]*\) commits\/s.*/\1/p' "$tmp/insert.out")

echo
echo "== sqlite-tickets: truce's six statements per ticket, 64 tickets per commit, ${duration}s"
"$truce" init --db "$tmp/ceiling.db" >/dev/null || die "truce init for the ceiling failed"
"$out/sqlite_tickets" "$tmp/ceiling.db" "$duration" 64 >"$tmp/ceiling.out" ||
    die "sqlite_tickets failed"
sed 's/^/    /' "$tmp/ceiling.out"
ceiling_rate=$(sed -n 's/.*: \([0-9.]*\) tickets\/s.*/\1/p' "$tmp/ceiling.out")

# ---- the table ----
get_rate=$(wrk_rate truce-get)
uncached_rate=$(wrk_rate truce-get-uncached)
create_rate=$(wrk_rate truce-create)
hello_rate=$(wrk_rate hello)
for v in get_rate uncached_rate create_rate hello_rate insert_rate ceiling_rate; do
    [ -n "${!v}" ] || die "no figure for $v (see the output above)"
done

row() { # NAME RATE UNIT KEY
    local n2="-" se="-"
    if [ -n "$4" ]; then
        n2=$(wrk_non2xx "$4")
        se=$(wrk_sockerr "$4")
        [ "$n2" -eq 0 ] && [ "$se" -eq 0 ] || errors=1
    fi
    printf '  %-50s %10.1f %-9s %8s %8s\n' "$1" "$2" "$3" "$n2" "$se"
}
ratio() { # NAME NUM DEN TARGET
    awk -v name="$1" -v a="$2" -v b="$3" -v t="$4" -v bad="$errors" 'BEGIN {
        r = b > 0 ? a / b : 0
        verdict = t == "" ? "(for information)" : (r >= t ? "met" : "NOT MET")
        if (bad)
            verdict = "INVALID: the run had errors"
        printf "  %-50s %8.3f   %-8s %s\n", name, r, (t == "" ? "-" : ">= " t), verdict
    }'
}

echo
echo "== results (${duration}s each, wrk -t$wrk_threads -c$conns, $ncpu CPUs)"
printf '  %-50s %10s %-9s %8s %8s\n' "what" "rate" "" "non-2xx" "sock-err"
row "hello-world (libmicrohttpd, bench/hello.c)" "$hello_rate" "req/s" hello
row "truce GET /api/v1/tickets/$ticket" "$get_rate" "req/s" truce-get
row "truce GET, --no-read-cache (SQLite every time)" "$uncached_rate" "req/s" truce-get-uncached
row "truce POST /api/v1/tickets (durable)" "$create_rate" "req/s" truce-create
row "bare SQLite insert, one commit per row" "$insert_rate" "commits/s" ""
row "SQLite alone: a ticket's 6 statements, 64/commit" "$ceiling_rate" "tickets/s" ""
echo
printf '  %-50s %8s   %s\n' "ratio" "value" "target"
ratio "truce-GET / hello-world" "$get_rate" "$hello_rate" 0.5
ratio "truce-GET uncached / hello-world" "$uncached_rate" "$hello_rate" ""
ratio "truce-create / hello-world" "$create_rate" "$hello_rate" 0.3
ratio "truce-create / bare-insert" "$create_rate" "$insert_rate" ""
ratio "truce-create / SQLite-alone tickets" "$create_rate" "$ceiling_rate" ""
ratio "SQLite-alone tickets / hello-world" "$ceiling_rate" "$hello_rate" ""
echo "  (truce-create / bare-insert above 1 means truce's group commit puts many"
echo "   tickets in one fsync; the bare loop pays one fsync per row.  SQLite-alone"
echo "   tickets / hello-world is the most any single-writer SQLite desk storing"
echo "   these rows durably could reach against the 0.3 target on this machine.)"

echo
"$(dirname "$0")/analysis.sh" "$(dirname "$truce")"
echo
"$(dirname "$0")/coach.sh" "$(dirname "$truce")"
echo
"$(dirname "$0")/model.sh" "$truce"
echo
"$(dirname "$0")/politeness.sh" "$truce"
echo
"$(dirname "$0")/search.sh" "$truce"
echo
"$(dirname "$0")/insights.sh" "$truce"

if [ "$errors" -ne 0 ]; then
    echo
    echo "  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "  !! ERRORS: non-2xx replies, socket errors or a dead server (above).     !!"
    echo "  !! wrk counts failed requests in requests/s: these figures are NOT valid. !!"
    echo "  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    exit 1
fi
