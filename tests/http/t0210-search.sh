#!/bin/bash
# Search and suggestions: BM25 ranks a title hit above a body hit, prefix
# search, snippets as parts; an agent finds an internal note while the
# public search never returns internal or draft articles nor any ticket;
# a ticket's suggestions list a similar resolved ticket with its offer and
# lesson; deflections are counted per day; bad q is refused or empty.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

NOW=$(date +%s)
art() { # slug title body audience status
    sql "INSERT INTO articles (slug, title, body, audience, status, created_at, updated_at)
         VALUES ('$1', '$2', '$3', '$4', '$5', $NOW, $NOW)"
}
art refund-policy 'Refund policy' 'How we handle money back for orders.' public published
art shipping 'Shipping times' 'A late parcel may get a refund after ten days.' public published
art secret-playbook 'Refund escalation playbook' 'Internal: approve refund above limit.' internal published
art draft-refund 'Refund draft' 'Not yet published refund text.' public draft

# ---- ranking, prefix, snippet parts ----
req GET "/api/v1/search?q=refund&type=article"
expect 200 "an agent searches articles"
expect_json '.items | length' 4 "agents see every article, internal and drafts too"
expect_json '.items[0].type' article "items are typed"
expect_json '[.items[].slug] | index("shipping")' 3 "a body-only hit ranks below the title hits"
expect_json '[.items[0].snippet[] | select(.hit) | .text][0] | ascii_downcase' refund \
    "the snippet marks the hit as a part"
req GET "/api/v1/search?q=shipp*&type=article"
expect_json '.items[0].slug' shipping "a trailing * searches by prefix"
req GET "/api/v1/search?q=title:refund%20OR%20(%22x&type=article"
expect 200 "FTS5 syntax in q is searched as words, not obeyed"

# ---- tags are words: a snippet never shows their JSON ----
req POST /api/v1/articles '{"title":"Money back","body":"Ask within thirty days of delivery.","tags":["zanzibar","quokka-care","billing"],"audience":"public","status":"published"}'
expect 201 "an article with tags"
TAGGED=$(json .id)
TOKEN="" req GET "/api/v1/public/search?q=zanzibar"
expect_json '.items[0].id' "$TAGGED" "a tag finds its article"
SNIP=$(json '[.items[0].snippet[].text] | join("")')
case "$SNIP" in *'['* | *']'* | *'"'* | *','*) not_ok "no JSON in a tag's snippet: $SNIP" ;; *) ok ;; esac
expect_json '[.items[0].snippet[] | select(.hit) | .text] | join(",")' zanzibar "the tag is the hit"
req GET "/api/v1/search?q=thirty%20zanzibar&type=article"
expect_json '[.items[0].snippet[].text] | join("")' "Ask within thirty days of delivery." \
    "a hit in the body and the tags shows the body"
req PATCH "/api/v1/articles/$TAGGED" '{"tags":["wombat"]}'
expect 200 "the tags change"
req GET "/api/v1/search?q=zanzibar&type=article"
expect_json '.items | length' 0 "the old tag is gone from the index"
req GET "/api/v1/search?q=wombat&type=article"
expect_json '.items[0].id' "$TAGGED" "the new tag is found"
req DELETE "/api/v1/articles/$TAGGED"
expect 200 "the article is deleted"
req GET "/api/v1/search?q=wombat&type=article"
expect_json '.items | length' 0 "and leaves the index"

# ---- tickets and internal notes ----
req POST /api/v1/tickets "$(ticket_body 'Kettle arrived broken' ann@example.org 'My kettle arrived with a cracked lid.')"
expect 201 "a ticket is opened"
OPEN_ID=$(json .id)
req POST "/api/v1/tickets/$OPEN_ID/messages" '{"body":"Supplier zebrawood batch is faulty","internal":true}'
expect 201 "an internal note is added"
req GET "/api/v1/search?q=zebrawood"
expect 200 "an agent searches everything"
expect_json '.items[0].type' ticket "the note's ticket is found"
expect_json '.items[0].id' "$OPEN_ID" "it is the right ticket"
expect_json '.items[0].message_id | type' number "the hit names its message"
req GET "/api/v1/search?q=kettle&type=ticket"
expect_json '.items[0].id' "$OPEN_ID" "subject and messages are searched"

# ---- the public search: published public articles only, no tickets ----
TOKEN="" req GET "/api/v1/public/search?q=refund"
expect 200 "anyone may search the help center"
expect_json '[.items[].slug] | sort | join(",")' "refund-policy,shipping" \
    "no internal nor draft article"
expect_json '[.items[] | has("audience") or has("status")] | any' false \
    "the public view hides audience and status, as every public view does"
TOKEN="" req GET "/api/v1/public/suggest?q=refund"
expect_json '(.items | length > 0) and ([.items[] | has("audience") or has("status")] | any | not)' true \
    "suggestions hide them too"
req GET "/api/v1/search?q=refund&type=article"
expect_json '[.items[] | has("audience") and has("status")] | all' true "agents see them"
TOKEN="" req GET "/api/v1/public/search?q=zebrawood"
expect_json '.items | length' 0 "no ticket, no internal note"
TOKEN="" req GET "/api/v1/public/search?q=kettle"
expect_json '.items | length' 0 "no ticket subject either"
TOKEN="" req GET "/api/v1/public/suggest?q=my%20parcel%20is%20late"
expect 200 "suggestions as the customer types"
expect_json '.items[0].slug' shipping "the shipping article is suggested"
# A long message, not ASCII: its first 4096 bytes are read, a
# longer q is no error (the contact form sends whole messages).
LONG=$(printf 'my%%20parcel%%20is%%20late%%20'; printf '%%C3%%A9%.0s' $(seq 1 2100))
TOKEN="" req GET "/api/v1/public/suggest?q=$LONG"
expect 200 "a suggest q over 4096 bytes is read, not refused"
expect_json '.items[0].slug' shipping "its start still finds the article"
TOKEN="" req GET "/api/v1/public/search?q=$LONG"
expect 400 too_long "the search box's q over 256 bytes is still refused"

# ---- bad q ----
req GET "/api/v1/search"
expect 400 missing_field "q is required"
req GET "/api/v1/search?q="
expect 200 "an empty q"
expect_json '.items | length' 0 "gives no result"
req GET "/api/v1/search?q=%3F%21%2E%22%2A"
expect_json '.items | length' 0 "only punctuation gives no result"
req GET "/api/v1/search?q=$(head -c 300 /dev/zero | tr '\0' a)"
expect 400 too_long "a q over 256 bytes is refused"
req GET "/api/v1/search?q=x&type=customer"
expect 400 invalid_value "an unknown type is refused"
# q is text: bytes that are not UTF-8, a NUL or another control character
# are refused with the field named, never searched as something else.
for bad in '%FF%FE' '%00refund' 'refund%00' 're%01fund' '%1B%5B31m'; do
    for route in /api/v1/search /api/v1/public/search /api/v1/public/suggest; do
        TOKEN="${ADMIN}" req GET "$route?q=$bad"
        expect 400 invalid_value "$route refuses q=$bad"
        expect_json .error.field q "$route names q for q=$bad"
    done
done
req GET "/api/v1/search?q=%FF%FE"
expect_json .error.message "'q' must be UTF-8 text" "the message says why"
TOKEN="" req GET "/api/v1/public/suggest?q=my%20parcel%0Ais%09late%0D%0A"
expect 200 "line ends and tabs of a message are text"
expect_json '.items[0].slug' shipping "and it is searched"

# ---- suggestions: a similar resolved ticket, its offer and lesson ----
req POST /api/v1/tickets "$(ticket_body 'Teapot lid cracked' bob@example.org 'The teapot lid came cracked in the box.')"
OLD_ID=$(json .id)
req PATCH "/api/v1/tickets/$OLD_ID" '{"status":"resolved"}'
expect 200 "the older ticket is resolved"
ADMIN_ID=$(sql "SELECT id FROM agents WHERE email = 'admin@test.example'")
sql "INSERT INTO offers (ticket_id, kind, amount, currency, state, note, proposed_by, proposer_role, proposed_at)
     VALUES ($OLD_ID, 'replacement', 0, '', 'approved', 'new lid sent', $ADMIN_ID, 'admin', 1)"
sql "INSERT INTO lessons (ticket_id, agent_id, cause, what_went_wrong, prevention, created_at)
     VALUES ($OLD_ID, $ADMIN_ID, 'packaging', 'lid loose in box', 'wrap lids apart', 1)"
req POST /api/v1/tickets "$(ticket_body 'Unrelated question' cy@example.org 'Do you ship to Norway?')"
req PATCH "/api/v1/tickets/$(json .id)" '{"status":"resolved"}'
req GET "/api/v1/tickets/$OPEN_ID/suggestions"
expect 200 "suggestions for the open ticket"
expect_json '.similar[0].id' "$OLD_ID" "the similar resolved ticket comes first"
expect_json '[.similar[].id] | index('"$OPEN_ID"')' null "the ticket itself is left out"
expect_json '.similar[0].resolution.offers[0].kind' replacement "with its approved offer"
expect_json '.similar[0].resolution.lesson.prevention' 'wrap lids apart' "and its lesson"
req GET "/api/v1/tickets/999999/suggestions"
expect 404 not_found "an unknown ticket"

# ---- deflection ----
PUB_ID=$(sql "SELECT id FROM articles WHERE slug = 'shipping'")
INT_ID=$(sql "SELECT id FROM articles WHERE slug = 'secret-playbook'")
TOKEN="" req POST /api/v1/public/deflected "{\"article_id\":$PUB_ID}"
expect 201 "a customer says an article answered"
TOKEN="" req POST /api/v1/public/deflected "{\"article_id\":$PUB_ID}"
TOKEN="" req POST /api/v1/public/deflected "{\"article_id\":$INT_ID}"
expect 404 not_found "an internal article cannot be counted"
TOKEN="" req POST /api/v1/public/deflected '{"article_id":"x"}'
expect 400 wrong_type "article_id is a number"
TOKEN=$AGENT req GET /api/v1/reports/deflection
expect 403 forbidden "an agent cannot read the deflection report"
TOKEN=$LEAD req GET /api/v1/reports/deflection
expect 200 "a lead reads it"
expect_json '.days | length' 30 "the last 30 days by default"
expect_json '.days[-1].deflected' 2 "two deflections today"
expect_json .total 2 "two in all"
TODAY=$(date -u +%F)
expect_json .to "$TODAY" "to is the last day, as a date"
TOKEN=$LEAD req GET "/api/v1/reports/deflection?from=$TODAY&to=$TODAY&format=csv" "" -D "$T_DIR/headers"
expect 200 "deflection as CSV"
check "served as text/csv" grep -qi '^content-type: text/csv' "$T_DIR/headers"
check "a header and a row per day" test "$(tr -d '\r' <"$T_DIR/body")" = "day,deflected
$TODAY,2"
TOKEN=$LEAD req GET "/api/v1/reports/deflection?from=${TODAY}T10:00:00Z&to=${TODAY}T11:00:00Z"
expect 200 "instants are accepted"
expect_json '"\(.from) \(.to) \(.days | length) \(.total)"' "$TODAY $TODAY 1 2" \
    "an instant stands for its whole day"
TOKEN=$LEAD req GET "/api/v1/reports/deflection?from=2025-01-01&to=2026-01-31"
expect 400 invalid_value "more than 366 days is refused"
TOKEN=$LEAD req GET "/api/v1/reports/deflection?from=2026-02-01&to=2026-01-01"
expect 400 invalid_value "from after to is refused"
expect_json .error.field from "the error names from"
TOKEN=$LEAD req GET "/api/v1/reports/deflection?bucket=day"
expect 400 unknown_field "deflection takes no bucket"
"$TRUCE" report deflection --db "$DB" --from "$TODAY" --to "$TODAY" --csv >"$T_DIR/cli.csv"
check "truce report deflection --csv: today's count" grep -q "^$TODAY,2" "$T_DIR/cli.csv"
OUT=$("$TRUCE" report deflection --db "$DB" | jq -r '"\(.total) \(.days | length)"')
check "truce report deflection: the API's JSON" test "$OUT" = "2 30"

finish
