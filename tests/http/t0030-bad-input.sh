#!/bin/bash
# Every kind of bad input gets its status and error code, and writes nothing.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

req POST /api/v1/tickets "$(ticket_body 'Existing' old@example.org)"
t1=$(json .id)
snapshot() {
    sql "select (select count(*) from tickets) || '/' || (select count(*) from messages) || '/' ||
                (select count(*) from customers) || '/' || (select count(*) from events) || '/' ||
                (select count(*) from agents) || '/' || (select count(*) from idempotency_keys) || '/' ||
                (select group_concat(status || priority || coalesce(category,'') || tags) from tickets)"
}
base=$(snapshot)
unchanged() { check "$1: nothing written" [ "$(snapshot)" = "$base" ]; }

# bad STATUS CODE FIELD DESCRIPTION METHOD PATH BODY [curl args]
bad() {
    want=$1 code=$2 field=$3 desc=$4
    shift 4
    req "$@"
    expect "$want" "$code" "$desc"
    if [ -n "$field" ]; then expect_json .error.field "$field" "$desc names the field"; fi
    check "$desc has a message" [ -n "$(json '.error.message // empty')" ]
    unchanged "$desc"
}

long=$(head -c 600 /dev/zero | tr '\0' 'x')
bad 400 malformed_json "" "truncated JSON" POST /api/v1/tickets '{"subject":"x",'
bad 400 malformed_json "" "a JSON array" POST /api/v1/tickets '[1,2]'
bad 400 malformed_json "" "trailing garbage" POST /api/v1/tickets '{"subject":"x"} extra'
bad 400 malformed_json "" "duplicate keys" POST /api/v1/tickets \
    '{"subject":"a","subject":"b","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 malformed_json "" "a NUL escape" POST /api/v1/tickets \
    '{"subject":"a\u0000b","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 malformed_json "" "an empty body" POST /api/v1/tickets "" -H 'Content-Type: application/json'
expect_json .error.message "the body is empty: a JSON object is expected" "an empty body is named"
bad 400 malformed_json "" "a body of blanks" POST /api/v1/tickets "$(printf ' \r\n\t')"
expect_json .error.message "the body is empty: a JSON object is expected" "a body of blanks is empty"
req POST /api/v1/tickets '[1,2]'
expect_json .error.message "the body is an array: it must be a JSON object" "an array body is named"
req POST /api/v1/tickets '{"subject":"a\u0000b","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
check "a \\u0000 escape is named as a NUL character, not by jansson's flag" \
    grep -q 'a string holds \\\\u0000 (line 1 column [0-9]*): text cannot contain NUL' "$T_DIR/body"
printf '{"subject":"a\0b","customer":{"email":"a@b.co"},"message":{"body":"x"}}' >"$T_DIR/nul.json"
bad 400 malformed_json "" "a raw NUL byte" POST /api/v1/tickets "" \
    -H 'Content-Type: application/json' --data-binary @"$T_DIR/nul.json"
expect_json .error.message "the body has a NUL byte at byte 14: JSON text cannot hold one" \
    "a raw NUL byte is named with its place"
bad 400 wrong_type subject "a number for a string" POST /api/v1/tickets \
    '{"subject":42,"customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 wrong_type customer "a string for an object" POST /api/v1/tickets \
    '{"subject":"s","customer":"a@b.co","message":{"body":"x"}}'
bad 400 wrong_type internal "a string for a boolean" POST "/api/v1/tickets/$t1/messages" \
    '{"body":"x","internal":"yes"}'
bad 400 wrong_type tags "a string for a list" PATCH "/api/v1/tickets/$t1" '{"tags":"vip"}'
bad 400 wrong_type tags "a number in a list of strings" PATCH "/api/v1/tickets/$t1" '{"tags":["a",1]}'
bad 400 wrong_type assignee "a string for an id" PATCH "/api/v1/tickets/$t1" '{"assignee":"1"}'
bad 400 missing_field subject "no subject" POST /api/v1/tickets \
    '{"customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 missing_field customer.email "no customer email" POST /api/v1/tickets \
    '{"subject":"s","customer":{"name":"A"},"message":{"body":"x"}}'
bad 400 missing_field message "no message" POST /api/v1/tickets '{"subject":"s","customer":{"email":"a@b.co"}}'
bad 400 missing_field body "a message without body" POST "/api/v1/tickets/$t1/messages" '{"author":"agent"}'
bad 400 unknown_field colour "an unknown field" POST /api/v1/tickets \
    '{"subject":"s","colour":"red","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 unknown_field customer.phone "an unknown nested field" POST /api/v1/tickets \
    '{"subject":"s","customer":{"email":"a@b.co","phone":"1"},"message":{"body":"x"}}'
bad 400 unknown_field risk "a field PATCH cannot change" PATCH "/api/v1/tickets/$t1" '{"risk":0}'
bad 400 too_long subject "a subject over 500 bytes" POST /api/v1/tickets \
    "{\"subject\":\"$long\",\"customer\":{\"email\":\"a@b.co\"},\"message\":{\"body\":\"x\"}}"
bad 400 too_long tags "a tag over 64 bytes" PATCH "/api/v1/tickets/$t1" "{\"tags\":[\"$long\"]}"
bad 400 invalid_value customer.email "an address without @" POST /api/v1/tickets \
    '{"subject":"s","customer":{"email":"not-an-address"},"message":{"body":"x"}}'
bad 400 invalid_value channel "an unknown channel" POST /api/v1/tickets \
    '{"subject":"s","channel":"pigeon","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 invalid_value status "an unknown status" PATCH "/api/v1/tickets/$t1" '{"status":"done"}'
bad 400 invalid_value subject "an empty subject" POST /api/v1/tickets \
    '{"subject":"","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 invalid_value subject "a blank subject" POST /api/v1/tickets \
    '{"subject":"  \t ","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 invalid_value body "a blank message" POST "/api/v1/tickets/$t1/messages" '{"body":"\n \n"}'
bad 400 invalid_value tags "a tag with spaces" PATCH "/api/v1/tickets/$t1" '{"tags":["two words"]}'

# Names, subjects and titles are one line: no line break (which would forge a
# mail header or a second row), no control character, no direction override
# (which makes "\u202enimda" show as "admin").  Bodies keep their lines.
bad 400 invalid_value subject "a line break in a subject" POST /api/v1/tickets \
    '{"subject":"Refund\nBcc: all@example.org","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
expect_json .error.message "'subject' must be one line of text: it has a control character (U+000A) at character 7" \
    "the line break is named with its place"
bad 400 invalid_value customer.name "a direction override in a customer name" POST /api/v1/tickets \
    '{"subject":"s","customer":{"email":"a@b.co","name":"\u202enimda"},"message":{"body":"x"}}'
expect_json .error.message "'customer.name' must be one line of text: it has a bidirectional control (U+202E) at character 1" \
    "the override is named"
bad 400 invalid_value category "a C1 control in a category" PATCH "/api/v1/tickets/$t1" '{"category":"billing\u0085"}'
bad 400 invalid_value name "a tab in an agent's name" POST /api/v1/agents \
    '{"email":"tab@test.example","name":"Ann\tLee","role":"agent"}'
bad 400 invalid_value name "a line separator in an agent's new name" PATCH "/api/v1/agents/$(sql "select id from agents where email = 'admin@test.example'")" \
    '{"name":"Ann\u2028Lee"}'
req POST /api/v1/tickets '{"subject":"Caf\u00e9 \u05e9\u05dc\u05d5\u05dd \u200f\ud83d\ude00","customer":{"email":"rtl@b.co","name":"\u05d3\u05e0\u05d4"},"message":{"body":"line one\n\tline two"}}'
expect 201 "" "a subject and a name in any script, and a body of several lines, are taken"
t_rtl=$(json .id)
check "the body keeps its line break and tab" \
    [ "$(sql "select body from messages where ticket_id = $t_rtl")" = "$(printf 'line one\n\tline two')" ]
base=$(snapshot)

# Invalid UTF-8, raw and in a query.
printf '{"subject":"caf\xe9","customer":{"email":"a@b.co"},"message":{"body":"x"}}' >"$T_DIR/latin1"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary @"$T_DIR/latin1" "$BASE/api/v1/tickets")
expect 400 invalid_utf8 "a Latin-1 body"
unchanged "a Latin-1 body"
printf '{"subject":"\xed\xa0\x80","customer":{"email":"a@b.co"},"message":{"body":"x"}}' >"$T_DIR/surrogate"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary @"$T_DIR/surrogate" "$BASE/api/v1/tickets")
expect 400 invalid_utf8 "an encoded surrogate"
bad 400 invalid_value status "invalid UTF-8 in a query value" GET "/api/v1/tickets?status=%ff"
bad 400 invalid_value status "a NUL in a query value" GET "/api/v1/tickets?status=%00open"
bad 400 invalid_value status "a query parameter given twice" GET "/api/v1/tickets?status=open&status=closed"
agent_me=$(sql "select id from agents where email = 'admin@test.example'")
customer1=$(sql "select customer_id from tickets where id = $t1")
for path in "/api/v1/tickets/$t1" "/api/v1/customers/$customer1" /api/v1/agents \
    "/api/v1/agents/$agent_me" /api/v1/session; do
    bad 400 unknown_field zz "an unknown query parameter on $path" GET "$path?zz=1"
done
# Routes that read no query parameters refuse them too, writes included: a
# typo such as ?internal=true on a reply must not be silently dropped.
bad 400 unknown_field internal "a query parameter on a message post" \
    POST "/api/v1/tickets/$t1/messages?internal=true" '{"body":"x"}'
bad 400 unknown_field zz "a query parameter on a ticket patch" \
    PATCH "/api/v1/tickets/$t1?zz=1" '{"priority":"urgent"}'
bad 400 unknown_field zz "a query parameter on a ticket post" POST "/api/v1/tickets?zz=1" \
    '{"subject":"s","customer":{"email":"a@b.co"},"message":{"body":"x"}}'
bad 400 unknown_field zz "a query parameter on the analysis API" POST "/api/v1/analyze?zz=1" \
    '{"text":"x"}'
bad 400 unknown_field zz "a query parameter on a health check" GET "/healthz?zz=1"
bad 400 unknown_field q "a list parameter on another list" GET "/api/v1/offers?q=x"
bad 400 unknown_field format "a report parameter on another route" GET "/api/v1/agents?format=csv"
# Pages people open from links (which may carry tracking tags) take any.
for path in "/help/?utm_source=mail" "/app/?v=2" "/?utm_source=x"; do
    STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
    check "the page $path is served ($STATUS)" [ "$STATUS" = 200 ]
done
# A %00 in the path does not end it early: /tickets/1%00/x is not /tickets/1.
bad 404 not_found "" "a NUL in the path" PATCH "/api/v1/tickets/$t1%00/x" '{"priority":"urgent"}'
bad 404 not_found "" "a NUL after an id" GET "/api/v1/tickets/$t1%00"

# Text from the client quoted back in an error, cut at the message limit or not
# UTF-8 at all, still makes a valid JSON answer (and never stops the server).
quoted() { # DESCRIPTION STATUS METHOD PATH [BODY]
    desc=$1 want=$2
    shift 2
    req "$@"
    expect "$want" "$desc"
    check "$desc: the answer is valid JSON" sh -c "jq -e .error.code '$T_DIR/body' >/dev/null"
}
quoted "invalid UTF-8 in the path" 404 GET '/%FF'
quoted "a long path cut mid-character" 404 GET "/a$(printf '%%C3%%A9%.0s' $(seq 1 200))"
quoted "invalid UTF-8 in a query name" 400 GET '/api/v1/tickets?%FF=1'
quoted "a long JSON key cut mid-character" 400 POST /api/v1/tickets \
    "{\"$(printf 'é%.0s' $(seq 1 100))\":1}"
quoted "a control character in the path" 404 GET '/x%0Afake%20log%20line'
check "the log keeps one line per request" sh -c "! grep -q '^fake log line' '$T_DIR/server.log'"
unchanged "quoted bad text"

bad 415 unsupported_media_type "" "a form body" POST /api/v1/tickets "subject=x" \
    -H 'Content-Type: application/x-www-form-urlencoded'
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: text/plain' -d '{}' "$BASE/api/v1/tickets")
expect 415 unsupported_media_type "text/plain"

head -c 1100000 /dev/zero | tr '\0' 'a' >"$T_DIR/big"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary @"$T_DIR/big" "$BASE/api/v1/tickets")
expect 413 payload_too_large "a body over 1 MiB"
unchanged "a body over 1 MiB"
curl -s -v -o "$T_DIR/body" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -H 'Expect: 100-continue' --data-binary @"$T_DIR/big" "$BASE/api/v1/tickets" 2>"$T_DIR/verbose"
check "an oversized upload is refused before it is sent" sh -c "! grep -q '100 Continue' '$T_DIR/verbose'"
check "with 413" grep -q '^< HTTP/1.1 413' "$T_DIR/verbose"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$T_DIR/big" \
    "$BASE/api/v1/tickets")
expect 413 payload_too_large "a chunked body over 1 MiB"
unchanged "a chunked body over 1 MiB"

bad 404 not_found "" "an unknown route" GET /api/v1/nothing
bad 404 not_found "" "an unknown ticket" PATCH /api/v1/tickets/999999 '{"status":"open"}'
bad 405 method_not_allowed "" "DELETE on tickets" DELETE "/api/v1/tickets/$t1"
check "405 says what is allowed" sh -c "curl -s -i -X DELETE -H 'Authorization: Bearer $ADMIN' \
    '$BASE/api/v1/tickets/$t1' | grep -qi '^Allow: GET, PATCH'"
bad 409 conflict email "a duplicate agent" POST /api/v1/agents \
    '{"email":"agent@test.example","name":"Again","role":"agent"}'
bad 400 invalid_value name "a blank agent name" POST /api/v1/agents \
    '{"email":"blank@test.example","name":" \t ","role":"agent"}'

# Two Content-Lengths: the server reads one, a proxy in front may read the
# other; the request is refused whole, not read either way.
body=$(ticket_body 'Two lengths' twice@example.org)
exec 3<>"/dev/tcp/127.0.0.1/${BASE##*:}"
printf 'POST /api/v1/tickets HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nContent-Length: 2\r\n\r\n%s' \
    "$ADMIN" "${#body}" "$body" >&3
cat <&3 >"$T_DIR/raw"
exec 3<&-
STATUS=$(sed -n '1s|^HTTP/1.1 \([0-9]*\).*|\1|p' "$T_DIR/raw")
sed '1,/^\r$/d' "$T_DIR/raw" >"$T_DIR/body"
expect 400 invalid_value "two Content-Length headers"
expect_json .error.field Content-Length "two Content-Length headers names the header"
unchanged "two Content-Length headers"

# Text stored before input was checked (an old database, a hand edit) that is
# not UTF-8 still renders: the bad bytes show as '?', and nothing aborts.
sql "update customers set name = cast(x'52656ee965' as text) where email = 'old@example.org'"
sql "update agents set name = cast(x'4a6f73e9' as text) where email = 'agent@test.example'"
agent_id=$(sql "select id from agents where email = 'agent@test.example'")
req GET "/api/v1/tickets/$t1"
expect 200 "a ticket whose customer's stored name is not UTF-8"
expect_json .customer.name "Ren?e" "shows the bad byte as '?'"
req PATCH "/api/v1/tickets/$t1" "{\"assignee\":$agent_id}"
expect 200 "assigning an agent whose stored name is not UTF-8"
expect_json .assignee.name "Jos?" "shows the bad byte as '?'"
req GET /api/v1/tickets
expect 200 "the list with such a ticket"
base=$(snapshot)

# Text that looks like SQL or HTML is stored exactly as given.
nasty="Robert'); DROP TABLE tickets;-- <script>alert(1)</script> <img src=x onerror=alert(2)>"
req POST /api/v1/tickets "$(jq -n --arg s "$nasty" '{subject:$s,customer:{email:"b@example.org"},message:{body:$s}}')"
expect 201 "SQL and HTML in text fields are accepted"
expect_json .subject "$nasty" "and stored as given"
check "the tickets table is still there" [ "$(sql 'select count(*) from tickets')" -ge 2 ]
check "the server never answered 500" sh -c "! grep -q ' 50[0-9] ' '$T_DIR/server.log'"
check "the server is still up" curl -sf "$BASE/healthz" -o /dev/null
finish
