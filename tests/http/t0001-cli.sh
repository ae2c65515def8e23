#!/bin/bash
# The truce command: help, version, exit codes, init/agent/token, serve basics.
. "$(dirname "$0")/lib.sh"

"$TRUCE" --help >"$T_DIR/out" 2>&1
check "--help exits 0" [ $? -eq 0 ]
check "--help lists serve" grep -q "serve" "$T_DIR/out"
"$TRUCE" --version >"$T_DIR/out" 2>&1
check "--version prints the version" grep -q "^truce [0-9]" "$T_DIR/out"
"$TRUCE" frobnicate 2>"$T_DIR/err"
check "unknown command exits 2" [ $? -eq 2 ]
check "unknown command says so in one line" [ "$(wc -l <"$T_DIR/err")" -eq 1 ]
for cmd in init agent token serve demo; do
    "$TRUCE" $cmd --help >"$T_DIR/out" 2>&1
    check "'$cmd --help' exits 0" [ $? -eq 0 ]
    check "'$cmd --help' shows usage" grep -q "usage: truce $cmd" "$T_DIR/out"
done
"$TRUCE" init --db "$DB" --bogus 2>"$T_DIR/err"
check "unknown option exits 2" [ $? -eq 2 ]
check "a usage error is one line on stderr" [ "$(wc -l <"$T_DIR/err")" -eq 1 ]

"$TRUCE" init --db "$DB" >"$T_DIR/out"
check "init creates the database" [ -f "$DB" ]
# The schema version is the highest migration number, and each migration file
# is recorded once (run.sh runs from tests/http).  Numbers may have gaps while
# branches that add migrations land in another order.
MIGRATIONS=$(ls ../../data/schema/sqlite/[0-9][0-9][0-9][0-9]_*.sql)
LATEST=$(printf '%s\n' "$MIGRATIONS" | sed 's|.*/0*\([0-9][0-9]*\)_[^/]*$|\1|' | sort -n | tail -n 1)
N_MIGRATIONS=$(printf '%s\n' "$MIGRATIONS" | wc -l)
check "init reports the schema" grep -q "schema version $LATEST\b" "$T_DIR/out"
"$TRUCE" init --db "$DB" >/dev/null
check "init again is harmless" [ $? -eq 0 ]
check "migrations are recorded once" \
    [ "$(sql 'select count(*) from schema_version')" = "$N_MIGRATIONS" ]

echo "$PASSWORD" | "$TRUCE" agent add --db "$DB" --email a@test.example --name A --role admin \
    --password-stdin >/dev/null
check "agent add works" [ $? -eq 0 ]
check "the password is stored as Argon2id" \
    [ "$(sql "select substr(password_hash,1,9) from agents where email='a@test.example'")" = '$argon2id' ]
"$TRUCE" agent add --db "$DB" --email A@TEST.EXAMPLE --name B --role agent 2>"$T_DIR/err"
check "duplicate agent email (any case) exits 2" [ $? -eq 2 ]
check "duplicate agent email is explained" grep -q "exists" "$T_DIR/err"
"$TRUCE" agent add --db "$DB" --email c@test.example --name C --role boss 2>/dev/null
check "bad role exits 2" [ $? -eq 2 ]
echo short | "$TRUCE" agent add --db "$DB" --email d@test.example --name D --role agent \
    --password-stdin 2>/dev/null
check "short password refused" [ $? -eq 2 ]
"$TRUCE" agent add --db "$DB" --email e@test.example --name "$(printf 'Ann\nLee')" --role agent \
    2>"$T_DIR/err"
check "a name of two lines exits 2" [ $? -eq 2 ]
check "the line break is named with its place" \
    grep -q "name must be one line of text: it has a control character (U+000A) at character 4" "$T_DIR/err"
"$TRUCE" agent add --db "$DB" --email f@test.example --name "$(printf '\342\200\256nimda')" \
    --role agent 2>/dev/null
check "a name behind a direction override exits 2" [ $? -eq 2 ]
check "refused agents are not written" [ "$(sql 'select count(*) from agents')" = 1 ]

"$TRUCE" token create --db "$DB" --agent a@test.example >"$T_DIR/out"
tok=$(tail -n 1 "$T_DIR/out")
check "token is printed alone on the last line" [ "${tok#trc_}" != "$tok" ]
check "token is not stored in clear" [ "$(sql "select count(*) from api_tokens where token_hash = '$tok'")" = 0 ]
"$TRUCE" token create --db "$DB" --agent nobody@test.example 2>"$T_DIR/err"
check "token for unknown agent exits 1" [ $? -eq 1 ]

"$TRUCE" serve --db "$DB" --listen nonsense 2>/dev/null
check "bad --listen exits 2" [ $? -eq 2 ]
"$TRUCE" serve --db "$DB" --threads 0 2>/dev/null
check "bad --threads exits 2" [ $? -eq 2 ]

ADMIN=$tok
start_server --threads 2
TOKEN= req GET /healthz
expect 200 "healthz needs no auth"
expect_json .status ok "healthz says ok"
TOKEN= req GET /api/v1/tickets
check "the server logs one line per request" grep -q 'GET /api/v1/tickets 401' "$T_DIR/server.log"
stop_server
check "SIGTERM stops the server with exit 0" [ "$SERVER_EXIT" -eq 0 ]
check "the server says it stopped" grep -q "stopped" "$T_DIR/server.log"

"$TRUCE" demo --db "$T_DIR/demo.db" >"$T_DIR/out"
check "demo loads" [ $? -eq 0 ]
check "demo prints a login" grep -q "maya@truce.example" "$T_DIR/out"
# The analysis decides the levels now: calm ones and hot ones, each with its reasons.
check "demo has calm tickets" \
    [ "$(sqlite3 "$T_DIR/demo.db" "select count(*) from tickets where level = 'calm'")" -gt 0 ]
check "demo has heated or hostile tickets" \
    [ "$(sqlite3 "$T_DIR/demo.db" "select count(*) from tickets where level in ('heated', 'hostile')")" -gt 0 ]
check "demo tickets carry risk reasons" \
    [ "$(sqlite3 "$T_DIR/demo.db" "select count(*) from tickets where risk_reasons is null")" = 0 ]
"$TRUCE" demo --db "$T_DIR/demo.db" >/dev/null 2>&1
check "demo refuses a database that has agents" [ $? -eq 1 ]
finish
