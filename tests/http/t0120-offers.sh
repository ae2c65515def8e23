#!/bin/bash
# Offers within authority: an agent's offer above their authority waits for a
# lead; an agent cannot approve it; the lead's approval is audited, announced,
# told to the customer through the outbox and shown on the customer's case
# link, which shows approved offers only.  Bad offers and bad decisions get
# the right 4xx and write nothing.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

# pub PATH: as a customer (no credentials).
pub() { STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' "$BASE$1"); }
offers_count() { sql "select count(*) from offers"; }
events_of() { # ACTION: audit events of this action on offers
    sql "select count(*) from events where action = '$1' and target_kind = 'offer'"
}
# writes: every row the desk writes for an offer (the offers and their states,
# their audit events, the customer's notices, the webhook deliveries), in one line.
writes() {
    sql "select (select count(*) from offers) || '/' ||
         (select count(*) from events where target_kind = 'offer') || '/' ||
         (select count(*) from outbox where kind = 'notice') || '/' ||
         (select count(*) from jobs where kind = 'webhook.deliver') || '/' ||
         (select group_concat(state || ':' || coalesce(decided_by, '-'))
            from (select state, decided_by from offers order by id))"
}
agent_id() { sql "select id from agents where email = '$1@test.example'"; }

# A subscriber to every offer event, to see what integrators hear.
req POST /api/v1/webhooks '{"url":"http://127.0.0.1:9/hook","events":["offer.proposed","offer.approved","offer.rejected","offer.withdrawn"]}'
expect 201 "subscribe to the offer events"

req POST /api/v1/tickets "$(ticket_body 'Parcel lost' cy@example.org 'My parcel never came. I want my money back.')"
expect 201 "a customer's ticket"
t1=$(json .id)
req GET "/api/v1/tickets/$t1/case-link"
expect 200 "an agent asks for the customer's case link"
CASE=$(json .url | cut -c4-)
check "the case link is under /c/" [ "$(json .url | cut -c1-3)" = /c/ ]
check "with a signed token" [ ${#CASE} -eq 86 ]
check "the case key is a setting" [ "$(sql "select length(value) from settings where name = 'case_key'")" = 32 ]
req GET "/api/v1/tickets/$t1/case-link"
CASE2=$(json .url | cut -c4-)
check "each ask gives a fresh token (none is stored)" [ "$CASE2" != "$CASE" ]

# ---- above the agent's authority: pending ----
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"80.00","currency":"EUR","note":"lost by the carrier"}'
expect 201 "an agent proposes a refund of 80.00 EUR"
o1=$(json .id)
expect_json .state pending "above the agent's 50.00 EUR it waits"
expect_json .amount "80.00" "the amount in major units"
expect_json .amount_minor 8000 "and in minor units"
expect_json .currency EUR "the currency"
expect_json .kind refund "the kind"
expect_json .proposed_by "$(agent_id agent)" "proposed by the acting agent"
expect_json .decided_by null "nobody decided yet"
expect_json .note "lost by the carrier" "the proposer's note"
check "the proposal is audited" [ "$(events_of offer.propose)" = 1 ]
check "the audit names the ticket and the reason" \
    [ "$(sql "select ticket_id || ' ' || json_extract(after, '$.summary') from events where action = 'offer.propose'")" = \
      "$t1 refund 80.00 EUR above agent authority (50.00 EUR): pending" ]
check "subscribers hear offer.proposed" \
    [ "$(sql "select count(*) from jobs where kind = 'webhook.deliver' and payload like '%offer.proposed%'")" = 1 ]
check "nothing is sent to the customer yet" [ "$(sql "select count(*) from outbox where kind = 'notice'")" = 0 ]
pub "/c/$CASE"
expect 200 "the customer opens the case link"
expect_json .ticket.id "$t1" "it shows their ticket"
expect_json .ticket.subject "Parcel lost" "with its subject"
expect_json '.offers | length' 0 "but no pending offer"
expect_json '.messages | length' 1 "and their message"
expect_json '.messages[0].author' customer "written by them"
check "a case link shows no analysis, coach or internal field" \
    [ "$(json '[.. | objects | keys[]] | map(select(. == "analysis" or . == "coach" or . == "internal" or . == "note" or . == "risk")) | length')" = 0 ]

# ---- the approval queue ----
TOKEN=$LEAD req GET /api/v1/offers
expect 200 "a lead reads the approval queue"
expect_json '[.items[].id] | join(",")' "$o1" "the pending offer is in it"
TOKEN=$AGENT req GET "/api/v1/offers?state=pending"
expect 403 forbidden "an agent has no approval queue"
TOKEN=$AGENT req GET "/api/v1/tickets/$t1/offers"
expect 200 "an agent reads a ticket's offers"
expect_json '.items[0].state' pending "in every state"

# ---- an agent cannot approve ----
before=$(writes)
TOKEN=$AGENT req POST "/api/v1/offers/$o1/approve" '{"note":"fine by me"}'
expect 403 forbidden "an agent's approval is refused"
check "and says why" grep -q 'only a lead or admin can approve' "$T_DIR/body"
TOKEN=$AGENT req POST "/api/v1/offers/$o1/reject"
expect 403 forbidden "an agent cannot reject either"
check "an agent's decision changes nothing" [ "$(writes)" = "$before" ]

# ---- another agent cannot withdraw it ----
echo "$PASSWORD" | "$TRUCE" agent add --db "$DB" --email other@test.example --name Other \
    --role agent --password-stdin >/dev/null
OTHER=$("$TRUCE" token create --db "$DB" --agent other@test.example | tail -n 1)
before=$(writes)
TOKEN=$OTHER req POST "/api/v1/offers/$o1/withdraw"
expect 403 forbidden "only the proposer can withdraw"
TOKEN=$LEAD req POST "/api/v1/offers/$o1/withdraw"
expect 403 forbidden "not even a lead"
check "a refused withdrawal changes nothing" [ "$(writes)" = "$before" ]

# ---- the lead approves ----
TOKEN=$LEAD req POST "/api/v1/offers/$o1/approve" '{"note":"carrier confirmed the loss"}'
expect 200 "the lead approves"
expect_json .state approved "approved"
expect_json .decided_by "$(agent_id lead)" "by the lead"
expect_json .decision_note "carrier confirmed the loss" "with the lead's note"
check "the approval is audited" [ "$(events_of offer.approve)" = 1 ]
check "as the lead, from pending to approved" \
    [ "$(sql "select actor_kind || ':' || actor_id || ' ' || json_extract(before, '$.state') || '>' || json_extract(after, '$.state') from events where action = 'offer.approve'")" = \
      "agent:$(agent_id lead) pending>approved" ]
check "subscribers hear offer.approved" \
    [ "$(sql "select count(*) from jobs where kind = 'webhook.deliver' and payload like '%offer.approved%'")" = 1 ]
check "one notice for the customer" [ "$(sql "select count(*) from outbox where kind = 'notice' and ticket_id = $t1")" = 1 ]
check "addressed to the ticket's customer, on its channel" \
    [ "$(sql "select o.customer_id = t.customer_id and o.channel = t.channel from outbox o join tickets t on t.id = o.ticket_id where o.kind = 'notice'")" = 1 ]
check "in plain words" [ "$(sql "select body like '%a refund of 80.00 EUR%' from outbox where kind = 'notice'")" = 1 ]
check "with the case link" [ "$(sql "select body like '%/c/%' from outbox where kind = 'notice'")" = 1 ]
check "without the proposer's internal note" [ "$(sql "select body like '%carrier%' from outbox where kind = 'notice'")" = 0 ]
pub "/c/$CASE"
expect 200 "the customer opens the case link again"
expect_json '.offers | length' 1 "the approved offer shows"
expect_json '.offers[0].kind + " " + .offers[0].amount + " " + .offers[0].currency' "refund 80.00 EUR" "what it is"
expect_json '.offers[0].description' "a refund of 80.00 EUR" "in plain words"
expect_json '.offers[0] | has("note") or has("proposed_by") or has("decision_note")' false "no internal detail"
pub "/c/$CASE2"
expect_json '.offers | length' 1 "every link of the case shows it"
LINK=$(sql "select body from outbox where kind = 'notice'" | grep -o '/c/[A-Za-z0-9_-]*' | cut -c4-)
pub "/c/$LINK"
expect 200 "the link in the notice opens the case"

# ---- deciding again ----
before=$(writes)
TOKEN=$LEAD req POST "/api/v1/offers/$o1/approve"
expect 409 conflict "a second approval conflicts"
req POST "/api/v1/offers/$o1/reject" '{}'
expect 409 conflict "so does a rejection after it"
TOKEN=$AGENT req POST "/api/v1/offers/$o1/withdraw"
expect 409 conflict "and a withdrawal"
check "deciding a decided offer changes nothing" [ "$(writes)" = "$before" ]

# ---- within authority: approved at once ----
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"discount","amount":20,"currency":"EUR"}'
expect 201 "an agent offers a 20 EUR discount"
o2=$(json .id)
expect_json .state approved "within authority: approved at once"
expect_json .amount "20.00" "an amount given as a number"
expect_json .decided_by "$(agent_id agent)" "decided by its proposer"
check "a second notice for the customer" [ "$(sql "select count(*) from outbox where kind = 'notice'")" = 2 ]
check "subscribers hear it proposed and approved" \
    [ "$(sql "select count(*) from jobs where kind = 'webhook.deliver' and payload like '%offer.approved%'")" = 2 ]
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"apology_only"}'
expect 201 "anyone may apologise"
expect_json .state approved "an apology is approved at once"
expect_json .amount null "it has no amount"

# ---- above a lead's authority: only an admin ----
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"800.00","currency":"EUR"}'
o3=$(json .id)
before=$(writes)
TOKEN=$LEAD req POST "/api/v1/offers/$o3/approve"
expect 403 forbidden "800.00 EUR is above a lead's authority"
check "and says so" grep -q 'above lead authority (500.00 EUR)' "$T_DIR/body"
check "a refused approval changes nothing" [ "$(writes)" = "$before" ]
req POST "/api/v1/offers/$o3/approve"
expect 200 "an admin approves it"

# ---- rejected and withdrawn offers never show ----
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"credit","amount":"75.50","currency":"EUR"}'
o4=$(json .id)
TOKEN=$LEAD req POST "/api/v1/offers/$o4/reject" '{"note":"a discount was given"}'
expect 200 "the lead rejects a credit"
expect_json .state rejected "rejected"
check "the rejection is audited" [ "$(events_of offer.reject)" = 1 ]
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"replacement","amount":"150","currency":"EUR"}'
o5=$(json .id)
TOKEN=$AGENT req POST "/api/v1/offers/$o5/withdraw"
expect 200 "the proposer withdraws a replacement"
expect_json .state withdrawn "withdrawn"
check "the withdrawal is audited" [ "$(events_of offer.withdraw)" = 1 ]
check "no notice for a rejected or withdrawn offer" [ "$(sql "select count(*) from outbox where kind = 'notice'")" = 4 ]
pub "/c/$CASE"
expect_json '[.offers[].id] | join(",")' "$o1,$o2,$(sql "select id from offers where kind = 'apology_only'"),$o3" \
    "the case shows the approved offers only"
TOKEN=$AGENT req GET "/api/v1/tickets/$t1/offers?state=rejected"
expect_json '[.items[].id] | join(",")' "$o4" "agents still see the rejected one"
TOKEN=$LEAD req GET "/api/v1/offers?state=approved&limit=2"
expect_json '.items | length' 2 "the lists page"
cursor=$(json .next_cursor)
TOKEN=$LEAD req GET "/api/v1/offers?state=approved&limit=2&cursor=$cursor"
expect_json '.items | length' 2 "the next page holds the rest"
expect_json .next_cursor null "and is the last"

# ---- bad offers write nothing ----
before=$(writes)
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"-5.00","currency":"EUR"}'
expect 400 invalid_value "a negative amount"
expect_json .error.field amount "names the amount"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":-5,"currency":"EUR"}'
expect 400 invalid_value "a negative number"
expect_json .error.field amount "names the amount"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"lots","currency":"EUR"}'
expect 400 invalid_value "a word for an amount"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"80.001","currency":"EUR"}'
expect 400 invalid_value "more decimals than the currency has"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"0","currency":"EUR"}'
expect 400 invalid_value "a refund of nothing"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":true,"currency":"EUR"}'
expect 400 wrong_type "an amount that is not a number"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"voucher","amount":"5","currency":"EUR"}'
expect 400 invalid_value "an unknown kind"
expect_json .error.field kind "names the kind"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"5","currency":"euro"}'
expect 400 invalid_value "a bad currency"
expect_json .error.field currency "names the currency"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"5"}'
expect 400 invalid_value "an amount without a currency"
expect_json .error.field currency "names the currency"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"apology_only","amount":"5","currency":"EUR"}'
expect 400 invalid_value "an apology with money"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"5","currency":"EUR","extra":1}'
expect 400 unknown_field "an undeclared field"
TOKEN=$AGENT req POST "/api/v1/tickets/99999/offers" '{"kind":"refund","amount":"5","currency":"EUR"}'
expect 404 not_found "an unknown ticket"
TOKEN=$AGENT req POST "/api/v1/tickets/abc/offers" '{"kind":"refund","amount":"5","currency":"EUR"}'
expect 404 not_found "a ticket id that is not a number"
TOKEN=$LEAD req POST "/api/v1/offers/99999/approve"
expect 404 not_found "an unknown offer"
TOKEN=$LEAD req POST "/api/v1/offers/x1/approve"
expect 404 not_found "an offer id that is not a number"
TOKEN=$LEAD req POST "/api/v1/offers/$o1/approve" '{"note":"ok","why":1}'
expect 400 unknown_field "a decision with an undeclared field"
TOKEN=$LEAD req POST "/api/v1/offers/$o1/approve" 'note=ok' -H 'Content-Type: text/plain'
expect 415 unsupported_media_type "a decision that is not JSON"
TOKEN=$LEAD req POST "/api/v1/offers/$o1/approve" '{"note":"ok"}' -H 'Content-Type: application/jsonx'
expect 415 unsupported_media_type "a decision whose type only starts with application/json"
TOKEN=$LEAD req GET "/api/v1/offers?state=maybe"
expect 400 invalid_value "an unknown state"
check "bad requests write nothing" [ "$(writes)" = "$before" ]

# ---- a closed ticket takes no offer ----
req POST /api/v1/tickets "$(ticket_body 'Old matter' dee@example.org)"
t2=$(json .id)
req PATCH "/api/v1/tickets/$t2" '{"status":"closed"}'
before=$(writes)
TOKEN=$AGENT req POST "/api/v1/tickets/$t2/offers" '{"kind":"refund","amount":"5","currency":"EUR"}'
expect 409 conflict "no offer on a closed ticket"
check "and nothing is written" [ "$(writes)" = "$before" ]

# ---- forged and altered case links ----
pub "/c/${CASE%?}A"
[ "${CASE: -1}" = A ] && pub "/c/${CASE%?}B"
expect 404 not_found "an altered case token"
c=${CASE:10:1}
[ "$c" = B ] && d=C || d=B
pub "/c/${CASE:0:10}$d${CASE:11}"
expect 404 not_found "a case token with another id"
pub "/c/short"
expect 404 not_found "a token that is too short"
req GET "/api/v1/tickets/$t2/case-link"
pub "/c/$(json .url | cut -c4-)"
expect_json .ticket.id "$t2" "each ticket has its own link"
req POST /api/v1/tickets "$(ticket_body 'Thanks' eve@example.org)"
t3=$(json .id)
req PATCH "/api/v1/tickets/$t3" '{"status":"resolved"}'
req GET "/api/v1/outbox?ticket_id=$t3"
SURVEY=$(json '[.items[] | select(.kind == "survey")][0].body' | grep -o '/s/[A-Za-z0-9_-]*' | cut -c4-)
check "a survey token to try" [ ${#SURVEY} -eq 86 ]
pub "/c/$SURVEY"
expect 404 not_found "a survey link does not open a case: another key signs it"
req GET "/api/v1/tickets/99999/case-link"
expect 404 not_found "no case link for an unknown ticket"
check "the request log shows no case token" \
    [ "$(grep -c '/c/[A-Za-z0-9_-]\{9,\}' "$T_DIR/server.log")" = 0 ]
check "but shows the case link's requests" grep -q 'GET /c/\[token\] 200' "$T_DIR/server.log"

# ---- the CLI decides as the agent it names ----
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"60","currency":"USD"}'
o6=$(json .id)
"$TRUCE" offers list --db "$DB" >"$T_DIR/out"
check "truce offers list shows the queue" [ "$(tail -n +2 "$T_DIR/out" | cut -f1)" = "$o6" ]
check "under a header" [ "$(head -n 1 "$T_DIR/out" | cut -f1-4)" = "$(printf 'id\tticket\tstate\tkind')" ]
before=$(writes)
"$TRUCE" offers approve "$o6" --db "$DB" --agent agent@test.example 2>"$T_DIR/err" >/dev/null
check "an agent cannot approve from the CLI" [ $? = 1 ]
check "and hears why" grep -q 'only a lead or admin can approve' "$T_DIR/err"
check "which changes nothing" [ "$(writes)" = "$before" ]
"$TRUCE" offers approve "$o6" --db "$DB" --agent lead@test.example --note "ok" >"$T_DIR/out"
check "a lead approves from the CLI" [ "$(tail -n 1 "$T_DIR/out" | cut -f3)" = approved ]
check "audited as the lead" \
    [ "$(sql "select actor_id from events where action = 'offer.approve' and target_id = $o6")" = "$(agent_id lead)" ]
"$TRUCE" offers reject "$o6" --db "$DB" --agent lead@test.example 2>"$T_DIR/err"
check "the CLI refuses a decided offer" [ $? = 1 ]
"$TRUCE" offers list --db "$DB" --ticket "$t1" --state rejected >"$T_DIR/out"
check "truce offers list by ticket and state" [ "$(tail -n +2 "$T_DIR/out" | cut -f1)" = "$o4" ]
"$TRUCE" offers approve abc --db "$DB" --agent lead@test.example 2>/dev/null
check "a bad id is a usage error" [ $? = 2 ]

stop_server
check "the server stops cleanly (exit $SERVER_EXIT)" [ "$SERVER_EXIT" = 0 ]
[ "$SERVER_EXIT" = 0 ] || tail -n 40 "$T_DIR/server.log"
# ---- serve --authority ----
printf 'agent refund EUR 100.00\nlead * EUR unlimited\n' >"$T_DIR/authority.txt"
start_server --authority "$T_DIR/authority.txt"
check "the server says which policy it uses" grep -q "authority policy from .*authority.txt" "$T_DIR/server.log"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"refund","amount":"80.00","currency":"EUR"}'
expect_json .state approved "under a policy file giving agents 100.00 EUR, 80.00 EUR passes"
TOKEN=$AGENT req POST "/api/v1/tickets/$t1/offers" '{"kind":"credit","amount":"1.00","currency":"EUR"}'
expect_json .state pending "and a kind the file does not give agents waits"
stop_server
check "a server with a policy file stops cleanly (exit $SERVER_EXIT)" [ "$SERVER_EXIT" = 0 ]
printf 'agent refund EUR 100.00\nagent refund EUR ten\n' >"$T_DIR/bad.txt"
"$TRUCE" serve --db "$DB" --listen 127.0.0.1:0 --authority "$T_DIR/bad.txt" 2>"$T_DIR/err" &
pid=$!
wait $pid
check "serve refuses a bad policy file" [ $? = 2 ]
check "naming the file and line" grep -q "bad.txt:2:" "$T_DIR/err"

finish
