#!/bin/bash
# The browser's side: the web directory served from memory (content types,
# ETag/304, HEAD, no way out of the tree, the console's security headers),
# GET / for browsers and API clients, the case page as HTML or JSON, the
# customer's reply through the case link, the public contact form, the
# console's list filters, a customer's history, and @mentions in notes.
. "$(dirname "$0")/lib.sh"
setup_db

# A web directory of our own, with what must never be served beside it.
WEB="$T_DIR/web"
mkdir -p "$WEB/app" "$WEB/assets/js" "$WEB/assets/css" "$WEB/help" "$WEB/case" "$WEB/.git"
printf '<!doctype html><title>console</title><h1>Console</h1>\n' >"$WEB/app/index.html"
printf 'export const answer = 42;\n' >"$WEB/app/app.js"
printf 'body { color: #111; }\n' >"$WEB/assets/css/site.css"
printf 'export function f() {}\n' >"$WEB/assets/js/api.js"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$WEB/assets/logo.svg"
printf '\211PNG\r\n' >"$WEB/assets/dot.png"
printf '{"a":1}\n' >"$WEB/assets/data.json"
printf '<!doctype html><title>help</title><h1>Help</h1>\n' >"$WEB/help/index.html"
printf '<!doctype html><title>case</title><h1>Your case</h1>\n' >"$WEB/case/index.html"
printf 'secret\n' >"$WEB/assets/.hidden"
printf '[core]\n' >"$WEB/.git/config"
ln -s /etc/passwd "$WEB/assets/passwd"
ln -s /etc "$WEB/assets/etc"

start_server --web "$WEB" --public-per-minute 1000

# get PATH [curl args...]: no credentials; headers in $T_DIR/headers.
get() {
    path=$1
    shift
    STATUS=$(curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' "$@" "$BASE$path")
}
header() { # NAME: the value of a header of the last reply
    grep -i "^$1:" "$T_DIR/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'
}
expect_header() { # NAME VALUE DESCRIPTION
    got=$(header "$1")
    if [ "$got" = "$2" ]; then ok; else not_ok "$3: $1 is '$got', want '$2'"; fi
}
CSP="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
HTML='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

# ---- static files ----
get /app/
expect 200 "the console's page"
check "the console's page is the file" grep -q '<h1>Console</h1>' "$T_DIR/body"
expect_header Content-Type "text/html; charset=utf-8" "console page type"
expect_header Content-Security-Policy "$CSP" "console page CSP"
expect_header X-Content-Type-Options nosniff "console page nosniff"
expect_header Referrer-Policy no-referrer "console page referrer"
expect_header X-Frame-Options DENY "console page framing"
expect_header Cache-Control no-cache "console page caching"
get /app
expect 302 "/app without its slash"
expect_header Location /app/ "/app goes to /app/"
for f in "app/app.js:text/javascript; charset=utf-8" "assets/css/site.css:text/css; charset=utf-8" \
    "assets/js/api.js:text/javascript; charset=utf-8" "assets/logo.svg:image/svg+xml" \
    "assets/dot.png:image/png" "assets/data.json:application/json; charset=utf-8"; do
    get "/${f%%:*}"
    expect 200 "GET /${f%%:*}"
    expect_header Content-Type "${f#*:}" "type of ${f%%:*}"
    check "/${f%%:*} is the file's bytes" cmp -s "$T_DIR/body" "$WEB/${f%%:*}"
done
get /help
expect 200 "the help center"
check "the help page is the file" grep -q '<h1>Help</h1>' "$T_DIR/body"
expect_header Content-Security-Policy "$CSP" "help page CSP"
get /help/
expect 200 "the help center with a slash"

# ETag and If-None-Match
get /assets/css/site.css
etag=$(header ETag)
check "an ETag is sent" test -n "$etag"
rm -f "$T_DIR/body"
get /assets/css/site.css -H "If-None-Match: $etag"
expect 304 "a known ETag is not sent again"
check "304 has no body" test ! -s "$T_DIR/body" -o ! -e "$T_DIR/body"
expect_header ETag "$etag" "304 repeats the ETag"
get /assets/css/site.css -H 'If-None-Match: "other", '"$etag"
expect 304 "an ETag in a list"
get /assets/css/site.css -H 'If-None-Match: "something-else"'
expect 200 "another ETag gets the file"
get /app/ -H "If-None-Match: $etag"
expect 200 "another file's ETag gets the file"

# HEAD: the headers without the body
STATUS=$(curl -s -I -o "$T_DIR/headers" -w '%{http_code}' "$BASE/assets/js/api.js")
check "HEAD is 200" test "$STATUS" = 200
expect_header Content-Type "text/javascript; charset=utf-8" "HEAD type"
expect_header Content-Length "$(wc -c <"$WEB/assets/js/api.js" | tr -d ' ')" "HEAD length"

# nothing outside the loaded files
for p in /assets/../../etc/passwd /assets/%2e%2e/%2e%2e/etc/passwd /assets/..%2f..%2fetc%2fpasswd \
    /app/../../../etc/passwd /assets/.hidden /.git/config /assets/passwd /assets/etc/passwd \
    /assets/css /assets/css/ /assets/ /app/nope.js /case/index.html/ /help/../app/index.html \
    /assets/css//site.css /assets/./css/site.css; do
    get "$p" --path-as-is
    if [ "$STATUS" = 404 ] && ! grep -q 'root:' "$T_DIR/body"; then ok; else not_ok "$p: $STATUS"; fi
done
get /nope.js --path-as-is
expect 404 not_found "unknown path: JSON for an API client"
get /app/nope.js -H "Accept: $HTML"
expect 404 "unknown file: a page for a browser"
expect_header Content-Type "text/html; charset=utf-8" "the browser's 404 is HTML"
check "the browser's 404 says so" grep -q 'Not found' "$T_DIR/body"
get /app/ -X POST
expect 405 "the console's files are read-only"

# ---- GET / ----
get / -H "Accept: $HTML"
expect 302 "a browser at / goes to the console"
expect_header Location /app/ "/ sends browsers to /app/"
get /
expect 200 "an API client at /"
expect_json .api /api/v1 "/ still describes the API"
get / -H 'Accept: application/json'
expect 200 "JSON asked for at /"
expect_json .name truce "/ as JSON"

# ---- the case page and the customer's reply ----
req POST /api/v1/tickets "$(ticket_body 'Parcel lost' ann@example.org 'Where is my parcel?')"
expect 201 "a ticket"
t1=$(json .id)
req PATCH "/api/v1/tickets/$t1" '{"status":"resolved"}'
expect 200 "resolve it"
req GET "/api/v1/tickets/$t1/case-link"
case_url=$(json .url)
get "$case_url" -H "Accept: $HTML"
expect 200 "the case page for a browser"
check "the case page is web/case/index.html" grep -q '<h1>Your case</h1>' "$T_DIR/body"
expect_header Content-Security-Policy "$CSP" "case page CSP"
expect_header Referrer-Policy no-referrer "the case page leaks no token"
get "$case_url" -H 'Accept: application/json'
expect 200 "the case as JSON"
expect_json .ticket.subject "Parcel lost" "the case's subject"
get "$case_url"
expect 200 "the case for a client that names no type"
expect_json .ticket.status resolved "JSON by default"
get "/c/AAAAforged" -H "Accept: $HTML"
expect 404 "a forged case link for a browser"

pub_post() { # PATH JSON: a customer's POST, no credentials
    STATUS=$(printf '%s' "$2" | curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' \
        -X POST -H 'Content-Type: application/json' --data-binary @- "$BASE$1")
}
pub_post "$case_url/messages" '{"body":"It still has not come. <script>alert(1)</script>"}'
expect 201 "the customer replies through the case link"
expect_json .author customer "the reply is the customer's"
expect_json .body "It still has not come. <script>alert(1)</script>" "the reply as written"
expect_json 'keys | join(",")' "author,body,created_at" "only public fields"
req GET "/api/v1/tickets/$t1"
expect_json .status open "a customer reply reopens a resolved ticket"
req GET "/api/v1/tickets/$t1/messages"
expect_json '.items | last | .author' customer "the reply is in the thread"
expect_json '.items | last | (.analysis != null)' true "the reply was analysed"
get "$case_url" -H 'Accept: application/json'
expect_json '.messages | length' 2 "the case page shows the reply"
before=$(sql "select count(*) from messages")
pub_post "/c/AAAAforged/messages" '{"body":"hello"}'
expect 404 not_found "a forged link cannot reply"
pub_post "${case_url}x/messages" '{"body":"hello"}'
expect 404 not_found "an altered link cannot reply"
pub_post "$case_url/messages" '{"body":"   "}'
expect 400 invalid_value "an empty reply"
expect_json .error.field body "the empty field is named"
pub_post "$case_url/messages" '{"body":"hi","internal":true}'
expect 400 unknown_field "a customer cannot write a note"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' \
    --data-binary 'hello' "$BASE$case_url/messages")
expect 415 "a reply must be JSON (no cross-site form posts)"
check "refused replies wrote nothing" test "$(sql "select count(*) from messages")" = "$before"

# ---- the public contact form ----
n_tickets=$(sql "select count(*) from tickets")
contact() { pub_post /api/v1/public/contact "$1"; }
contact '{"name":"Bea","email":"bea@example.org","subject":"Wrong size","message":"The shoes are too small."}'
expect 201 "the contact form opens a ticket"
t2=$(json .ticket_id)
url2=$(json .case_url)
check "the contact form gives a case link" test "${url2#/c/}" != "$url2"
check "the ticket is on channel web" test "$(sql "select channel from tickets where id = $t2")" = web
check "the customer is Bea" test "$(sql "select c.name from customers c join tickets t on t.customer_id = c.id where t.id = $t2")" = Bea
get "$url2" -H 'Accept: application/json'
expect 200 "the contact form's case link works"
expect_json .ticket.subject "Wrong size" "the case link's ticket"
expect_json '.messages[0].body' "The shoes are too small." "the first message"
n_tickets=$((n_tickets + 1))
for bad in 'email|{"email":"not-an-address","subject":"s","message":"m"}' \
    'email|{"subject":"s","message":"m"}' \
    'subject|{"email":"a@example.org","subject":"  ","message":"m"}' \
    'message|{"email":"a@example.org","subject":"s","message":""}' \
    'message|{"email":"a@example.org","subject":"s"}' \
    'name|{"name":7,"email":"a@example.org","subject":"s","message":"m"}' \
    'phone|{"email":"a@example.org","subject":"s","message":"m","phone":"1"}'; do
    contact "${bad#*|}"
    expect 400 "contact form: bad ${bad%%|*}"
    expect_json .error.field "${bad%%|*}" "contact form names ${bad%%|*}"
done
contact 'not json'
expect 400 malformed_json "contact form: not JSON"
check "bad contact forms wrote nothing" test "$(sql "select count(*) from tickets")" = "$n_tickets"

# ---- filters: q, channel, assignee=me, with paging ----
TOKEN=$AGENT
agent_id=$(sql "select id from agents where email = 'agent@test.example'")
for i in 1 2 3 4 5; do
    ch=email
    [ $((i % 2)) = 0 ] && ch=chat
    req POST /api/v1/tickets "{\"subject\":\"Zebra case $i\",\"channel\":\"$ch\",\"customer\":{\"email\":\"z$i@zoo.example\",\"name\":\"Zed $i\"},\"message\":{\"body\":\"hello\"}}"
done
req POST /api/v1/tickets '{"subject":"Other","channel":"email","customer":{"email":"q@zebra-mail.example","name":"Quinn"},"message":{"body":"hi"}}'
quinn=$(json .id)
req POST /api/v1/tickets '{"subject":"100%_off?","channel":"phone","customer":{"email":"p@x.example","name":"Pat"},"message":{"body":"hi"}}'
pct=$(json .id)
# collect FILTER: every id over all pages of GET /api/v1/tickets?FILTER&limit=2
collect() {
    ids="" cursor=""
    for _ in 1 2 3 4 5 6 7 8; do
        req GET "/api/v1/tickets?$1&limit=2${cursor:+&cursor=$cursor}"
        ids="$ids $(json '[.items[].id] | join(" ")')"
        cursor=$(json '.next_cursor // empty')
        [ -z "$cursor" ] && break
    done
    echo $ids | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//'
}
want=$(sql "select id from tickets where subject like 'Zebra%' or id = $quinn order by id" | tr '\n' ' ' | sed 's/ $//')
check "q=zebra over pages: subjects and emails, any case" test "$(collect q=ZEBRA)" = "$want"
want=$(sql "select t.id from tickets t join customers c on c.id = t.customer_id where c.name like 'Zed%' order by t.id" | tr '\n' ' ' | sed 's/ $//')
check "q matches the customer's name" test "$(collect 'q=zed%20')" = "$want"
check "q takes % and _ literally" test "$(collect 'q=100%25_')" = "$pct"
check "q=%25 alone matches only a real %" test "$(collect 'q=%25')" = "$pct"
want=$(sql "select id from tickets where channel = 'chat' order by id" | tr '\n' ' ' | sed 's/ $//')
check "channel=chat over pages" test "$(collect channel=chat)" = "$want"
want=$(sql "select id from tickets where channel = 'email' and (subject like 'zebra%' or id = $quinn) order by id" | tr '\n' ' ' | sed 's/ $//')
check "channel and q together" test "$(collect 'channel=email&q=zebra')" = "$want"
z1=$(sql "select id from tickets where subject = 'Zebra case 1'")
z3=$(sql "select id from tickets where subject = 'Zebra case 3'")
TOKEN=$ADMIN
req PATCH "/api/v1/tickets/$z1" "{\"assignee\":$agent_id}"
req PATCH "/api/v1/tickets/$z3" "{\"assignee\":$agent_id}"
TOKEN=$AGENT
want=$(sql "select id from tickets where assignee_id = $agent_id order by id" | tr '\n' ' ' | sed 's/ $//')
check "assignee=me is the caller's" test "$(collect assignee=me)" = "$want"
check "assignee=me with q" test "$(collect 'assignee=me&q=case%203')" = "$z3"
req GET "/api/v1/tickets?channel=fax"
expect 400 invalid_value "an unknown channel"
expect_json .error.field channel "the channel is named"
req GET "/api/v1/tickets?q=$(head -c 201 /dev/zero | tr '\0' a)"
expect 400 invalid_value "q over 200 bytes"
expect_json .error.field q "q is named"

# ---- a customer's history ----
TOKEN=$ADMIN
cust=$(sql "select customer_id from tickets where id = $t1")
req POST /api/v1/tickets "$(ticket_body 'Second problem' ann@example.org 'Again?')"
t3=$(json .id)
req PATCH "/api/v1/tickets/$t3" '{"status":"resolved"}'
req GET "/api/v1/outbox?ticket_id=$t3&limit=200"
link=$(json '[.items[] | select(.kind == "survey")] | last | .body' | grep -o '/s/[A-Za-z0-9_-]*' | head -n 1)
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H 'Accept: application/json' --data-binary '{"csat":2,"nps":3,"comment":"slow"}' "$BASE$link")
check "the customer answers a survey" test "$STATUS" = 200
req GET "/api/v1/customers/$cust"
expect 200 "the customer"
expect_json '[.tickets[].id] | join(",")' "$t3,$t1" "their tickets, newest first"
expect_json '.tickets[0] | [.subject, .status] | join(",")' "Second problem,open" "ticket fields"
expect_json '.surveys | length' 1 "their survey answers"
expect_json '.surveys[0] | [.ticket_id, .csat, .nps, (.ces | tostring), .comment] | join(",")' \
    "$t3,2,3,null,slow" "the answer's scores and comment"
expect_json '.surveys[0].answered_at != null' true "when it was answered"

# ---- @mentions ----
for who in priya sam; do
    echo "$PASSWORD" | "$TRUCE" agent add --db "$DB" --email "$who@truce.example" \
        --name "${who^} Example" --role agent --password-stdin >/dev/null
done
PRIYA=$("$TRUCE" token create --db "$DB" --agent priya@truce.example | tail -n 1)
SAM=$("$TRUCE" token create --db "$DB" --agent sam@truce.example | tail -n 1)
count_notes() { sql "select count(*) from notifications where kind = 'mention' and agent_id = (select id from agents where email = '$1')"; }
TOKEN=$AGENT
req POST "/api/v1/tickets/$t1/messages" '{"body":"@Priya can you check the courier? (not bob@sam.example, not @nobody)","internal":true}'
expect 201 "a note with a mention"
TOKEN=$PRIYA
req GET /api/v1/notifications
expect_json '[.items[] | select(.kind == "mention")] | length' 1 "Priya is told"
expect_json '[.items[] | select(.kind == "mention")][0].ticket_id' "$t1" "about the ticket"
expect_json '[.items[] | select(.kind == "mention")][0].text' \
    "Test agent mentioned you in a note on ticket #$t1: Parcel lost" "naming the writer and the ticket"
TOKEN=$SAM
req GET /api/v1/notifications
expect_json '[.items[] | select(.kind == "mention")] | length' 0 "Sam (only in an address) is not"
check "nobody else is told" test "$(sql "select count(*) from notifications where kind = 'mention'")" = 1
TOKEN=$AGENT
req POST "/api/v1/tickets/$t1/messages" '{"body":"@priya a public reply mentions no one"}'
expect 201 "a public reply with an @"
req POST "/api/v1/tickets/$t1/messages" '{"body":"note to self @agent","internal":true}'
expect 201 "a note mentioning its writer"
check "replies and self-mentions notify no one" test "$(sql "select count(*) from notifications where kind = 'mention'")" = 1
TOKEN=$PRIYA
req POST "/api/v1/tickets/$t1/messages" '{"body":"@sam @SAM @agent thoughts?","internal":true}'
check "Sam is told once" test "$(count_notes sam@truce.example)" = 1
check "the agent is told" test "$(count_notes agent@test.example)" = 1

# ---- the public budget ----
stop_server
start_server --web "$WEB" --public-per-minute 3
for i in 1 2 3; do pub_post "$case_url/messages" "{\"body\":\"reply $i\"}"; done
expect 201 "replies within the budget"
pub_post "$case_url/messages" '{"body":"one too many"}'
expect 429 rate_limited "case replies past the budget"
check "429 says when to retry" test -n "$(header Retry-After)"
contact '{"email":"late@example.org","subject":"s","message":"m"}'
expect 429 rate_limited "the contact form shares the budget"
check "refused by the limit, nothing written" test "$(sql "select count(*) from messages where body = 'one too many'")" = 0

# ---- start-up: a web directory past its cap or missing stops the server ----
if "$TRUCE" serve --db "$DB" --listen 127.0.0.1:0 --web "$T_DIR/missing" 2>"$T_DIR/err"; then
    not_ok "a missing --web directory starts"
else
    check "a missing --web directory is named" grep -q "$T_DIR/missing" "$T_DIR/err"
fi
mkdir -p "$T_DIR/big"
head -c $((17 * 1024 * 1024)) /dev/zero >"$T_DIR/big/huge.bin"
if "$TRUCE" serve --db "$DB" --listen 127.0.0.1:0 --web "$T_DIR/big" 2>"$T_DIR/err"; then
    not_ok "a web directory over 16 MiB starts"
else
    check "a web directory over its cap says so" grep -q "over its limit" "$T_DIR/err"
fi

finish
