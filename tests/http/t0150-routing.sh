#!/bin/bash
# Routing (issue 5, section 3): agents' skills, languages, channels and
# availability set through the API; new tickets go to whoever fits (hostile to
# the de-escalation agent, the rest to the least loaded); an away agent gets
# nothing new; a held ticket that turns hostile moves to a de-escalation
# agent; who may reassign what; bad agent fields change nothing.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

HOSTILE='This is outrageous, you incompetent idiots stole my money. I am calling my lawyer and suing you.'
CALM='Hello, could you tell me when my order will ship? Thanks a lot!'
id_of() { sql "select id from agents where email = '$1'"; }
A=$(id_of agent@test.example)
L=$(id_of lead@test.example)
ADM=$(id_of admin@test.example)
assignee_of() { sql "select coalesce(assignee_id, 'none') from tickets where id = $1"; }
agents_row() { sql "select group_concat(name || role || skills || available || languages || channels || teams, '|') from agents"; }
n_events() { sql "select count(*) from events where action = '$1'${2:+ and ticket_id = $2}"; }

# ---- agents' fields ----
req POST /api/v1/agents '{"email":"dee@test.example","name":"Dee","role":"agent","password":"long enough password"}'
expect 201 "an admin adds an agent"
D=$(json .id)
DEE=$("$TRUCE" token create --db "$DB" --agent dee@test.example | tail -n 1)
req PATCH "/api/v1/agents/$D" '{"skills":["de-escalation","billing","billing"],"languages":["en","pt-BR"],"channels":["email","chat"],"teams":["legal"]}'
expect 200 "an admin sets an agent's skills, languages, channels and teams"
expect_json '.skills | join(",")' "de-escalation,billing" "skills, duplicates dropped"
expect_json '.languages | join(",")' "en,pt-BR" "languages"
expect_json '.channels | join(",")' "email,chat" "channels"
expect_json '.teams | join(",")' "legal" "teams"
expect_json .available true "still available"
expect_json .load 0 "holding nothing yet"
check "the change is audited" [ "$(n_events agent.update)" = 1 ]
check "with what changed" [ "$(sql "select json_extract(after, '\$.teams[0]') || coalesce(json_type(before, '\$.name'), '') from events where action = 'agent.update'")" = "legal" ]

# The lead is away for the routing below: a lead may set their own availability.
TOKEN=$LEAD req PATCH "/api/v1/agents/$L" '{"available":false}'
expect 200 "a lead sets themselves away"
expect_json .available false "and is away"

before=$(agents_row)
events_before=$(n_events agent.update)
TOKEN=$AGENT req PATCH "/api/v1/agents/$D" '{"available":false}'
expect 403 forbidden "an agent cannot set another agent away"
TOKEN=$AGENT req PATCH "/api/v1/agents/$A" '{"skills":["de-escalation"]}'
expect 403 forbidden "an agent cannot give themselves skills"
TOKEN=$LEAD req PATCH "/api/v1/agents/$A" '{"available":false}'
expect 403 forbidden "nor can a lead change another agent"
req PATCH "/api/v1/agents/$D" '{"languages":["en us"]}'
expect 400 invalid_value "a language with a space"
expect_json .error.field languages "names the field"
req PATCH "/api/v1/agents/$D" '{"languages":["abcdefghijklmnopqrstuvwxyz0123456789"]}'
expect 400 too_long "a language over 35 bytes"
req PATCH "/api/v1/agents/$D" '{"channels":["fax"]}'
expect 400 invalid_value "an unknown channel"
expect_json .error.field channels "names the field"
req PATCH "/api/v1/agents/$D" '{"skills":["de escalation!"]}'
expect 400 invalid_value "a skill that is not a label"
expect_json .error.field skills "names the field"
req PATCH "/api/v1/agents/$D" '{"teams":["legal","bad team"]}'
expect 400 invalid_value "a team that is not a label"
expect_json .error.field teams "names the field"
req PATCH "/api/v1/agents/$D" '{"role":"boss"}'
expect 400 invalid_value "an unknown role"
req PATCH "/api/v1/agents/$D" '{"name":"  "}'
expect 400 invalid_value "a blank name"
req PATCH "/api/v1/agents/$D" '{"available":"no"}'
expect 400 wrong_type "availability is a boolean"
req PATCH "/api/v1/agents/$D" '{"colour":"red"}'
expect 400 unknown_field "an unknown field"
req PATCH /api/v1/agents/999999 '{"available":true}'
expect 404 not_found "an unknown agent"
req PATCH "/api/v1/agents/$ADM" '{"role":"lead"}'
expect 409 conflict "the last admin keeps the role"
check "refused changes write nothing" [ "$(agents_row)" = "$before" ]
check "and audit nothing" [ "$(n_events agent.update)" = "$events_before" ]

# ---- reading the team ----
TOKEN=$AGENT req GET /api/v1/agents
expect 403 forbidden "an agent cannot list the team"
TOKEN=$AGENT req GET "/api/v1/agents/$A"
expect 200 "an agent reads their own record"
TOKEN=$AGENT req GET "/api/v1/agents/$D"
expect 403 forbidden "but not another's"
TOKEN=$LEAD req GET "/api/v1/agents/999999"
expect 404 not_found "an unknown agent"

# ---- new tickets ----
req POST /api/v1/tickets "$(ticket_body 'Stolen money' angry@example.org "$HOSTILE")"
expect 201 "a hostile ticket with a legal threat"
hot=$(json .id)
expect_json .level hostile "is hostile"
expect_json .assignee.id "$D" "and goes to the de-escalation agent"
req GET "/api/v1/tickets/$hot/events"
expect_json '[.items[] | select(.action == "ticket.routed")][0].actor.kind' system "routing is audited as the system"
expect_json '[.items[] | select(.action == "ticket.routed")][0].after.reason | test("de-escalation")' true "with its reason"
expect_json '[.items[] | select(.action == "ticket.routed")][0].after.outcome' assigned "and outcome"

req POST /api/v1/tickets "$(ticket_body 'Order status' calm@example.org "$CALM")"
expect 201 "a calm ticket"
calm=$(json .id)
expect_json .level calm "is calm"
expect_json .assignee.id "$A" "and goes to the least loaded agent"
req GET "/api/v1/tickets/$calm"
expect_json .assignee.id "$A" "as stored"

TOKEN=$LEAD req GET /api/v1/agents
expect 200 "a lead lists the team"
expect_json "[.items[] | select(.id == $D)][0].open_by_level.hostile" 1 "with open tickets by level"
expect_json "[.items[] | select(.id == $D)][0].load" 5 "and the weighted load (hostile 5)"
expect_json "[.items[] | select(.id == $A)][0].load" 1 "a calm ticket weighs 1"

# An agent away gets nothing new, and keeps what they hold.
TOKEN=$AGENT req PATCH "/api/v1/agents/$A" '{"available":false}'
expect 200 "an agent sets themselves away"
req POST /api/v1/tickets "$(ticket_body 'Another question' calm2@example.org "$CALM")"
calm2=$(json .id)
expect_json .assignee.id "$D" "the away agent gets nothing new"
check "and keeps what they hold" [ "$(assignee_of "$calm")" = "$A" ]
TOKEN=$AGENT req PATCH "/api/v1/agents/$A" '{"available":true}'
expect 200 "the agent is back"

# A held calm ticket that turns hostile moves to a de-escalation agent.
req POST "/api/v1/tickets/$calm/messages" "{\"author\":\"customer\",\"body\":\"$HOSTILE\"}"
expect 201 "the customer of the calm ticket turns hostile"
req GET "/api/v1/tickets/$calm"
expect_json .level hostile "the ticket is hostile"
expect_json .assignee.id "$D" "and re-routed to the de-escalation agent"
req GET "/api/v1/tickets/$calm/events"
expect_json "[.items[] | select(.action == \"ticket.routed\")][-1].before.assignee_id" "$A" "taken from the agent who held it"

# ---- reassignment by hand ----
TOKEN=$LEAD req PATCH "/api/v1/tickets/$calm2" "{\"assignee\":$A}"
expect 200 "a lead reassigns a ticket"
expect_json .assignee.id "$A" "to another agent"
TOKEN=$AGENT req PATCH "/api/v1/tickets/$hot" "{\"assignee\":$A}"
expect 403 forbidden "an agent cannot take someone else's ticket"
check "which stays where it was" [ "$(assignee_of "$hot")" = "$D" ]
# A lead's deliberate choice stands, even for a hostile ticket.
TOKEN=$LEAD req PATCH "/api/v1/tickets/$hot" "{\"assignee\":$A}"
expect 200 "a lead gives the hostile ticket to an agent without the skill"
req POST "/api/v1/tickets/$hot/messages" "{\"author\":\"customer\",\"body\":\"$HOSTILE\"}"
check "and it stays with them" [ "$(assignee_of "$hot")" = "$A" ]
TOKEN=$AGENT req PATCH "/api/v1/tickets/$hot" "{\"assignee\":$ADM}"
expect 400 invalid_value "an agent cannot pass a hostile ticket to an agent without de-escalation"
expect_json .error.field assignee "names the field"
TOKEN=$AGENT req PATCH "/api/v1/tickets/$hot" "{\"assignee\":$L}"
expect 409 conflict "nor to an agent who is away"
check "refused moves leave the ticket" [ "$(assignee_of "$hot")" = "$A" ]
TOKEN=$AGENT req PATCH "/api/v1/tickets/$hot" "{\"assignee\":$D}"
expect 200 "an agent passes their hostile ticket to a de-escalation agent"
expect_json .assignee.id "$D" "who has it now"
# Unassigning hands it to somebody else.
TOKEN=$LEAD req PATCH "/api/v1/tickets/$calm2" '{"assignee":null}'
expect 200 "a lead unassigns a ticket"
expect_json .assignee.id "$D" "routing gives it to somebody other than its holder"

# ---- nobody can take it ----
req PATCH "/api/v1/agents/$D" '{"available":false}'
expect 200 "the de-escalation agent goes away"
req POST /api/v1/tickets "$(ticket_body 'Lawyer' lawyer@example.org "$HOSTILE")"
expect 201 "a hostile ticket while nobody has the skill"
lone=$(json .id)
expect_json .assignee null "stays unassigned"
check "nobody-could-take-it is audited" [ "$(n_events ticket.unrouted "$lone")" = 1 ]
check "with the outcome" [ "$(sql "select json_extract(after, '\$.outcome') from events where action = 'ticket.unrouted' and ticket_id = $lone")" = no_deescalation_agent ]
# The next message lowers the level to heated, the one after raises it again.
req POST "/api/v1/tickets/$lone/messages" '{"author":"customer","body":"Hello? Anyone?"}'
req POST "/api/v1/tickets/$lone/messages" "{\"author\":\"customer\",\"body\":\"$HOSTILE\"}"
check "once, not on every change" [ "$(n_events ticket.unrouted "$lone")" = 1 ]
check "and it is still unassigned" [ "$(assignee_of "$lone")" = none ]
req PATCH "/api/v1/agents/$D" '{"available":true}'
expect 200 "the de-escalation agent is back"
check "and the waiting ticket is routed to them at once" [ "$(assignee_of "$lone")" = "$D" ]
check "audited" [ "$(n_events ticket.routed "$lone")" = 1 ]

# ---- a role taken away applies at once ----
# The lead's token was just used (and cached by the server); a demotion
# must not leave it the lead's rights for the cache's lifetime.
req POST /api/v1/agents '{"email":"lou@test.example","name":"Lou","role":"lead","password":"long enough password"}'
LOU_ID=$(json .id)
LOU=$("$TRUCE" token create --db "$DB" --agent lou@test.example | tail -n 1)
TOKEN=$LOU req GET /api/v1/agents
expect 200 "a lead reads the team"
req PATCH "/api/v1/agents/$LOU_ID" '{"role":"agent"}'
expect 200 "an admin makes the lead an agent"
TOKEN=$LOU req GET /api/v1/agents
expect 403 forbidden "the demoted lead no longer reads the team"

# ---- the CLI, for admins scripting ----
"$TRUCE" agent set agent@test.example --db "$DB" --skills billing,returns --languages de,en \
    --channels chat --teams sales --away >"$T_DIR/out" 2>&1
check "agent set changes an agent" grep -q "away" "$T_DIR/out"
check "as stored" [ "$(sql "select skills || languages || channels || teams || available from agents where id = $A")" = '["billing","returns"]["de","en"]["chat"]["sales"]0' ]
"$TRUCE" agent set agent@test.example --db "$DB" --channels fax >"$T_DIR/out" 2>&1
check "agent set refuses an unknown channel" [ $? -eq 2 ]
check "naming it" grep -q "channels" "$T_DIR/out"
"$TRUCE" agent set nobody@test.example --db "$DB" --away >/dev/null 2>&1
check "agent set refuses an unknown agent" [ $? -eq 2 ]
"$TRUCE" agent list --db "$DB" >"$T_DIR/out"
check "agent list shows availability, skills, teams and load" \
    grep -qE "^$D	dee@test.example	agent	available	de-escalation,billing	en,pt-BR	email,chat	legal	[0-9]+$" "$T_DIR/out"
check "and the away agent" grep -qE "^$A	agent@test.example	agent	away	billing,returns	" "$T_DIR/out"

finish
