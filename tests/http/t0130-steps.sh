#!/bin/bash
# The six steps, lessons and problems: a hostile ticket shows its steps and
# what is missing; an agent's reply with acknowledgement and an apology
# (coached by the server) ticks two of them; agents tick and untick with a
# reason (audited); bad marks change nothing; resolving the conflict asks for
# a lesson; opening a problem from the ticket ticks the systemic check.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

HOSTILE="This is the third time I write. You charged my card twice and nobody answers. I will sue you and post a review everywhere. Unacceptable!"
REPLY="I am so sorry we charged you twice, that was our mistake and I understand how frustrating this has been. I have refunded the second charge today; you will see it within 3 days."
UPDATE="The refund left our bank this morning. I have asked our billing team to check your account again, and I will email you by Friday to confirm it has arrived."
events_of() { # TICKET ACTION: how many audit events of this action the ticket has
    sql "select count(*) from events where ticket_id = $1 and action = '$2'"
}
step() { # FIELD STEP: a field of one step in the last body (a ticket or a steps object)
    json "(.steps.steps // .steps) | map(select(.step == \"$2\")) | .[0].$1"
}
marks_and_events() { # TICKET: step marks and step events, for "nothing was written"
    echo "$(sql "select count(*) from step_marks where ticket_id = $1")/$(sql "select count(*) from events where ticket_id = $1 and action like 'ticket.step_%'")"
}

# ---- a hostile ticket shows the six steps and what is missing ----
TOKEN=$AGENT
req POST /api/v1/tickets "$(ticket_body 'Double charge' kim@example.org "$HOSTILE")"
expect 201 "open a hostile ticket"
tid=$(json .id)
req GET "/api/v1/tickets/$tid"
expect 200 "read the ticket"
expect_json .level hostile "the analysis finds it hostile"
expect_json .steps.applies true "the steps apply"
expect_json '.steps.steps | map(.step) | join(",")' \
    "identify_cause,understand_pain,take_ownership,act_and_inform,review_and_learn,systemic_check" \
    "six steps, in order"
expect_json .steps.done 0 "none done yet"
expect_json .steps.next identify_cause "the first is next"
expect_json '[.steps.steps[] | select(.missing == null or .missing == "")] | length' 0 \
    "each says what is missing"
expect_json '[.steps.steps[] | .source] | unique | join(",")' none "nothing happened yet"
step missing review_and_learn | grep -q "no lesson recorded" && ok || not_ok "the lesson is missing"
req GET "/api/v1/tickets/$tid/steps"
expect 200 "the steps on their own"
expect_json .done 0 "the same object"

# ---- an agent's reply with acknowledgement and an apology ----
req POST "/api/v1/tickets/$tid/messages" "{\"body\":\"$REPLY\"}"
expect 201 "the agent replies"
mid=$(json .id)
expect_json .coach.company_fault true "the coach sees the company at fault"
expect_json '[.coach.findings[].kind] | map(select(. == "no_apology" or . == "no_acknowledgement")) | length' 0 \
    "and finds the apology and acknowledgement there"
req GET "/api/v1/tickets/$tid/steps"
expect_json "$(printf '.steps[] | select(.step == "understand_pain") | .done')" true "understand_pain ticked"
expect_json '.steps[] | select(.step == "take_ownership") | .done' true "take_ownership ticked"
expect_json '.steps[] | select(.step == "take_ownership") | .source' evidence "by evidence"
expect_json '.steps[] | select(.step == "take_ownership") | .evidence' \
    "coach saw an apology in message $mid" "naming the message"
expect_json .done 2 "two steps done"

# ---- a later reply that says what happens next is a status update ----
req POST "/api/v1/tickets/$tid/messages" "{\"body\":\"$UPDATE\"}"
expect 201 "a second reply with the next step"
mid2=$(json .id)
expect_json '[.coach.findings[].kind] | index("no_next_step")' null "the coach finds a next step"
req GET "/api/v1/tickets/$tid/steps"
expect_json '.steps[] | select(.step == "act_and_inform") | .evidence' \
    "a status update was sent in message $mid2" "act_and_inform ticked by the update"

# ---- an agent confirms the category ----
cat=$(sql "select category from tickets where id = $tid")
req PATCH "/api/v1/tickets/$tid" "{\"category\":\"$cat\"}"
expect 200 "confirm the analysis's category"
expect_json '.steps.steps[] | select(.step == "identify_cause") | .done' true "identify_cause ticked"
expect_json '.steps.steps[] | select(.step == "identify_cause") | .evidence' \
    "an agent set the category to '$cat'" "by the agent's category"

# ---- tick and untick, with a reason, audited ----
req POST "/api/v1/tickets/$tid/steps" '{"step":"understand_pain","done":false,"reason":"the words were hollow"}'
expect 200 "untick a step"
expect_json '.steps[] | select(.step == "understand_pain") | .done' false "it is not done"
expect_json '.steps[] | select(.step == "understand_pain") | .source' hand "by hand"
expect_json '.steps[] | select(.step == "understand_pain") | .missing | contains("the words were hollow")' true \
    "the reason is shown"
check "the untick is audited with before and after" [ "$(sql "select count(*) from events where ticket_id = $tid and action = 'ticket.step_unticked' and actor_kind = 'agent' and json_extract(before, '\$.done') = 1 and json_extract(after, '\$.done') = 0 and json_extract(after, '\$.reason') = 'the words were hollow'")" = 1 ]
req POST "/api/v1/tickets/$tid/steps" '{"step":"understand_pain","done":true,"reason":"she said thank you"}'
expect 200 "tick it back"
expect_json '.steps[] | select(.step == "understand_pain") | .done' true "done again"
expect_json '.steps[] | select(.step == "understand_pain") | .agent_id' \
    "$(sql "select id from agents where email = 'agent@test.example'")" "by this agent"
check "the tick is audited" [ "$(events_of "$tid" ticket.step_ticked)" = 1 ]
check "two marks stored" [ "$(sql "select count(*) from step_marks where ticket_id = $tid")" = 2 ]

# ---- bad marks: the right 4xx, nothing written ----
before=$(marks_and_events "$tid")
req POST "/api/v1/tickets/$tid/steps" '{"step":"blame_someone","done":true,"reason":"x"}'
expect 400 invalid_value "an unknown step"
expect_json .error.field step "names the step"
req POST "/api/v1/tickets/$tid/steps" '{"step":"identify_cause","done":true,"reason":"   "}'
expect 400 invalid_value "a blank reason"
expect_json .error.field reason "names the reason"
req POST "/api/v1/tickets/$tid/steps" '{"step":"identify_cause","done":true}'
expect 400 missing_field "no reason"
req POST "/api/v1/tickets/$tid/steps" '{"step":"identify_cause","done":"yes","reason":"x"}'
expect 400 wrong_type "done must be a boolean"
req POST "/api/v1/tickets/$tid/steps" '{"step":"identify_cause","done":true,"reason":"x","extra":1}'
expect 400 unknown_field "an undeclared field"
req POST "/api/v1/tickets/999999/steps" '{"step":"identify_cause","done":true,"reason":"x"}'
expect 404 not_found "an unknown ticket"
req GET "/api/v1/tickets/999999/steps"
expect 404 not_found "an unknown ticket's steps"
check "bad marks wrote nothing" [ "$(marks_and_events "$tid")" = "$before" ]

# ---- a calm ticket: marked as a conflict first ----
req POST /api/v1/tickets "$(ticket_body 'Address change' lee@example.org 'Hello, please change my delivery address to 5 Main Street. Thanks!')"
calm=$(json .id)
req GET "/api/v1/tickets/$calm"
expect_json .steps.applies false "a calm ticket carries no steps"
req POST "/api/v1/tickets/$calm/steps" '{"step":"identify_cause","done":true,"reason":"x"}'
expect 409 conflict "marking a step of a calm ticket"
expect_json '.error.message | contains("mark it as a conflict first")' true "says what to do"
check "nothing written" [ "$(marks_and_events "$calm")" = 0/0 ]
req PATCH "/api/v1/tickets/$calm" '{"conflict":"yes"}'
expect 400 wrong_type "conflict must be a boolean"
req PATCH "/api/v1/tickets/$calm" '{"conflict":true}'
expect 200 "mark it as a conflict"
expect_json .marked_conflict true "marked"
expect_json .steps.applies true "now the steps apply"
check "the mark is audited" [ "$(sql "select count(*) from events where ticket_id = $calm and action = 'ticket.update' and json_extract(after, '\$.marked_conflict') = 1")" = 1 ]

# ---- resolving a conflict asks for a lesson ----
req PATCH "/api/v1/tickets/$tid" '{"status":"resolved"}'
expect 400 invalid_value "resolving without a lesson"
expect_json .error.field lesson "names the lesson"
expect_json '.error.message | contains("what_went_wrong")' true "says what to send"
check "the ticket is not resolved" [ "$(sql "select status from tickets where id = $tid")" = open ]
check "no survey was queued" [ "$(sql "select count(*) from outbox where ticket_id = $tid")" = 0 ]
req PATCH "/api/v1/tickets/$tid" '{"status":"resolved","lesson":{"cause":"billing ran twice","what_went_wrong":"","prevention":"x"}}'
expect 400 invalid_value "a blank part of the lesson"
expect_json .error.field lesson.what_went_wrong "names the part"
req PATCH "/api/v1/tickets/$tid" '{"status":"resolved","lesson":{"cause":"billing ran twice"}}'
expect 400 missing_field "a lesson without all three parts"
check "still open, no lesson" [ "$(sql "select status || '/' || (select count(*) from lessons where ticket_id = $tid) from tickets where id = $tid")" = open/0 ]
req PATCH "/api/v1/tickets/$tid" '{"status":"resolved","lesson":{"cause":"the billing job ran twice after a timeout","what_went_wrong":"the card was charged twice and nobody answered for days","prevention":"make billing runs idempotent; alert on double charges"}}'
expect 200 "resolve with a lesson"
expect_json .status resolved "resolved"
expect_json '.steps.steps[] | select(.step == "review_and_learn") | .done' true "review_and_learn ticked"
check "the lesson is stored and audited" [ "$(sql "select count(*) from lessons where ticket_id = $tid")/$(events_of "$tid" lesson.create)" = 1/1 ]
check "the survey went out as usual" [ "$(sql "select count(*) from outbox where ticket_id = $tid and kind = 'survey'")" = 1 ]
req GET "/api/v1/tickets/$tid/lessons"
expect 200 "the ticket's lessons"
expect_json '.items | length' 1 "one lesson"
expect_json '.items[0].prevention' "make billing runs idempotent; alert on double charges" "as given"
req POST "/api/v1/tickets/$calm/lessons" '{"cause":"c","what_went_wrong":"w","prevention":"p"}'
expect 201 "a lesson on its own"
expect_json .ticket_id "$calm" "on that ticket"
req POST "/api/v1/tickets/999999/lessons" '{"cause":"c","what_went_wrong":"w","prevention":"p"}'
expect 404 not_found "a lesson on an unknown ticket"
req GET /api/v1/lessons
expect 403 forbidden "an agent cannot list every lesson"
TOKEN=$LEAD req GET "/api/v1/lessons?limit=1"
expect 200 "a lead lists every lesson"
expect_json '.items | length' 1 "paged"
cursor=$(json .next_cursor)
TOKEN=$LEAD req GET "/api/v1/lessons?limit=1&cursor=$cursor"
expect_json '.items[0].ticket_id' "$calm" "the next page"

# ---- a non-conflict ticket resolves as before ----
req POST /api/v1/tickets "$(ticket_body 'Invoice copy' max@example.org 'Could you send me a copy of my last invoice? Thanks.')"
plain=$(json .id)
req PATCH "/api/v1/tickets/$plain" '{"status":"resolved"}'
expect 200 "a calm ticket resolves without a lesson"

# ---- problems ----
req POST /api/v1/problems "{\"title\":\"Double charges after billing timeouts\",\"category\":\"billing\",\"ticket_id\":$tid}"
expect 201 "open a problem from the ticket"
pid=$(json .id)
expect_json .opened_from_ticket "$tid" "opened from the ticket"
expect_json .n_tickets 1 "which it links"
expect_json .status open "open"
req GET "/api/v1/tickets/$tid"
expect_json .problem_id "$pid" "the ticket points at it"
expect_json '.steps.steps[] | select(.step == "systemic_check") | .evidence' \
    "problem $pid was opened from this ticket" "systemic_check ticked"
expect_json .steps.done 6 "all six steps done"
expect_json .steps.next null "nothing next"
check "the problem and the link are audited" [ "$(events_of "$tid" problem.create)/$(events_of "$tid" ticket.problem_linked)" = 1/1 ]

req POST /api/v1/problems '{"title":"  "}'
expect 400 invalid_value "a blank title"
req POST /api/v1/problems '{"title":"x","ticket_id":999999}'
expect 400 invalid_value "an unknown ticket"
expect_json .error.field ticket_id "names it"
check "bad problems wrote nothing" [ "$(sql "select count(*) from problems")" = 1 ]

req POST "/api/v1/tickets/$calm/problem" '{"problem_id":999999}'
expect 400 invalid_value "linking an unknown problem"
expect_json .error.field problem_id "names it"
req POST "/api/v1/tickets/$calm/problem" "{\"problem_id\":$pid}"
expect 200 "link a ticket to a known problem"
expect_json .problem_id "$pid" "linked"
expect_json '.steps.steps[] | select(.step == "systemic_check") | .evidence' \
    "linked to known problem $pid" "systemic_check ticked by the link"

req GET /api/v1/problems
expect 200 "list the problems"
expect_json '.items | length' 1 "one"
expect_json '.items[0].n_tickets' 2 "with two tickets"
req GET "/api/v1/problems?status=resolved"
expect_json '.items | length' 0 "none resolved"
req GET "/api/v1/problems?status=closed"
expect 400 invalid_value "an unknown status"
req GET "/api/v1/problems/$pid"
expect 200 "show a problem"
expect_json '[.tickets[].id] | join(",")' "$tid,$calm" "with its tickets"
req GET /api/v1/problems/999999
expect 404 not_found "an unknown problem"
req PATCH "/api/v1/problems/$pid" '{"status":"resolved"}'
expect 403 forbidden "an agent cannot resolve a problem"
TOKEN=$LEAD req PATCH "/api/v1/problems/$pid" '{"status":"resolved","description":"fixed in billing 2.3"}'
expect 200 "a lead resolves it"
expect_json .status resolved "resolved"
expect_json .description "fixed in billing 2.3" "described"
check "the update is audited" [ "$(sql "select count(*) from events where action = 'problem.update' and target_id = $pid")" = 1 ]

req DELETE "/api/v1/tickets/$calm/problem"
expect 200 "unlink a ticket"
expect_json .problem_id null "unlinked"
expect_json '.steps.steps[] | select(.step == "systemic_check") | .done' false "systemic_check open again"
check "the unlink is audited" [ "$(events_of "$calm" ticket.problem_unlinked)" = 1 ]

# ---- the CLI ----
out=$("$TRUCE" problems list --db "$DB")
check "problems list prints the problem" grep -q "^$pid	resolved	1	billing	" <<<"$out"
out=$("$TRUCE" problems show "$pid" --db "$DB")
check "problems show prints its tickets" grep -q "^ticket	$tid	resolved	Double charge" <<<"$out"
"$TRUCE" problems show 999999 --db "$DB" 2>/dev/null
check "problems show of an unknown problem fails" [ $? = 1 ]
out=$("$TRUCE" lessons list --db "$DB" --ticket "$tid" --csv)
check "lessons list --csv" grep -q '^1,'"$tid"',[0-9]*,.*,the billing job ran twice after a timeout,' <<<"$out"
check "lessons list has a header and two lessons" [ "$("$TRUCE" lessons list --db "$DB" | wc -l)" = 3 ]

finish
