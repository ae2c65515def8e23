# Shared helpers for the HTTP scenarios (sourced by tNNNN-*.sh).
#
# Each scenario starts its own `truce serve` on a free port with a temporary
# database and talks to it with curl, the way an integrator would.  Results
# are counted; the scenario ends with "NAME: N passed, M failed".
set -u

: "${TRUCE:?set TRUCE to the truce binary under test}"
T_NAME=$(basename "$0" .sh)
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/truce-$T_NAME.XXXXXX")
T_PASS=0
T_FAIL=0
SERVER_PID=""
DB="$T_DIR/truce.db"
PASSWORD="correct-horse-battery"

cleanup() {
    [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$T_DIR"
}
trap cleanup EXIT

ok() { T_PASS=$((T_PASS + 1)); }
not_ok() {
    T_FAIL=$((T_FAIL + 1))
    echo "  FAIL: $*"
    [ -f "$T_DIR/body" ] && echo "        last status $STATUS, body: $(head -c 400 "$T_DIR/body")"
}
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
    desc=$1
    shift
    if "$@"; then ok; else not_ok "$desc"; fi
}

finish() {
    echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" -eq 0 ]
    exit $?
}

# Creates the database with an admin, a lead and an agent (all with PASSWORD)
# and one API token each: ADMIN, LEAD, AGENT.
setup_db() {
    "$TRUCE" init --db "$DB" >/dev/null || { echo "init failed"; exit 1; }
    for who in admin lead agent; do
        echo "$PASSWORD" | "$TRUCE" agent add --db "$DB" --email "$who@test.example" \
            --name "Test $who" --role "$who" --password-stdin >/dev/null || exit 1
    done
    ADMIN=$("$TRUCE" token create --db "$DB" --agent admin@test.example | tail -n 1)
    LEAD=$("$TRUCE" token create --db "$DB" --agent lead@test.example | tail -n 1)
    AGENT=$("$TRUCE" token create --db "$DB" --agent agent@test.example | tail -n 1)
}

# Starts the server on a free port; sets BASE and SERVER_PID.
start_server() {
    : >"$T_DIR/server.log"
    "$TRUCE" serve --db "$DB" --listen 127.0.0.1:0 "$@" 2>>"$T_DIR/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 200); do
        port=$(sed -n 's|^truce: listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$T_DIR/server.log")
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || { echo "server did not start:"; cat "$T_DIR/server.log"; exit 1; }
    BASE="http://127.0.0.1:$port"
}

stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_EXIT=$?
    SERVER_PID=""
}

# req METHOD PATH [BODY [curl args...]]: with the admin token unless TOKEN is set.
# Sets STATUS; the body is in $T_DIR/body (see `json`).
req() {
    method=$1 path=$2
    shift 2
    body=""
    if [ $# -gt 0 ]; then body=$1; shift; fi
    set -- -s -o "$T_DIR/body" -w '%{http_code}' -X "$method" "$@"
    if [ -n "${TOKEN-$ADMIN}" ]; then
        set -- "$@" -H "Authorization: Bearer ${TOKEN-$ADMIN}"
    fi
    if [ -n "$body" ]; then
        STATUS=$(printf '%s' "$body" | curl "$@" -H 'Content-Type: application/json' \
            --data-binary @- "$BASE$path")
    else
        STATUS=$(curl "$@" "$BASE$path")
    fi
}

# json FILTER: jq over the last body (raw output).
json() { jq -r "$1" "$T_DIR/body"; }

# expect STATUS [CODE] DESCRIPTION: the last reply had this status (and error code).
expect() {
    want=$1
    shift
    code=""
    if [ $# -gt 1 ]; then code=$1; shift; fi
    if [ "$STATUS" != "$want" ]; then
        not_ok "$1: want status $want"
        return 1
    fi
    if [ -n "$code" ] && [ "$(json '.error.code')" != "$code" ]; then
        not_ok "$1: want error code $code"
        return 1
    fi
    ok
}

# expect_json FILTER VALUE DESCRIPTION
expect_json() {
    got=$(json "$1")
    if [ "$got" = "$2" ]; then ok; else not_ok "$3: $1 is '$got', want '$2'"; fi
}

# sql QUERY: read the database the way an auditor would.
sql() { sqlite3 "$DB" "$1"; }

ticket_body() { # subject email [body]
    printf '{"subject":"%s","channel":"email","customer":{"email":"%s","name":"Test Customer"},"message":{"body":"%s"}}' \
        "$1" "$2" "${3:-Hello, my order has not arrived.}"
}
