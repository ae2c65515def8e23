#!/bin/bash
# The reply coach and QA scorecards through the API and the CLI: a draft is
# reviewed (with a given thread or a ticket's), an agent's reply is stored
# with its review, QA scores a ticket or given conversations, and bad input
# gets a clear error.  Structure and kinds, not exact scores.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

ANGRY='My order is three weeks late and nobody answers. This is the third time I write!'
GOOD='Hi Dana, thank you for writing, and I am sorry your order is so late: that is on us. I have sent a replacement by express today; you will have the tracking number by email within the hour. Is there anything else I can do for you? Best regards, Sam'
BLAME='You should have read the policy before ordering. There is nothing we can do.'

post_file() { # PATH FILE: POST a body from a file (bytes jq or the shell would change)
    STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
        -H 'Content-Type: application/json' --data-binary @"$2" "$BASE$1")
}

# ---- POST /api/v1/coach ----
req POST /api/v1/coach "{\"draft\":\"$GOOD\"}"
expect 200 "review a draft without a thread"
expect_json '.findings | type' array "findings are a list"
expect_json '.scores | keys | sort | join(",")' \
    clarity,empathy,listening,overall,ownership,professionalism,solution "every skill is scored"
expect_json '[.scores[] | select(. < 0 or . > 100)] | length' 0 "scores are 0..100"
expect_json '.readability.words > 20' true "the draft's words are counted"
expect_json .first_reply true "without a thread the draft is a first reply"
expect_json '.level' calm "without a thread the level is calm"
expect_json 'has("politeness") and has("playbook")' true "politeness and playbook are there"

req POST /api/v1/coach "{\"draft\":\"$GOOD\",\"customer_name\":\"Dana\",\"thread\":[{\"author\":\"customer\",\"body\":\"$ANGRY\",\"at\":\"2026-01-01T08:00:00Z\"}]}"
expect 200 "review a draft with a thread"
expect_json '.level | test("tense|heated|hostile")' true "the thread's level is read"
expect_json '[.findings[] | select(.start > .end or .end > ('"${#GOOD}"'))] | length' 0 \
    "spans lie inside the draft"
expect_json '[.findings[] | select(.severity | test("^(info|warn|error)$") | not)] | length' 0 \
    "severities are info, warn or error"
expect_json '[.findings[] | select(.severity != "info")] | length' 0 \
    "a reply a careful lead would approve has no warn or error finding"
req POST /api/v1/coach "{\"draft\":\"$BLAME\",\"thread\":[{\"author\":\"customer\",\"body\":\"$ANGRY\"}]}"
expect 200 "review a blaming draft"
expect_json '[.findings[].kind] | index("blame") != null' true "blame is found"
expect_json '[.findings[] | select(.kind == "blame") | .text | test("(?i)you should have")] | any' \
    true "its span is the blaming words"
expect_json '[.findings[] | select(.kind == "blame") | .suggestion | length > 0] | any' true \
    "with a suggestion"
expect_json '[.findings[].kind] | index("no_acknowledgement") != null' true \
    "an upset customer left unacknowledged is found"

TOKEN=$AGENT req POST /api/v1/coach '{"draft":"Thanks, we will send it today."}'
expect 200 "an agent may use the coach"
TOKEN= req POST /api/v1/coach '{"draft":"hi"}'
expect 401 unauthorized "anonymous may not"

# errors
req POST /api/v1/coach '{"draft":""}'
expect 400 invalid_value "an empty draft"
expect_json .error.field draft "names the draft"
req POST /api/v1/coach '{"draft":" \n\t "}'
expect 400 invalid_value "a blank draft"
req POST /api/v1/coach '{}'
expect 400 missing_field "no draft"
req POST /api/v1/coach '{"draft":42}'
expect 400 wrong_type "a draft that is not a string"
req POST /api/v1/coach '{"draft":"x","ticket_id":"7"}'
expect 400 wrong_type "a ticket id that is not a number"
req POST /api/v1/coach '{"draft":"x","thread":"no"}'
expect 400 wrong_type "a thread that is not an array"
req POST /api/v1/coach '{"draft":"x","thread":[{"author":"robot","body":"x"}]}'
expect 400 invalid_value "a bad author in the thread"
expect_json .error.field 'thread[0].author' "names the item"
req POST /api/v1/coach '{"draft":"x","thread":[{"author":"customer","body":"x","at":"yesterday"}]}'
expect 400 invalid_value "a bad time in the thread"
expect_json .error.field 'thread[0].at' "names the item's time"
req POST /api/v1/coach '{"draft":"x","mood":"sunny"}'
expect 400 unknown_field "an unknown field"
req POST /api/v1/coach '{"draft":"x","ticket_id":999999}'
expect 404 not_found "an unknown ticket"
printf '{"draft":"caf\xc3 ok \xff"}' >"$T_DIR/bad.json"
post_file /api/v1/coach "$T_DIR/bad.json"
expect 400 invalid_utf8 "invalid UTF-8 bytes"
printf '{"draft":"%s"}' "$(head -c 1100000 /dev/zero | tr '\0' a)" >"$T_DIR/big.json"
post_file /api/v1/coach "$T_DIR/big.json"
expect 413 payload_too_large "a 1 MB draft"
printf '{"draft":"%s"}' "$(head -c 70000 /dev/zero | tr '\0' a)" >"$T_DIR/mid.json"
post_file /api/v1/coach "$T_DIR/mid.json"
expect 400 too_long "a draft over the coach's 64 KiB"

# ---- a ticket's thread, and the review stored with a reply ----
req POST /api/v1/tickets "{\"subject\":\"Late order\",\"channel\":\"email\",\"customer\":{\"email\":\"dana@example.org\",\"name\":\"Dana\"},\"message\":{\"body\":\"$ANGRY\"}}"
expect 201 "open a ticket"
tid=$(json .id)
req POST /api/v1/coach "{\"draft\":\"$GOOD\",\"ticket_id\":$tid}"
expect 200 "review a draft against the ticket's thread"
expect_json '.level | test("tense|heated|hostile")' true "the ticket's level is read"
expect_json .first_reply true "no agent reply yet"
req POST /api/v1/coach "{\"draft\":\"x\",\"ticket_id\":$tid,\"thread\":[]}"
expect 400 invalid_value "a ticket and a thread at once"

req POST "/api/v1/tickets/$tid/messages" "{\"body\":\"$BLAME\"}"
expect 201 "an agent replies"
expect_json '.coach | type' object "the reply carries its review"
expect_json '.coach.scores.overall | type' number "with scores"
expect_json '.coach.first_reply' true "reviewed as the first reply"
expect_json '[.coach.findings[].kind] | index("blame") != null' true "the stored review finds the blame"
expect_json '.analysis' null "an agent reply is not analysed as a customer's"
req POST "/api/v1/tickets/$tid/messages" '{"body":"asked the warehouse, waiting","internal":true}'
expect 201 "an internal note"
expect_json '.coach' null "a note is not reviewed"
req POST "/api/v1/tickets/$tid/messages" '{"author":"customer","body":"Are you kidding me? I want my money back."}'
expect 201 "the customer writes again"
expect_json 'has("coach")' false "a customer message has no coach field"
req POST "/api/v1/tickets/$tid/messages" "{\"body\":\"$GOOD\"}"
expect 201 "a second agent reply"
expect_json '.coach.first_reply' false "reviewed against the thread before it"

req GET "/api/v1/tickets/$tid/messages"
expect 200 "read the thread"
expect_json '[.items[] | select(.author == "agent" and .internal == false) | .coach | type] | join(",")' \
    object,object "GET shows both replies' reviews"
expect_json '[.items[] | select(.internal) | .coach] | .[0]' null "and none for the note"
check "the review is stored in the database" \
    [ "$(sql "SELECT count(*) FROM messages WHERE ticket_id = $tid AND coach IS NOT NULL")" = 2 ]

# ---- POST /api/v1/qa ----
req POST /api/v1/qa "{\"ticket_id\":$tid}"
expect 200 "QA of a ticket"
expect_json '.replies | length' 2 "both sent replies are scored"
expect_json '[.replies[].index] | join(",")' 1,4 "indexes are positions in the thread"
expect_json '.replies[0].agent' admin@test.example "the agent is named"
expect_json '.conversations[0].id' "$tid" "the conversation is the ticket"
expect_json '.conversations[0].replies' 2 "two replies in it"
expect_json '.agents | length' 1 "one agent"
expect_json '.agents[0].replies' 2 "with two replies"
expect_json '.skipped.count' 0 "nothing skipped"
expect_json '(.replies | map(.scores.overall) | add / length * 10 | round / 10) == .agents[0].scores.overall' \
    true "the agent's mean is the mean of the replies"

QA='{"conversations":[
 {"id":"c1","customer_name":"Dana","messages":[
   {"author":"customer","body":"'"$ANGRY"'"},
   {"author":"agent","agent":"ann","body":"'"$GOOD"'"},
   {"author":"customer","body":"ok"},
   {"author":"agent","agent":"ann","body":"Done, thanks!"}]},
 {"id":7,"messages":[
   {"author":"customer","body":"Where is my refund?"},
   {"author":"agent","agent":"bob","body":"'"$BLAME"'"},
   {"author":"agent","agent":"bob","body":"note to self","internal":true}]}]}'
req POST /api/v1/qa "$QA"
expect 200 "QA of given conversations"
expect_json '.replies | length' 2 "two replies long enough to judge"
expect_json '.skipped.count' 1 "one too short"
expect_json '.skipped.replies[0] | "\(.conversation) \(.index) \(.reason)"' "c1 3 too_short" \
    "the short reply is listed"
expect_json '[.conversations[].id] | join(",")' c1,7 "conversations in order, ids as strings"
expect_json '[.agents[].agent] | sort | join(",")' ann,bob "per agent"
expect_json '.totals.replies' 2 "totals count the scored replies"
expect_json '.totals.skipped' 1 "and the skipped"
expect_json '[.agents[] | select(.agent == "bob") | .kinds.blame] | .[0] >= 1' true \
    "bob's blame is counted by kind"
expect_json '([.agents[] | select(.agent == "ann") | .scores.overall][0]) > ([.agents[] | select(.agent == "bob") | .scores.overall][0])' \
    true "the careful agent scores above the blaming one"

req POST /api/v1/qa '{}'
expect 400 invalid_value "neither a ticket nor conversations"
req POST /api/v1/qa "{\"ticket_id\":$tid,\"conversations\":[]}"
expect 400 invalid_value "both"
req POST /api/v1/qa '{"ticket_id":999999}'
expect 404 not_found "an unknown ticket"
req POST /api/v1/qa '{"conversations":[{"id":"x","messages":[{"author":"robot","body":"x"}]}]}'
expect 400 invalid_value "a bad author"
expect_json .error.field 'conversations[0].messages[0].author' "names the item"
req POST /api/v1/qa '{"conversations":[{"messages":[]}]}'
expect 400 missing_field "a conversation without id"
req POST /api/v1/qa '{"conversations":[{"id":"x","messages":"no"}]}'
expect 400 wrong_type "messages that are not a list"
req POST /api/v1/qa '{"conversations":[{"id":"x","messages":[],"extra":1}]}'
expect 400 unknown_field "an unknown field"
jq -n '{conversations: [{id: "big", messages: [range(10001) | {author: "agent", body: "We will send it today, thanks."}]}]}' >"$T_DIR/many.json"
post_file /api/v1/qa "$T_DIR/many.json"
expect 413 payload_too_large "more than 10000 replies"
req GET /healthz
expect 200 "the server is still up"

# ---- truce coach ----
out=$("$TRUCE" coach --text "$GOOD")
check "CLI --text exits 0" [ $? -eq 0 ]
check "CLI prints JSON when not on a terminal" sh -c "printf '%s' '$out' | jq -e '.scores.overall >= 0' >/dev/null"
printf '%s' "$BLAME" | "$TRUCE" coach >"$T_DIR/out"
check "CLI stdin exits 0" [ $? -eq 0 ]
check "CLI stdin: one JSON review" [ "$(jq -r '.findings | type' "$T_DIR/out")" = array ]
check "CLI stdin: the blame is found" [ "$(jq -r '[.findings[].kind] | index("blame") != null' "$T_DIR/out")" = true ]
cat >"$T_DIR/thread.json" <<JSON
{"customer_name":"Dana","messages":[{"author":"customer","body":"$ANGRY","at":"2026-01-01T08:00:00Z"}]}
JSON
"$TRUCE" coach --thread "$T_DIR/thread.json" --text "$GOOD" >"$T_DIR/out"
check "CLI --thread (object form) exits 0" [ $? -eq 0 ]
check "CLI --thread reads the level" [ "$(jq -r '.level | test("tense|heated|hostile")' "$T_DIR/out")" = true ]
echo "[{\"author\":\"customer\",\"body\":\"$ANGRY\"}]" >"$T_DIR/thread2.json"
"$TRUCE" coach --thread "$T_DIR/thread2.json" --text "$GOOD" --json >/dev/null
check "CLI --thread (array form) exits 0" [ $? -eq 0 ]
if command -v script >/dev/null; then
    script -qc "\"$TRUCE\" coach --text 'YOU SHOULD HAVE READ IT!!!'" /dev/null >"$T_DIR/tty" 2>&1
    check "on a terminal the review is text" grep -q "scores:" "$T_DIR/tty"
fi
"$TRUCE" coach --text "" 2>"$T_DIR/err"
check "CLI empty draft exits 1" [ $? -eq 1 ]
check "and says so" grep -q "empty" "$T_DIR/err"
printf 'caf\xc3 ok' | "$TRUCE" coach 2>"$T_DIR/err" >/dev/null
check "CLI invalid UTF-8 exits 1" [ $? -eq 1 ]
check "and says so" grep -q "UTF-8" "$T_DIR/err"
head -c 1100000 /dev/zero | tr '\0' a | "$TRUCE" coach 2>"$T_DIR/err" >/dev/null
check "CLI 1 MB draft exits 1" [ $? -eq 1 ]
check "and says it is too long" grep -q "over" "$T_DIR/err"
echo 'not json' >"$T_DIR/bad.json"
"$TRUCE" coach --thread "$T_DIR/bad.json" --text hi 2>"$T_DIR/err" >/dev/null
check "CLI thread file that is not JSON exits 1" [ $? -eq 1 ]
check "and names the file" grep -q "bad.json:1" "$T_DIR/err"
echo '[{"author":"customer","body":"x"},{"author":"agent"}]' >"$T_DIR/bad.json"
"$TRUCE" coach --thread "$T_DIR/bad.json" --text hi 2>"$T_DIR/err" >/dev/null
check "CLI thread file with a bad item exits 1" [ $? -eq 1 ]
check "and names the item" grep -q "thread\[1\].body" "$T_DIR/err"
echo '[{"author":"customer","body":"x","at":"2026-13-45T99:00:00Z"}]' >"$T_DIR/bad.json"
"$TRUCE" coach --thread "$T_DIR/bad.json" --text hi 2>"$T_DIR/err" >"$T_DIR/out"
check "CLI thread file with a bad time exits 1" [ $? -eq 1 ]
check "and names it" grep -q "'thread\[0\].at' must be an RFC 3339 time" "$T_DIR/err"
check "and prints no review" [ ! -s "$T_DIR/out" ]
"$TRUCE" coach --thread "$T_DIR/nowhere.json" --text hi 2>"$T_DIR/err" >/dev/null
check "CLI missing thread file exits 1" [ $? -eq 1 ]
"$TRUCE" coach --bogus 2>/dev/null
check "CLI unknown option exits 2" [ $? -eq 2 ]

# ---- truce qa ----
"$TRUCE" qa --ticket "$tid" --db "$DB" >"$T_DIR/out"
check "CLI qa --ticket exits 0" [ $? -eq 0 ]
check "CLI qa --ticket scores both replies" [ "$(jq -r '.replies | length' "$T_DIR/out")" = 2 ]
cat >"$T_DIR/qa.csv" <<CSV
conversation_id,author,agent,body,customer_name
c1,customer,,"$ANGRY",Dana
c1,agent,ann,"$GOOD",
c1,customer,,"Fine, thanks",
c1,agent,ann,Great!,
c2,customer,,"Where is my refund, it has been a month?",
c2,agent,bob,"$BLAME",
CSV
"$TRUCE" qa --csv "$T_DIR/qa.csv" >"$T_DIR/out"
check "CLI qa --csv exits 0" [ $? -eq 0 ]
check "CLI qa --csv: two scored" [ "$(jq -r '.replies | length' "$T_DIR/out")" = 2 ]
check "CLI qa --csv: one skipped" [ "$(jq -r '.skipped.count' "$T_DIR/out")" = 1 ]
check "CLI qa --csv: two conversations" [ "$(jq -r '[.conversations[].id] | join(",")' "$T_DIR/out")" = c1,c2 ]
check "CLI qa --csv: two agents" [ "$(jq -r '.agents | length' "$T_DIR/out")" = 2 ]
printf 'c1,customer,,hello\nc1,boss,x,hi\n' >"$T_DIR/bad.csv"
"$TRUCE" qa --csv "$T_DIR/bad.csv" 2>"$T_DIR/err" >"$T_DIR/out"
check "CLI qa bad CSV exits 1" [ $? -eq 1 ]
check "and names the line" grep -q "bad.csv:2" "$T_DIR/err"
check "and prints nothing" [ ! -s "$T_DIR/out" ]
printf 'c1,customer\n' >"$T_DIR/bad.csv"
"$TRUCE" qa --csv "$T_DIR/bad.csv" 2>"$T_DIR/err" >/dev/null
check "CLI qa CSV with too few columns exits 1" [ $? -eq 1 ]
check "and says what it wants" grep -q "columns" "$T_DIR/err"
printf '%s\n' "$QA" | jq -c '.conversations[]' >"$T_DIR/qa.jsonl"
"$TRUCE" qa --jsonl "$T_DIR/qa.jsonl" >"$T_DIR/out"
check "CLI qa --jsonl exits 0" [ $? -eq 0 ]
check "CLI qa --jsonl matches the API" [ "$(jq -r '.skipped.count' "$T_DIR/out")" = 1 ]
printf '{"id":"a","messages":[]}\nnot json\n' >"$T_DIR/bad.jsonl"
"$TRUCE" qa --jsonl "$T_DIR/bad.jsonl" 2>"$T_DIR/err" >/dev/null
check "CLI qa bad JSONL exits 1" [ $? -eq 1 ]
check "and names the line" grep -q "bad.jsonl:2" "$T_DIR/err"
"$TRUCE" qa --ticket 999999 --db "$DB" 2>"$T_DIR/err" >/dev/null
check "CLI qa unknown ticket exits 1" [ $? -eq 1 ]
check "and says so" grep -q "not found" "$T_DIR/err"
"$TRUCE" qa 2>/dev/null
check "CLI qa without input exits 2" [ $? -eq 2 ]

# Under the sanitizers a leak or a race in the server shows in its exit code.
stop_server
check "the server stops cleanly" [ "$SERVER_EXIT" -eq 0 ]

finish
