#!/bin/bash
# Escalation rules and notifications: the default rules a new desk starts
# with; managing rules by API (bad input changes nothing); a legal threat
# fires its rule once (urgent, tagged, legal hold, audited, the lead
# notified), a re-arm lets it fire again; a CSAT of 1 fires the low-CSAT
# rule; replacing the whole set by API and from a file with `truce rules`.
. "$(dirname "$0")/lib.sh"
setup_db
start_server --survey-per-minute 1000

LEGAL='This is UNACCEPTABLE. I have written three times. My lawyer will hear about this and I will sue you.'
LEGAL2='Still nothing. I am taking you to court, my attorney has the file.'

rule_count() { sql "select count(*) from rules"; }
rules_version() { sql "select value from settings where name = 'rules_version'"; }
fired() { # TICKET RULE: how many times the rule fired on the ticket (audit events)
    sql "select count(*) from events where ticket_id = $1 and action = 'rule.fired'
         and json_extract(after, '$.rule') = '$2'"
}
# unchanged DESCRIPTION: the rules are as they were before the last request.
unchanged() {
    check "$1 changes no rule" [ "$(rule_count)" = "$n_before" ]
    check "$1 leaves the version" [ "$(rules_version)" = "$v_before" ]
}
snapshot() { n_before=$(rule_count); v_before=$(rules_version); }
customer_says() { # TICKET BODY
    req POST "/api/v1/tickets/$1/messages" "$(jq -nc --arg b "$2" '{author:"customer", body:$b}')"
    [ "$STATUS" = 201 ] || not_ok "customer message on ticket $1"
}

# ---- a new desk starts with the default rules ----
TOKEN=$LEAD req GET /api/v1/rules
expect 200 "a lead lists the rules"
expect_json '.items | length' "$(grep -c '^rule ' "$(dirname "$0")/../../data/rules/default.txt")" \
    "truce init loaded data/rules/default.txt"
expect_json '.items[0].name' legal-threat "in file order"
expect_json '[.items[].position] == [range(1; (.items | length) + 1)]' true "positions are 1..n"
expect_json '.items[0].when | tojson' '[{"trigger":"legal_threat"}]' "conditions as JSON"
expect_json '[.items[0].then[] | keys[0]] | sort | join(",")' \
    "add_tag,legal_hold,notify_lead,set_priority" "a legal threat: tag, hold, lead, priority"
expect_json '[.items[0].then[] | select(has("assign_team"))] | length' 0 \
    "a legal threat does not take the ticket from its agent"
expect_json '.items[0].spec | startswith("rule legal-threat\n")' true "each rule's text"
TOKEN=$AGENT req GET /api/v1/rules
expect 403 forbidden "an agent may not read the rules"
"$TRUCE" init --db "$DB" >/dev/null
check "init again keeps the rules as they are" [ "$(rule_count)" = 13 ]

# ---- bad input changes nothing ----
snapshot
TOKEN=$AGENT req POST /api/v1/rules '{"name":"x","when":[{"trigger":"legal_threat"}],"then":[{"notify_lead":true}]}'
expect 403 forbidden "an agent may not create a rule"
unchanged "an agent's attempt"
TOKEN=$LEAD req POST /api/v1/rules '{"name":"x","when":[{"trigger":"legal_threat"}],"then":[{"notify_lead":true}]}'
expect 403 forbidden "a lead may not create a rule"
req POST /api/v1/rules '{"name":"x","when":[{"trigger":"legl"}],"then":[{"notify_lead":true}]}'
expect 400 invalid_value "an unknown trigger"
expect_json .error.field 'when[0].trigger' "the field is named"
check "the message names the trigger" grep -q "legl" "$T_DIR/body"
unchanged "an unknown trigger"
req POST /api/v1/rules '{"name":"legal-threat","when":[{"level":"heated"}],"then":[{"notify_lead":true}]}'
expect 409 conflict "a duplicate name"
expect_json .error.field name "the duplicate is the name"
unchanged "a duplicate name"
req POST /api/v1/rules '{"name":"x","when":[{"trigger":'
expect 400 malformed_json "bad JSON"
unchanged "bad JSON"
req POST /api/v1/rules '{"name":"x","when":[{"csat":9}],"then":[{"notify_lead":true}]}'
expect 400 invalid_value "a CSAT out of range"
expect_json .error.field 'when[0].csat' "the score's field"
req POST /api/v1/rules '{"name":"x","when":[{"nps":100000}],"then":[{"notify_lead":true}]}'
expect 400 invalid_value "an NPS score far out of range"
expect_json .error.message 'a nps score is 0..10, not 100000' "the message quotes the score given"
req POST /api/v1/rules '{"name":"x","when":[{"level":"heated"}]}'
expect 400 missing_field "a rule without actions"
expect_json .error.field then "then is missing"
req POST /api/v1/rules '{"name":"x","when":[{"level":"heated"}],"then":[{"call_police":true}]}'
expect 400 unknown_field "an unknown action"
req POST /api/v1/rules '{"name":"x","when":[{"level":"heated","trigger":"abuse"}],"then":[{"notify_lead":true}]}'
expect 400 invalid_value "a condition with two members"
req POST /api/v1/rules '{"name":"x","when":[{"waiting":"-5m"}],"then":[{"notify_lead":true}]}'
expect 400 invalid_value "a negative wait"
req POST /api/v1/rules '{"name":"x","when":[{"level":"heated"}],"then":[{"set_priority":"high"},{"set_priority":"low"}]}'
expect 400 invalid_value "two priorities in one rule"
req POST /api/v1/rules '{"name":"x","when":[],"then":[{"notify_lead":true}]}'
expect 400 invalid_value "a rule without conditions"
req POST /api/v1/rules '{"name":"x","when":[{"level":"heated"}],"then":[{"notify_lead":true}],"colour":"red"}'
expect 400 unknown_field "an undeclared field"
req POST /api/v1/rules "$(jq -nc '{spec:"rule x\n  when trigger legl\n  then notify_lead\n"}')"
expect 400 invalid_value "a bad spec"
expect_json .error.field spec "the spec is at fault"
check "the message names the spec's line" grep -q 'spec:2: unknown trigger' "$T_DIR/body"
req POST /api/v1/rules "$(jq -nc '{spec:"rule x\n  when level >= heated\n  then notify_lead\nrule y\n  when level >= heated\n  then notify_lead\n"}')"
expect 400 invalid_value "a spec with two rules"
req POST /api/v1/rules '{"spec":"rule x\n when level >= heated\n then notify_lead\n","name":"y"}'
expect 400 unknown_field "spec and fields together"
req POST /api/v1/rules '{"name":"x","when":[{"level":"heated"}],"then":[{"notify_lead":true}],"position":0}'
expect 400 invalid_value "position 0"
req POST /api/v1/rules '{"name":"x","when":[{"level":"heated"}],"then":[{"notify_lead":true},{"assign_agent":99999}]}'
expect 400 invalid_value "an agent who does not exist"
expect_json .error.field 'then[1].assign_agent' "the action is named"
check "the message names the id" grep -q "no agent has id 99999" "$T_DIR/body"
unchanged "every bad rule above"
check "no rule event for bad input (only the seed's rules.replace)" [ "$(sql "select count(*) from events where action like 'rule%'")" = 1 ]

# ---- create, read, update, delete ----
req POST /api/v1/rules '{"name":"vip-heated","when":[{"level":"heated"},{"waiting":"1h30m"}],"then":[{"assign_team":"vip"},{"add_tag":"vip"}],"rearm":"auto","position":2}'
expect 201 "an admin creates a rule"
vip=$(json .id)
expect_json .position 2 "at the position asked"
expect_json '.when[1].waiting' 1h30m "the wait as written"
expect_json .rearm auto "rearm auto"
expect_json '.spec | contains("rule vip-heated\n  when level >= heated\n  when waiting > 1h30m")' true \
    "its text in the file format"
TOKEN=$LEAD req GET /api/v1/rules
expect_json '[.items[].name][0:3] | join(",")' "legal-threat,vip-heated,safety" "inserted second"
expect_json '[.items[].position] == [range(1; 15)]' true "positions stay 1..n"
req POST /api/v1/rules "$(jq -nc '{spec:"rule spec-made\n  when nps <= 3\n  then add_tag angry-nps\n"}')"
expect 201 "a rule from its text"
spec_made=$(json .id)
expect_json '.when[0].nps' 3 "parsed"
expect_json .position 15 "appended"
req PUT "/api/v1/rules/$vip" '{"name":"vip-upset","when":[{"level":"hostile"}],"then":[{"add_tag":"vip"}],"position":1}'
expect 200 "an admin updates a rule"
expect_json .name vip-upset "renamed"
expect_json .position 1 "moved first"
req PUT "/api/v1/rules/$vip" '{"name":"safety","when":[{"level":"hostile"}],"then":[{"add_tag":"vip"}]}'
expect 409 conflict "renaming onto another rule's name"
req PUT /api/v1/rules/99999 '{"name":"nope","when":[{"level":"hostile"}],"then":[{"add_tag":"vip"}]}'
expect 404 not_found "updating an unknown rule"
req PUT "/api/v1/rules/$vip" '{"name":"vip-upset","when":[{"level":"hostile"}],"then":[{"assign_agent":99999}]}'
expect 400 invalid_value "updating a rule to assign an agent who does not exist"
expect_json .error.field 'then[0].assign_agent' "the update's action is named"
TOKEN=$LEAD req GET "/api/v1/rules/$vip"
expect_json '.then[0].add_tag' vip "the refused update left the rule"
TOKEN=$LEAD req GET "/api/v1/rules/$vip"
expect_json .name vip-upset "read one rule"
req DELETE "/api/v1/rules/$vip"
expect 200 "delete a rule"
req DELETE "/api/v1/rules/$spec_made"
expect 200 "delete another"
req DELETE "/api/v1/rules/$vip"
expect 404 not_found "deleting twice"
TOKEN=$LEAD req GET /api/v1/rules
expect_json '.items | length' 13 "back to the defaults"
expect_json '[.items[].position] == [range(1; 14)]' true "positions renumbered"
check "create, update and delete are audited" \
    [ "$(sql "select group_concat(action) from (select action from events where action like 'rule.%' order by id)")" = \
      "rule.create,rule.create,rule.update,rule.delete,rule.delete" ]

# ---- a legal threat fires its rule once ----
req POST /api/v1/webhooks "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"notification.created\"]}"
expect 201 "subscribe to notifications"
req POST /api/v1/tickets "$(ticket_body 'Refund refused' legal@example.org "$LEGAL")"
expect 201 "a hostile message with a legal threat"
t=$(json .id)
expect_json .priority urgent "made urgent"
expect_json '.tags | index("legal") != null' true "tagged legal"
expect_json .legal_hold true "placed on legal hold"
req GET "/api/v1/tickets/$t/events?limit=500"
expect_json '[.items[] | select(.action == "rule.fired") | .after.rule] | index("legal-threat") != null' \
    true "a rule.fired event"
expect_json '[.items[] | select(.action == "rule.fired" and .after.rule == "legal-threat")][0].after.facts.triggers | index("legal_threat") != null' \
    true "the event names the facts that matched"
expect_json '[.items[] | select(.action == "rule.fired")][0].actor.kind' system \
    "fired by the system"
TOKEN=$LEAD req GET "/api/v1/notifications?unread=1"
expect 200 "the lead's notifications"
expect_json "[.items[] | select(.ticket_id == $t and .kind == \"rule\")] | length" 1 "one notification for the ticket"
note=$(json "[.items[] | select(.ticket_id == $t and .kind == \"rule\")][0].id")
expect_json "[.items[] | select(.ticket_id == $t and .kind == \"rule\")][0].text | contains(\"legal-threat\")" true \
    "it names the rule"
expect_json "[.items[] | select(.ticket_id == $t and .kind == \"rule\")][0].text | contains(\"#$t\")" true \
    "it names the ticket"
expect_json "[.items[] | select(.ticket_id == $t and .kind == \"rule\")][0].role" lead "sent to the leads"
TOKEN=$AGENT req GET /api/v1/notifications
expect 200 "an agent's notifications"
expect_json '.items | length' 0 "an agent does not see the leads'"
req GET /api/v1/notifications
expect_json "[.items[] | select(.ticket_id == $t and .kind == \"rule\")] | length" 1 "an admin sees the leads'"
check "a notification.created webhook is queued" \
    [ "$(sql "select count(*) from jobs where kind = 'webhook.deliver' and payload like '%notification.created%'")" -ge 1 ]

req PATCH "/api/v1/tickets/$t" '{"priority":"normal"}'
expect 200 "a lead sets the priority back"
customer_says "$t" "$LEGAL2"
req GET "/api/v1/tickets/$t"
expect_json .priority normal "the rule does not fire twice"
check "legal-threat fired once" [ "$(fired "$t" legal-threat)" = 1 ]
TOKEN=$LEAD req GET "/api/v1/notifications?unread=1"
expect_json "[.items[] | select(.ticket_id == $t and (.text | contains(\"legal-threat\")))] | length" 1 \
    "no second notification"

# ---- reading a notification ----
TOKEN=$AGENT req POST "/api/v1/notifications/$note/read"
expect 404 not_found "an agent cannot read the leads' notification"
TOKEN=$LEAD req POST "/api/v1/notifications/$note/read"
expect 200 "the lead marks it read"
expect_json .read true "read"
TOKEN=$LEAD req POST "/api/v1/notifications/$note/read"
expect 200 "reading twice is fine"
TOKEN=$LEAD req GET "/api/v1/notifications?unread=1"
expect_json "[.items[] | select(.id == $note)] | length" 0 "gone from the unread list"
TOKEN=$LEAD req GET "/api/v1/notifications?unread=maybe"
expect 400 invalid_value "a bad unread flag"
TOKEN=$LEAD req POST /api/v1/notifications/99999/read
expect 404 not_found "an unknown notification"

# ---- an explicit re-arm ----
TOKEN=$AGENT req POST "/api/v1/tickets/$t/rules/rearm" '{"rule":"legal-threat"}'
expect 403 forbidden "an agent may not re-arm"
TOKEN=$LEAD req POST "/api/v1/tickets/$t/rules/rearm" '{"rule":"no-such-rule"}'
expect 404 not_found "an unknown rule"
expect_json .error.field rule "the rule is at fault"
TOKEN=$LEAD req POST "/api/v1/tickets/99999/rules/rearm" '{"rule":"legal-threat"}'
expect 404 not_found "an unknown ticket"
TOKEN=$LEAD req POST "/api/v1/tickets/$t/rules/rearm" '{"rule":"legal-threat","x":1}'
expect 400 unknown_field "an undeclared field"
check "refused re-arms are not audited" [ "$(sql "select count(*) from events where action = 'rule.rearm'")" = 0 ]
TOKEN=$LEAD req POST "/api/v1/tickets/$t/rules/rearm" '{"rule":"legal-threat"}'
expect 200 "a lead re-arms the rule"
expect_json .armed true "armed"
expect_json .times 1 "it fired once so far"
check "the re-arm is audited" [ "$(sql "select count(*) from events where action = 'rule.rearm' and ticket_id = $t")" = 1 ]
req GET "/api/v1/tickets/$t"
expect_json .priority normal "a re-arm alone changes nothing"
customer_says "$t" "$LEGAL2"
req GET "/api/v1/tickets/$t"
expect_json .priority urgent "the next legal threat fires it again"
check "legal-threat fired twice" [ "$(fired "$t" legal-threat)" = 2 ]
TOKEN=$LEAD req GET "/api/v1/tickets/$t/rules"
expect_json '.items[] | select(.rule == "legal-threat") | .times' 2 "the ticket's record counts both"
expect_json '.items[] | select(.rule == "legal-threat") | .armed' false "and is spent again"
TOKEN=$LEAD req GET "/api/v1/notifications?unread=1"
expect_json "[.items[] | select(.ticket_id == $t and (.text | contains(\"legal-threat\")))] | length" 1 \
    "the lead hears of it again"

# ---- a CSAT of 1 fires the low-CSAT rule ----
req POST /api/v1/tickets "$(ticket_body 'Late parcel' csat@example.org 'Where is my parcel? It is late.')"
expect 201 "a calm ticket"
c=$(json .id)
req PATCH "/api/v1/tickets/$c" '{"status":"resolved","priority":"normal"}'
expect 200 "resolved"
req GET "/api/v1/outbox?ticket_id=$c"
LINK=$(json '[.items[] | select(.kind == "survey")][0].body' | grep -o '/s/[A-Za-z0-9_-]*' | cut -c4-)
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H 'Accept: application/json' --data-binary '{"csat":1}' "$BASE/s/$LINK")
expect 200 "the customer answers CSAT 1"
req GET "/api/v1/tickets/$c"
expect_json .status open "the ticket is reopened"
expect_json .priority high "made high priority"
expect_json '.tags | index("low-csat") != null' true "tagged low-csat"
check "low-csat fired" [ "$(fired "$c" low-csat)" = 1 ]
TOKEN=$LEAD req GET "/api/v1/notifications?unread=1"
expect_json "[.items[] | select(.ticket_id == $c and .kind == \"rule\")][0].text | contains(\"csat 1\")" true \
    "the lead hears the score"

# ---- replacing the whole set ----
snapshot
req PUT /api/v1/rules "$(jq -nc '{spec:"rule a\n  when level >= hostile\n  then notify_lead\n\nrule b\n  when csat <= 9\n  then notify_lead\n"}')"
expect 400 invalid_value "a set with a bad rule"
check "the error names the line" grep -q 'spec:6: a csat score is 1..5' "$T_DIR/body"
unchanged "a bad set"
req PUT /api/v1/rules "$(jq -nc '{spec:"rule a\n  when level >= hostile\n  then assign_agent 99999\n"}')"
expect 400 invalid_value "a set assigning an agent who does not exist"
check "the message names the rule and the id" grep -q "rule 'a': no agent has id 99999" "$T_DIR/body"
unchanged "a set with an unknown agent"
TOKEN=$LEAD req PUT /api/v1/rules '{"spec":"rule a\n when level >= hostile\n then notify_lead\n"}'
expect 403 forbidden "a lead may not replace the set"
req PUT /api/v1/rules '{"spec":"rule a\n when level >= hostile\n then notify_lead\n","x":1}'
expect 400 unknown_field "an undeclared field"
unchanged "refused replacements"
req PUT /api/v1/rules "$(jq -nc '{spec:"rule a\n  when level >= hostile\n  then notify_lead\n\nrule legal-threat\n  when trigger legal_threat\n  then add_tag lawyers\n"}')"
expect 200 "an admin replaces the set"
expect_json '[.items[].name] | join(",")' "a,legal-threat" "the new set, in order"
check "rules.replace is audited, with the admin as actor" \
    [ "$(sql "select count(*) from events where action = 'rules.replace' and actor_kind = 'agent'")" = 1 ]
customer_says "$t" "$LEGAL2"
req GET "/api/v1/tickets/$t"
expect_json '.tags | index("lawyers") != null' false \
    "a rule kept by name keeps its tickets' record (spent: it does not fire)"

# ---- a "waiting" rule fires on time, with no new event ----
req PUT /api/v1/rules "$(jq -nc '{spec:"rule quick-wait\n  when waiting > 2s\n  then add_tag waited\n"}')"
expect 200 "a set with a short wait"
req POST /api/v1/tickets "$(ticket_body 'Anyone there?' waits@example.org 'Hello, is anyone reading this?')"
expect 201 "a customer writes"
w=$(json .id)
expect_json '.tags | index("waited") != null' false "not yet"
# The rule's check, at the end of the wait (the SLA queues its own, later).
wait_check="kind = 'ticket.check' and ticket_id = $w and run_at - (select created_at from tickets where id = $w) between 2000 and 2500"
check "a check is queued for when the wait is over" \
    [ "$(sql "select count(*) from jobs where $wait_check")" = 1 ]
for _ in $(seq 1 50); do
    [ "$(sql "select count(*) from events where ticket_id = $w and action = 'rule.fired'")" = 1 ] && break
    sleep 0.1
done
req GET "/api/v1/tickets/$w"
expect_json '.tags | index("waited") != null' true "the timer fired the rule"
check "the check ran once" \
    [ "$(sql "select state from jobs where $wait_check")" = done ]

# ---- truce rules on the command line ----
printf 'rule good\n  when level >= heated\n  then notify_lead\n\nrule bad\n  when trigger legl\n  then notify_lead\n' >"$T_DIR/bad.txt"
snapshot
"$TRUCE" rules load --db "$DB" "$T_DIR/bad.txt" 2>"$T_DIR/err" >/dev/null
check "a bad file fails" [ $? -eq 1 ]
check "the error names the file and line" grep -q "bad.txt:6: unknown trigger kind 'legl'" "$T_DIR/err"
unchanged "a bad file"
"$TRUCE" rules export --db "$DB" >"$T_DIR/export.txt"
check "export writes the file format" grep -q '^  when waiting > 2s$' "$T_DIR/export.txt"
"$TRUCE" rules load --db "$DB" "$(dirname "$0")/../../data/rules/default.txt" >/dev/null
check "loading the defaults" [ "$(rule_count)" = 13 ]
req POST /api/v1/tickets "$(ticket_body 'After the reload' reload@example.org "$LEGAL")"
expect_json .priority urgent "the running server evaluates the rules another process loaded"
"$TRUCE" rules export --db "$DB" >"$T_DIR/again.txt"
"$TRUCE" rules load "$T_DIR/again.txt" --db "$DB" >/dev/null
"$TRUCE" rules export --db "$DB" >"$T_DIR/again2.txt"
check "export and load round-trip" cmp -s "$T_DIR/again.txt" "$T_DIR/again2.txt"
"$TRUCE" rules rm --db "$DB" detractor >/dev/null
check "rules rm deletes one" [ "$(rule_count)" = 12 ]
"$TRUCE" rules rm --db "$DB" detractor 2>/dev/null
check "rules rm of an unknown rule fails" [ $? -eq 1 ]
"$TRUCE" rules list --db "$DB" >"$T_DIR/list.txt"
check "rules list prints one line per rule" [ "$(wc -l <"$T_DIR/list.txt")" = 12 ]
"$TRUCE" rules rearm --db "$DB" "$t" legal-threat >/dev/null
check "rules rearm re-arms" \
    [ "$(sql "select armed from rule_states where ticket_id = $t and rule = 'legal-threat'")" = 1 ]
"$TRUCE" rules rearm --db "$DB" x legal-threat 2>/dev/null
check "rules rearm needs a ticket id" [ $? -eq 2 ]
"$TRUCE" notifications list --db "$DB" --agent lead@test.example >"$T_DIR/notes.txt"
check "notifications list shows the lead's" grep -q "legal-threat" "$T_DIR/notes.txt"
req GET /api/v1/rules
expect_json '.items | length' 12 "the server sees the CLI's changes"

finish
