#!/bin/bash
# Conflict analysis through the API and the CLI: every customer message is
# analysed, the ticket carries its risk, level and reasons, the list sorts by
# risk, and bad input gets a clear error.  Kinds and levels, not exact floats.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

HOSTILE='This is UNACCEPTABLE. Third time I write, you are useless idiots. I will sue you and post a review everywhere, cancel my account now!'
CALM='Hello, could you tell me when my order will ship? Thanks a lot!'

# ---- a ticket's first message ----
req POST /api/v1/tickets "$(ticket_body 'Order status' calm@example.org "$CALM")"
expect 201 "open a calm ticket"
calm=$(json .id)
expect_json .level calm "a calm message gives a calm ticket"
expect_json '.messages[0].analysis | type' object "the message's analysis is an object"
expect_json '.messages[0].analysis.triggers | length' 0 "a calm message has no triggers"

req POST /api/v1/tickets "$(ticket_body 'Complaint' angry@example.org "$HOSTILE")"
expect 201 "open a hostile ticket"
hot=$(json .id)
check "a hostile message gives a heated or hostile ticket" \
    grep -Eq '"level":"(heated|hostile)"' "$T_DIR/body"
check "its risk is high" [ "$(json .risk)" -ge 50 ]
expect_json '[.messages[0].analysis.triggers[].kind] | index("legal_threat") != null' true \
    "the legal threat is found"
expect_json '[.messages[0].analysis.triggers[] | select(.kind == "legal_threat") | .text | test("(?i)sue")] | any' \
    true "a trigger's text is cut from the message"
expect_json '.risk_reasons | length > 0' true "the ticket says why"
expect_json '.risk_reasons[0].text | type' string "a reason is a sentence"
expect_json '.messages[0].analysis.reasons | length > 0' true "the message says why"
hot_risk=$(json .risk)

req GET "/api/v1/tickets/$hot"
expect 200 "read the hostile ticket"
expect_json '.risk_reasons | length > 0' true "reasons are stored on the ticket"
expect_json '.messages[0].analysis.level' "$(json '.messages[0].analysis.level')" "the analysis is stored"

req GET "/api/v1/tickets/$hot/events"
expect 200 "the hostile ticket's trail"
expect_json '[.items[] | select(.action == "ticket.level_changed")] | length > 0' true \
    "the level change is audited"
expect_json '[.items[] | select(.action == "ticket.level_changed")][0].after.reasons | length > 0' \
    true "with its reasons"

# ---- the list by risk ----
req GET "/api/v1/tickets?sort=risk"
expect 200 "list by risk"
expect_json '.items[0].id' "$hot" "the hostile ticket comes first"
expect_json '.items[0].risk_reasons | length > 0' true "the list shows the reasons"

# ---- the thread moves the risk ----
req POST "/api/v1/tickets/$calm/messages" \
    '{"author":"customer","body":"Still nothing?! This is RIDICULOUS, I want a manager and I will cancel."}'
expect 201 "the calm customer writes again, angrier"
expect_json '.analysis | type' object "an added customer message is analysed"
req GET "/api/v1/tickets/$calm"
check "the calm ticket got riskier" [ "$(json .risk)" -gt 10 ]
worse=$(json .risk)

req POST "/api/v1/tickets/$hot/messages" \
    '{"body":"I am sorry, that is on us. I have refunded you in full today and your account stays as it is."}'
expect 201 "an agent replies"
expect_json '.analysis' null "an agent's reply is not analysed as a customer's"
req GET "/api/v1/tickets/$hot"
check "the reply lowers the risk" [ "$(json .risk)" -lt "$hot_risk" ]
expect_json '[.risk_reasons[].text] | any(test("replied"))' true "the reply is a reason"

req POST "/api/v1/tickets/$hot/messages" '{"author":"customer","body":"Thank you, that is fine."}'
expect 201 "the customer answers calmly"
req GET "/api/v1/tickets/$hot"
check "a helpful reply brings the risk down further" [ "$(json .risk)" -lt "$hot_risk" ]

req POST "/api/v1/tickets/$calm/messages" '{"body":"checking with the warehouse","internal":true}'
expect 201 "an internal note"
req GET "/api/v1/tickets/$calm"
expect_json .risk "$worse" "an internal note is not a reply"

# ---- an agent's category stays ----
req PATCH "/api/v1/tickets/$calm" '{"category":"shipping"}'
expect 200 "an agent sets the category"
req POST "/api/v1/tickets/$calm/messages" '{"author":"customer","body":"Any news on the invoice?"}'
req GET "/api/v1/tickets/$calm"
expect_json .category shipping "the analysis leaves an agent's category alone"

# ---- POST /api/v1/analyze ----
req POST /api/v1/analyze "{\"text\":\"$HOSTILE\"}"
expect 200 "analyze a text"
check "the text reads heated or hostile" grep -Eq '"level":"(heated|hostile)"' "$T_DIR/body"
expect_json '.score >= 50' true "with a high score"
expect_json '.sentiment | keys | sort | join(",")' compound,neg,neu,pos "sentiment fields"
expect_json '.emotions | has("anger")' true "emotion fields"
expect_json '.thread_risk' null "no thread, no thread risk"

req POST /api/v1/analyze "{\"text\":\"$CALM\"}"
expect 200 "analyze a calm text"
expect_json .level calm "calm text is calm"

req POST /api/v1/analyze "{\"text\":\"Still waiting. I will cancel.\",\"thread\":[{\"author\":\"customer\",\"body\":\"$HOSTILE\",\"at\":\"2026-01-01T08:00:00Z\"},{\"author\":\"agent\",\"body\":\"We are looking into it.\",\"at\":\"2026-01-01T09:00:00Z\"}]}"
expect 200 "analyze with a thread"
expect_json '.thread_risk.risk | type' number "the thread's risk"
expect_json '.thread_risk.level | test("calm|tense|heated|hostile")' true "the thread's level"
expect_json '[.thread_risk.reasons[].text] | any(test("legal threat earlier"))' true \
    "earlier triggers count"

TOKEN=$AGENT req POST /api/v1/analyze "{\"text\":\"hi\"}"
expect 200 "an agent may analyze"
TOKEN= req POST /api/v1/analyze "{\"text\":\"hi\"}"
expect 401 unauthorized "anonymous may not"

req POST /api/v1/analyze '{"text":""}'
expect 400 invalid_value "empty text"
expect_json .error.field text "names the field"
req POST /api/v1/analyze '{"text":"  \n\t "}'
expect 400 invalid_value "blank text"
req POST /api/v1/analyze '{}'
expect 400 missing_field "no text"
req POST /api/v1/analyze '{"text":42}'
expect 400 wrong_type "text of the wrong type"
req POST /api/v1/analyze '{"text":"a\udc80b"}'
expect 400 "a lone surrogate escape"
check "is a UTF-8 or JSON error" grep -Eq '"code":"(invalid_utf8|malformed_json)"' "$T_DIR/body"
req POST /api/v1/analyze "$(printf '{"text":"caf\xc3 ok"}')"
expect 400 invalid_utf8 "raw invalid UTF-8"
printf '{"text":"\x01\x02\xff\xfe\x00binary"}' >"$T_DIR/bin.json"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary @"$T_DIR/bin.json" "$BASE/api/v1/analyze")
expect 400 invalid_utf8 "binary data"
big=$(head -c 1100000 /dev/zero | tr '\0' 'a')
printf '{"text":"%s"}' "$big" >"$T_DIR/big.json"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary @"$T_DIR/big.json" "$BASE/api/v1/analyze")
expect 413 payload_too_large "1 MB of text"
mid=$(head -c 300000 /dev/zero | tr '\0' 'a')
printf '{"text":"%s"}' "$mid" >"$T_DIR/mid.json"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary @"$T_DIR/mid.json" "$BASE/api/v1/analyze")
expect 400 too_long "text over the field limit"
req POST /api/v1/analyze '{"text":"x","thread":[{"author":"robot","body":"x"}]}'
expect 400 invalid_value "a bad author in the thread"
expect_json .error.field 'thread[0].author' "names the item"
req POST /api/v1/analyze '{"text":"x","thread":[{"author":"customer","body":"x","at":"yesterday"}]}'
expect 400 invalid_value "a bad time in the thread"
expect_json .error.field 'thread[0].at' "names the item's field"
req POST /api/v1/analyze '{"text":"x","thread":[{"author":"customer","body":"x","at":"1900-01-01T00:00:00Z"}]}'
expect 400 invalid_value "a time before 1970 in the thread"
expect_json .error.field 'thread[0].at' "names the time"
req POST /api/v1/analyze '{"text":"x","thread":[{"author":"customer","body":"x","at":"2999-01-01T00:00:00Z"}]}'
expect 400 invalid_value "a time in the future in the thread"
req POST /api/v1/analyze '{"text":"x","thread":[{"author":"customer","body":"x","at":"2026-01-02T00:00:00Z"},{"author":"agent","body":"y","at":"2026-01-01T00:00:00Z"}]}'
expect 400 invalid_value "thread times that go backwards"
expect_json .error.field 'thread[1].at' "names the later item's time"
req POST /api/v1/analyze '{"text":"x","thread":[{"author":"customer","body":"x","at":"2026-01-01T00:00:00Z"},{"author":"agent","body":"y"},{"author":"agent","body":"z","at":"2026-01-01T00:00:00Z"}]}'
expect 200 "equal times, and an item without one between them"
req POST /api/v1/analyze '{"text":"x","thread":"no"}'
expect 400 wrong_type "a thread that is not an array"
req GET /healthz
expect 200 "the server is still up"

# ---- truce analyze ----
out=$("$TRUCE" analyze --text "$HOSTILE")
check "CLI --text exits 0" [ $? -eq 0 ]
check "CLI --text: heated or hostile" sh -c "printf '%s' '$out' | jq -e '.level | test(\"heated|hostile\")' >/dev/null"
check "CLI --text: legal threat" sh -c "printf '%s' '$out' | jq -e '[.triggers[].kind] | index(\"legal_threat\") != null' >/dev/null"

printf '%s\n%s\n' "$CALM" "$HOSTILE" | "$TRUCE" analyze >"$T_DIR/out"
check "CLI stdin exits 0" [ $? -eq 0 ]
check "CLI stdin: one object per line" [ "$(wc -l <"$T_DIR/out")" -eq 2 ]
check "CLI stdin: in order" [ "$(jq -r .level "$T_DIR/out" | head -n 1)" = calm ]

printf '%s\n\xff\xfe\n' "$CALM" | "$TRUCE" analyze >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI stdin with invalid UTF-8 exits 1" [ $? -eq 1 ]
check "the bad line gets an error object" [ "$(sed -n 2p "$T_DIR/out" | jq -r .error.code)" = invalid_utf8 ]
check "stderr names the line" grep -q "stdin:2:" "$T_DIR/err"

printf '{"text":"%s"}\nnot json\n{"id":3}\n{"text":"%s"}\n' "$CALM" "$HOSTILE" >"$T_DIR/in.jsonl"
"$TRUCE" analyze --jsonl "$T_DIR/in.jsonl" >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI --jsonl with bad lines exits 1" [ $? -eq 1 ]
check "CLI --jsonl: one output line per input line" [ "$(wc -l <"$T_DIR/out")" -eq 4 ]
check "CLI --jsonl: line 2 is an error" [ "$(sed -n 2p "$T_DIR/out" | jq -r .error.line)" = 2 ]
check "CLI --jsonl: line 3 lacks text" [ "$(sed -n 3p "$T_DIR/out" | jq -r .error.code)" = missing_field ]
check "CLI --jsonl: line 4 is analysed" [ "$(sed -n 4p "$T_DIR/out" | jq -r '.score >= 50')" = true ]
check "CLI --jsonl: stderr names the lines" grep -q "in.jsonl:3:" "$T_DIR/err"

printf '\357\273\277{"text":"%s"}\r\n\r\n[1,2]\r\n"text"\r\n' "$HOSTILE" >"$T_DIR/win.jsonl"
"$TRUCE" analyze --jsonl "$T_DIR/win.jsonl" >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI --jsonl with a byte-order mark and CRLF: line 1 is analysed" \
    [ "$(sed -n 1p "$T_DIR/out" | jq -r '.score >= 50')" = true ]
check "CLI --jsonl: a blank line is an error in its place" \
    [ "$(sed -n 2p "$T_DIR/out" | jq -r .error.line)" = 2 ]
check "CLI --jsonl: stderr says the line is empty" grep -q "win.jsonl:2: the line is empty" "$T_DIR/err"
check "CLI --jsonl: an array is named as one" grep -q "win.jsonl:3: the line is a JSON array, not an object" "$T_DIR/err"
check "CLI --jsonl: a string is named as one" grep -q "win.jsonl:4: the line is a JSON string, not an object" "$T_DIR/err"
"$TRUCE" analyze --jsonl "$T_DIR" >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI --jsonl of a directory exits 1" [ $? -eq 1 ]
check "and says it is a directory" grep -q "is a directory" "$T_DIR/err"
printf 'caf\303\251 \000 ok\n' | "$TRUCE" analyze >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI stdin with a NUL byte exits 1" [ $? -eq 1 ]
check "and says so" grep -q "stdin:1: the text holds a NUL byte" "$T_DIR/err"

cat >"$T_DIR/thread.json" <<JSON
[{"author":"customer","body":"$HOSTILE","at":"2026-01-01T08:00:00Z"},
 {"author":"agent","body":"We are on it.","at":"2026-01-01T08:30:00Z"},
 {"author":"customer","body":"Nothing happened. Cancel it all!","at":"2026-01-01T09:00:00Z"}]
JSON
"$TRUCE" analyze --thread "$T_DIR/thread.json" >"$T_DIR/out"
check "CLI --thread exits 0" [ $? -eq 0 ]
check "CLI --thread prints the risk" [ "$(jq -r '.risk | type' "$T_DIR/out")" = number ]
check "CLI --thread: waiting since January is a reason" \
    [ "$(jq -r '[.reasons[].text] | any(test("waited"))' "$T_DIR/out")" = true ]
echo '[{"author":"customer","body":"x","mood":"sunny"}]' >"$T_DIR/bad.json"
"$TRUCE" analyze --thread "$T_DIR/bad.json" >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI --thread with an unknown field exits 1" [ $? -eq 1 ]
check "and names it" grep -q "unknown field 'thread\[0\].mood'" "$T_DIR/err"
check "and prints nothing" [ ! -s "$T_DIR/out" ]
echo '[{"author":"customer","body":"x","at":"2026-01-02T00:00:00Z"},
 {"author":"agent","body":"y","at":"2026-01-01T00:00:00Z"}]' >"$T_DIR/bad.json"
"$TRUCE" analyze --thread "$T_DIR/bad.json" >/dev/null 2>"$T_DIR/err"
check "CLI --thread with times going backwards exits 1" [ $? -eq 1 ]
check "and names the item" grep -q "'thread\[1\].at' is earlier than thread\[0\].at" "$T_DIR/err"
printf '\357\273\277[{"author":"customer","body":"Where is my order?"}]\r\n' >"$T_DIR/bom.json"
"$TRUCE" analyze --thread "$T_DIR/bom.json" >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI --thread reads a file with a byte-order mark and CRLF" [ $? -eq 0 ]
check "and prints the risk" [ "$(jq -r '.risk | type' "$T_DIR/out")" = number ]
"$TRUCE" analyze --thread "$T_DIR" >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI --thread of a directory exits 1" [ $? -eq 1 ]
check "and says it is a directory" grep -q "is a directory" "$T_DIR/err"
"$TRUCE" analyze --thread "$T_DIR/nowhere.json" >"$T_DIR/out" 2>"$T_DIR/err"
check "CLI --thread of a missing file exits 1" [ $? -eq 1 ]
check "and says why, without a line number" \
    grep -qx "truce: cannot open '$T_DIR/nowhere.json': No such file or directory" "$T_DIR/err"
echo '[{"author":"customer"}]' >"$T_DIR/bad.json"
"$TRUCE" analyze --thread "$T_DIR/bad.json" >/dev/null 2>"$T_DIR/err"
check "CLI --thread with a bad item exits 1" [ $? -eq 1 ]
check "and names it" grep -q "thread\[0\].body" "$T_DIR/err"
"$TRUCE" analyze --data "$T_DIR/nowhere" --text hi >/dev/null 2>"$T_DIR/err"
check "missing analysis data exits 1" [ $? -eq 1 ]
check "with the reason" grep -q "analysis data" "$T_DIR/err"

finish
