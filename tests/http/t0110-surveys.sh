#!/bin/bash
# Surveys and the outbox: resolving a ticket queues a signed survey link and a
# follow-up; the link shows its questions on GET and records one answer on
# POST; a low answer reopens the ticket; bad links, expired links and bad
# scores are refused and store nothing.
. "$(dirname "$0")/lib.sh"
setup_db
# Many requests from one address below: the rate limit is tested at the end.
start_server --survey-per-minute 1000

# pub METHOD PATH [curl args...]: as a customer (no credentials); headers in $T_DIR/headers.
pub() {
    method=$1 path=$2
    shift 2
    STATUS=$(curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' -X "$method" "$@" \
        "$BASE$path")
}
# form TOKEN DATA: posts a form answer the way a browser does.
form() { pub POST "/s/$1" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$2"; }
# answer_json TOKEN JSON: posts a JSON answer and asks for JSON back.
answer_json() {
    pub POST "/s/$1" -H 'Content-Type: application/json' -H 'Accept: application/json' \
        --data-binary "$2"
}
# resolve TICKET: resolves it and sets LINK to the survey token from the outbox.
resolve() {
    req PATCH "/api/v1/tickets/$1" '{"status":"resolved"}'
    [ "$STATUS" = 200 ] || not_ok "resolve ticket $1"
    req GET "/api/v1/outbox?ticket_id=$1&limit=200"
    LINK=$(json '[.items[] | select(.kind == "survey")] | last | .body' |
        grep -o '/s/[A-Za-z0-9_-]*' | head -n 1 | cut -c4-)
}
events_of() { # TICKET ACTION: how many audit events of this action the ticket has
    sql "select count(*) from events where ticket_id = $1 and action = '$2'"
}

# ---- resolving queues a survey and a follow-up ----
req POST /api/v1/tickets "$(ticket_body 'Broken <b>\"widget\"</b> & more' sam@example.org)"
expect 201 "create a ticket"
t1=$(json .id)
req GET "/api/v1/outbox?ticket_id=$t1"
expect_json '.items | length' 0 "nothing is queued before resolution"
resolve "$t1"
req GET "/api/v1/outbox?ticket_id=$t1"
expect 200 "the outbox lists a ticket's messages"
expect_json '.items | length' 2 "resolution queues two messages"
expect_json '[.items[].kind] | sort | join(",")' "follow_up,survey" "a survey and a follow-up"
expect_json '[.items[].state] | unique | join(",")' queued "both wait in the queue"
expect_json '[.items[].channel] | unique | join(",")' email "on the channel the customer used"
expect_json '.items[0].customer_id' "$(sql "select customer_id from tickets where id = $t1")" \
    "addressed to the ticket's customer"
check "the survey message carries a link" [ ${#LINK} -eq 86 ]
expect_json '[.items[] | select(.kind == "follow_up") | .body | contains("/s/")] | .[0]' true \
    "the follow-up repeats the link"
check "the follow-up is due 3 days after resolution" \
    [ "$(sql "select due_at - created_at from outbox where ticket_id = $t1 and kind = 'follow_up'")" = 259200000 ]
check "the survey message is due at once" \
    [ "$(sql "select due_at - created_at from outbox where ticket_id = $t1 and kind = 'survey'")" = 0 ]
check "one survey row" [ "$(sql "select count(*) from surveys where ticket_id = $t1")" = 1 ]
check "only a 32-byte hash of the link is stored" \
    [ "$(sql "select length(token_hash) from surveys where ticket_id = $t1")" = 32 ]
check "the survey key is a setting" [ "$(sql "select length(value) from settings where name = 'survey_key'")" = 32 ]
check "the resolution is audited" [ "$(events_of "$t1" survey.create)" = 1 ]
req PATCH "/api/v1/tickets/$t1" '{"status":"resolved"}'
check "resolving a resolved ticket sends no second survey" \
    [ "$(sql "select count(*) from surveys where ticket_id = $t1")" = 1 ]

# ---- GET shows the questions and records nothing ----
pub GET "/s/$LINK"
expect 200 "a customer opens the link"
check "as an HTML page" grep -qi '^content-type: text/html' "$T_DIR/headers"
check "with a form" grep -q '<form method="post">' "$T_DIR/body"
check "asking for CSAT" grep -q 'name="csat" value="5"' "$T_DIR/body"
check "the subject is escaped" grep -q '&lt;b&gt;&quot;widget&quot;&lt;/b&gt; &amp; more' "$T_DIR/body"
check "no raw markup from the subject" bash -c "! grep -q '<b>\"widget' '$T_DIR/body'"
check "the page may run no script" grep -qi "^content-security-policy: default-src 'none'" "$T_DIR/headers"
pub GET "/s/$LINK?utm_source=newsletter&utm_medium=email"
expect 200 "a link a mail tool tagged for tracking still opens"
pub GET "/s/$LINK" -H 'Accept: application/json'
expect 200 "the link as JSON"
expect_json .state pending "not answered yet"
expect_json '[.questions[].name] | join(",")' "csat,nps,ces" "three questions"
# A HEAD as curl -I sends it (-X HEAD would wait for a body that never comes).
STATUS=$(curl -s -I -o "$T_DIR/headers" -w '%{http_code}' "$BASE/s/$LINK")
expect 200 "HEAD of a link answers like GET, without a body"
check "opened three times, nothing recorded" \
    [ "$(sql "select count(*) from surveys where ticket_id = $t1 and answered_at is null")" = 1 ]
check "no answer event from a GET" [ "$(events_of "$t1" survey.answered)" = 0 ]

# ---- one answer, then 409 ----
# The form posts to the page's own address, tracking tags and all.
form "$LINK?utm_source=newsletter" 'csat=5&nps=9&ces=6&comment=Quick+and+kind%21'
expect 200 "a good answer is recorded"
check "the thank-you page is HTML" grep -q 'Thank you' "$T_DIR/body"
req GET "/api/v1/tickets/$t1"
expect_json .status resolved "a good answer leaves the ticket resolved"
check "survey.answered audited" [ "$(events_of "$t1" survey.answered)" = 1 ]
check "no low-score event" [ "$(events_of "$t1" survey.low_score)" = 0 ]
form "$LINK" 'csat=1'
expect 409 "a second answer conflicts"
answer_json "$LINK" '{"csat":1}'
expect 409 conflict "a second answer as JSON conflicts"
check "the first answer stands" [ "$(sql "select csat from surveys where ticket_id = $t1")" = 5 ]
req GET "/api/v1/tickets/$t1"
expect_json .status resolved "a refused answer does not reopen"
pub GET "/s/$LINK" -H 'Accept: application/json'
expect 200 "an answered link still opens"
expect_json .state answered "and says it is answered"

TOKEN=$AGENT req GET "/api/v1/tickets/$t1/surveys"
expect 200 "an agent lists the ticket's surveys"
expect_json '.items | length' 1 "one survey"
expect_json '.items[0].csat' 5 "csat"
expect_json '.items[0].nps' 9 "nps"
expect_json '.items[0].ces' 6 "ces"
expect_json '.items[0].comment' 'Quick and kind!' "the comment, form-decoded"
expect_json '.items[0].state' answered "state"
TOKEN="" req GET "/api/v1/tickets/$t1/surveys"
expect 401 unauthorized "surveys need a login"
req GET /api/v1/tickets/999999/surveys
expect 404 not_found "surveys of an unknown ticket"

"$TRUCE" surveys list --db "$DB" --ticket "$t1" >"$T_DIR/out"
check "the CLI lists the survey" [ "$(sed -n 2p "$T_DIR/out" | cut -f2,6,7,8,9)" = \
    "$(printf 'answered\t5\t9\t6\tQuick and kind!')" ]
check "under a header" [ "$(head -n 1 "$T_DIR/out" | cut -f1,2)" = "$(printf 'id\tstate')" ]
"$TRUCE" surveys list --db "$DB" --ticket 999999 2>/dev/null
check "the CLI: an unknown ticket exits 1" [ $? -eq 1 ]
"$TRUCE" surveys list --db "$DB" 2>/dev/null
check "the CLI: no ticket is a usage error" [ $? -eq 2 ]

# ---- a low answer reopens ----
req POST /api/v1/tickets "$(ticket_body 'Refund missing' kim@example.org)"
t2=$(json .id)
resolve "$t2"
answer_json "$LINK" '{"csat":1,"comment":"Still no refund."}'
expect 200 "a low answer is recorded"
expect_json .survey.csat 1 "the answer comes back"
req GET "/api/v1/tickets/$t2"
expect_json .status open "a low answer reopens the ticket"
check "survey.low_score audited" [ "$(events_of "$t2" survey.low_score)" = 1 ]
check "the reopening is audited as the customer" \
    [ "$(sql "select count(*) from events where ticket_id = $t2 and action = 'ticket.update' and actor_kind = 'customer'")" = 1 ]
check "survey.answered audited too" [ "$(events_of "$t2" survey.answered)" = 1 ]
req GET "/api/v1/tickets/$t2/events"
expect_json '[.items[].action] | index("survey.low_score") != null' true "the event is in the audit API"
# Resolved again: a new survey; NPS 6 alone is low too.
resolve "$t2"
check "a second resolution makes a second survey" \
    [ "$(sql "select count(*) from surveys where ticket_id = $t2")" = 2 ]
answer_json "$LINK" '{"nps":6}'
expect 200 "an NPS-only answer"
req GET "/api/v1/tickets/$t2"
expect_json .status open "NPS 6 reopens"

# ---- bad links ----
req POST /api/v1/tickets "$(ticket_body 'Login loop' lee@example.org)"
t3=$(json .id)
resolve "$t3"
good=$LINK
mid=${good:40:1}
[ "$mid" = A ] && swap=B || swap=A
tampered="${good:0:40}$swap${good:41}"
pub GET "/s/$tampered"
expect 404 "a tampered link is not found"
form "$tampered" 'csat=5'
expect 404 "a tampered link cannot answer"
answer_json "$tampered" '{"csat":5}'
expect 404 not_found "a tampered link as JSON"
pub GET "/s/${good:0:85}"
expect 404 "a cut link"
pub GET "/s/${good}AAAA"
expect 404 "a lengthened link"
pub GET "/s/abc"
expect 404 "a made-up link"
pub GET "/s/"
expect 404 "no link"

# ---- bad scores: 400 and nothing stored ----
for bad in 'csat=0' 'csat=6' 'nps=11' 'ces=8' 'ces=0' 'csat=five' 'csat=-1' '' 'comment=only+words' \
    'colour=red&csat=5' 'csat=5&csat=4' 'csat=%zz'; do
    form "$good" "$bad"
    [ "$STATUS" = 400 ] && ok || not_ok "'$bad' is refused with 400 (got $STATUS)"
done
for bad in '{"csat":0}' '{"csat":6}' '{"nps":11}' '{"ces":8}' '{}' '{"csat":"5"}' '{"mood":3}' \
    '{"csat":5,"comment":7}' 'not json'; do
    answer_json "$good" "$bad"
    [ "$STATUS" = 400 ] && ok || not_ok "JSON '$bad' is refused with 400 (got $STATUS)"
done
long=$(head -c 2001 /dev/zero | tr '\0' 'x')
answer_json "$good" "{\"csat\":4,\"comment\":\"$long\"}"
expect 400 too_long "a comment of 2001 characters"
pub POST "/s/$good" -H 'Content-Type: text/plain' --data-binary 'csat=5'
expect 415 "an answer in another format"
pub POST "/s/$good" -H 'Content-Type: application/jsonx' --data-binary '{"csat":5}'
expect 415 "an answer whose type only starts with application/json"
pub POST "/s/$good" -H 'Content-Type: application/x-www-form-urlencodedx' --data-binary 'csat=5'
expect 415 "an answer whose type only starts with the form type"
check "nothing stored after the refusals" \
    [ "$(sql "select count(*) from surveys where ticket_id = $t3 and answered_at is null")" = 1 ]
check "no answer event after the refusals" [ "$(events_of "$t3" survey.answered)" = 0 ]
# 2000 characters of two bytes each are within the limit.
accented=$(printf 'é%.0s' $(seq 1 2000))
answer_json "$good" "{\"csat\":4,\"comment\":\"$accented\"}"
expect 200 "a comment of 2000 characters (4000 bytes)"

# ---- the outbox API ----
req GET "/api/v1/outbox?limit=2"
expect 200 "the whole outbox"
expect_json '.items | length' 2 "a page of two"
first=$(json '.items[0].id')
cursor=$(json .next_cursor)
req GET "/api/v1/outbox?limit=2&cursor=$cursor"
check "the next page follows" [ "$(json '.items[0].id')" -gt "$first" ]
req GET "/api/v1/outbox?state=queued"
expect_json '.items | length' 8 "four resolutions, eight queued messages"
req GET "/api/v1/outbox?state=sent"
expect_json '.items | length' 0 "nothing is sent yet"
req GET "/api/v1/outbox?state=bogus"
expect 400 invalid_value "an unknown state"
req GET "/api/v1/outbox?ticket_id=abc"
expect 400 invalid_value "a bad ticket id"
req GET "/api/v1/outbox?colour=red"
expect 400 unknown_field "an unknown parameter"
TOKEN="" req GET /api/v1/outbox
expect 401 unauthorized "the outbox needs a login"
# The link is the customer's credential: the agents it rates see it hidden,
# and the server's log never holds it.
TOKEN=$AGENT req GET "/api/v1/outbox?ticket_id=$t1"
expect 200 "an agent reads the outbox"
check "an agent sees the survey link hidden" \
    [ "$(json '[.items[] | select(.kind == "survey")][0].body' | grep -c '/s/\*\*\*\*\*\*\*\*')" = 1 ]
check "an agent cannot read a token" \
    [ "$(json '[.items[].body] | join(" ")' | grep -o '/s/[A-Za-z0-9_-]\{9,\}' | wc -l)" = 0 ]
check "no survey token in the server's log" \
    [ "$(grep -c '/s/[A-Za-z0-9_-]\{9,\}' "$T_DIR/server.log")" = 0 ]

# ---- restart: the key survives; a short TTL (test-only) lets a link expire ----
req POST /api/v1/tickets "$(ticket_body 'Pending link' ray@example.org)"
t4=$(json .id)
resolve "$t4"
before_restart=$LINK
stop_server
TRUCE_TEST_SURVEY_TTL_MS=1000 start_server
pub GET "/s/$before_restart" -H 'Accept: application/json'
expect 200 "a link made before a restart still works"
expect_json .state pending "and is still open"
req POST /api/v1/tickets "$(ticket_body 'Short link' joy@example.org)"
t5=$(json .id)
resolve "$t5"
sleep 1.2
pub GET "/s/$LINK"
expect 410 "an expired link is gone"
form "$LINK" 'csat=5'
expect 410 "an expired link cannot answer"
answer_json "$LINK" '{"csat":5}'
expect 410 gone "an expired link as JSON"
check "nothing stored for the expired link" \
    [ "$(sql "select count(*) from surveys where ticket_id = $t5 and answered_at is null")" = 1 ]

# ---- rate limit ----
limited=0
for _ in $(seq 1 40); do
    pub GET "/s/abc"
    [ "$STATUS" = 429 ] && { limited=1; break; }
done
check "survey links are rate-limited per address" [ "$limited" = 1 ]
check "with Retry-After" grep -qi '^retry-after: [0-9]' "$T_DIR/headers"

finish
