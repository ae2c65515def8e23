#!/bin/bash
# SLA clocks through the API: an admin sets a policy with second-scale targets
# on a 24x7 calendar; a hostile ticket is due before a calm one; with the
# scheduler running the hostile ticket's reminders (50%, 75%) and breach are
# announced exactly once each (audit events and a webhook); a reply in time
# keeps a clock met; pending pauses the resolution clock; bad specs and an
# agent's PUT change nothing.  A server killed with kill -9 before a breach
# and started again on the same database still announces it exactly once.
# Timing is polled with generous timeouts, never asserted tightly.
. "$(dirname "$0")/lib.sh"
setup_db
export TRUCE_JOB_LEASE_MS=1500

LISTENER_PID=""
stop_all() {
    [ -n "$LISTENER_PID" ] && kill "$LISTENER_PID" 2>/dev/null
    cleanup
}
trap stop_all EXIT
: >"$T_DIR/hook.log"
python3 "$(dirname "$0")/webhook_listener.py" "$T_DIR/hook.port" "$T_DIR/hook.log" &
LISTENER_PID=$!
for _ in $(seq 1 100); do [ -s "$T_DIR/hook.port" ] && break; sleep 0.05; done
HOOK_URL="http://127.0.0.1:$(cat "$T_DIR/hook.port")/hooks/truce"
start_server

# waits up to $2 tenths of a second for the shell condition $1
wait_for() {
    for _ in $(seq 1 "$2"); do eval "$1" && return 0; sleep 0.1; done
    return 1
}

HOSTILE='This is UNACCEPTABLE. Third time I write, you are useless idiots. I will sue you and post a review everywhere, cancel my account now!'
CALM='Hello, could you tell me when my order will ship? Thanks a lot!'
# The analysis reads the hostile text as heated or hostile: both get 4 s.
POLICY='normal first_response=1h resolution=2h; heated first_response=4s; hostile first_response=4s'

# ---- the shipped configuration ----
TOKEN=$AGENT req GET /api/v1/sla
expect 200 "an agent reads the SLA configuration"
expect_json .calendar 24x7 "the shipped calendar is 24x7"
expect_json .urgent_24x7 true "urgent tickets run on 24x7 by default"
expect_json .targets.by_priority.urgent.first_response 3600000 "targets are shown in ms"
expect_json .targets.by_level.calm.first_response null "no target shows as null"
DEFAULT_POLICY=$(json .policy)

# ---- bad input: the right 4xx, nothing stored ----
TOKEN=$AGENT req PUT /api/v1/sla "{\"policy\":\"$POLICY\"}"
expect 403 forbidden "an agent cannot configure the SLA"
TOKEN=$LEAD req PUT /api/v1/sla "{\"policy\":\"$POLICY\"}"
expect 403 forbidden "a lead cannot configure the SLA"
req PUT /api/v1/sla '{"policy":"soon first_response=1h"}'
expect 400 invalid_value "an unknown priority or level is refused"
expect_json .error.field policy "the error names the policy"
check "the error quotes the bad clause" grep -q "soon" "$T_DIR/body"
req PUT /api/v1/sla '{"policy":"normal first_response=1h","calendar":"mon 25:00-26:00"}'
expect 400 invalid_value "a bad calendar is refused"
expect_json .error.field calendar "the error names the calendar"
req PUT /api/v1/sla '{"urgent_24x7":"yes"}'
expect 400 wrong_type "urgent_24x7 is a boolean"
req PUT /api/v1/sla '{"targets":{}}'
expect 400 unknown_field "the targets are derived from the policy, not sent"
req GET /api/v1/sla
expect_json .policy "$DEFAULT_POLICY" "no bad request changed the policy"
expect_json .calendar 24x7 "no bad request changed the calendar"
check "no bad request was audited" [ "$(sql "select count(*) from events where action = 'sla.configure'")" = 0 ]

# ---- configure, and a webhook for the SLA events ----
req PUT /api/v1/sla "{\"policy\":\"$POLICY\",\"calendar\":\"24x7\",\"urgent_24x7\":true}"
expect 200 "an admin configures the SLA"
expect_json .targets.by_level.hostile.first_response 4000 "the hostile target is 4 s"
expect_json .targets.by_priority.normal.resolution 7200000 "the normal resolution target is 2 h"
check "the change is audited once" [ "$(sql "select count(*) from events where action = 'sla.configure'")" = 1 ]
req POST /api/v1/webhooks "{\"url\":\"$HOOK_URL\",\"events\":[\"ticket.sla_breached\",\"ticket.sla_reminder\"]}"
expect 201 "an admin subscribes to the SLA events"

# ---- a hostile ticket is due before a calm one ----
req POST /api/v1/tickets "$(ticket_body 'Calm question' calm@example.org "$CALM")"
expect 201 "a calm ticket is opened"
CALM_ID=$(json .id)
req POST /api/v1/tickets "$(ticket_body 'Angry complaint' angry@example.org "$HOSTILE")"
expect 201 "a hostile ticket is opened"
HOT=$(json .id)
check "it reads heated or hostile" grep -Eq '"level":"(heated|hostile)"' "$T_DIR/body"
req GET "/api/v1/tickets/$CALM_ID"
CALM_DUE=$(json .due_at)
expect_json .sla.clocks.first_response.target_ms 3600000 "the calm ticket gets 1 h"
expect_json .sla.clocks.first_response.state running "its first-response clock runs"
req GET "/api/v1/tickets/$HOT"
HOT_DUE=$(json .due_at)
expect_json .sla.clocks.first_response.target_ms 4000 "the hostile ticket gets 4 s"
check "the hostile ticket is due earlier ($HOT_DUE < $CALM_DUE)" [ "$HOT_DUE" \< "$CALM_DUE" ]
req GET "/api/v1/tickets?sort=created"
check "the list shows due_at" [ "$(json "[.items[] | select(.id == $HOT) | .due_at][0]")" = "$HOT_DUE" ]
req GET "/api/v1/tickets?sort=due&limit=1"
expect 200 "the list sorts by due time"
expect_json '.items[0].id' "$HOT" "the hostile ticket is due first"
req GET "/api/v1/tickets?sort=due&limit=1&cursor=$(json .next_cursor)"
expect_json '.items[0].id' "$CALM_ID" "the calm ticket is next"
expect_json '.next_cursor' null "the second page is the last"
req GET "/api/v1/tickets?sort=soon"
expect 400 invalid_value "an unknown sort is refused"

# ---- an agent's reply in time keeps the clock met ----
TOKEN=$AGENT req POST "/api/v1/tickets/$CALM_ID/messages" '{"body":"It ships tomorrow, sorry for the wait."}'
expect 201 "the agent replies to the calm ticket"
TOKEN=$AGENT req GET "/api/v1/tickets/$CALM_ID"
expect_json .sla.clocks.first_response.state met "a reply in time: first response met"
expect_json .sla.clocks.first_response.breached_at null "a met clock has no breach"

# ---- the hostile ticket breaches, announced once ----
breached() { req GET "/api/v1/tickets/$HOT"; [ "$(json .breached_at)" != null ]; }
check "the hostile ticket breaches within 20 s" wait_for breached 200
expect_json .sla.clocks.first_response.state breached "its first-response clock is breached"
expect_json '.sla_breached | index("first_response") != null' true "the ticket lists the breached metric"
expect_json .breached_at "$HOT_DUE" "breached_at is the due time"
hook_breach() { grep -c "\"ticket.sla_breached\"" "$T_DIR/hook.log" 2>/dev/null | grep -qx "${1:-1}"; }
check "the listener receives ticket.sla_breached" wait_for hook_breach 100
sleep 1.5 # a second check job, if one were wrongly queued, would have run by now
req GET "/api/v1/tickets/$HOT/events"
expect_json '[.items[] | select(.action == "sla.breached")] | length' 1 "one sla.breached event"
expect_json '[.items[] | select(.action == "sla.reminder" and .after.percent == 50)] | length' 1 \
    "one 50% reminder"
expect_json '[.items[] | select(.action == "sla.reminder" and .after.percent == 75)] | length' 1 \
    "one 75% reminder"
expect_json '[.items[] | select(.action == "sla.breached")][0].actor.kind' system \
    "the breach is the system's"
expect_json '[.items[] | select(.action == "sla.breached")][0].after.metric' first_response \
    "the breach names the metric"
check "one breach webhook and two reminders (50, 75), for the ticket" python3 - "$T_DIR/hook.log" "$HOT" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
def of(kind):
    return [json.loads(r["body"]) for r in reqs
            if {k.lower(): v for k, v in r["headers"].items()}.get("x-truce-event") == kind]
b, rem = of("ticket.sla_breached"), of("ticket.sla_reminder")
hot = int(sys.argv[2])
sys.exit(0 if len(b) == 1 and b[0]["data"]["ticket_id"] == hot
         and b[0]["data"]["metric"] == "first_response" and b[0]["data"]["percent"] == 100
         and sorted(r["data"]["percent"] for r in rem if r["data"]["ticket_id"] == hot) == [50, 75]
         else 1)
PY
check "the calm ticket did not breach" [ "$(sql "select count(*) from sla_alerts where ticket_id = $CALM_ID and percent = 100")" = 0 ]

# ---- pending pauses the resolution clock ----
req POST /api/v1/tickets "$(ticket_body 'Waiting on you' wait@example.org "$CALM")"
WAIT=$(json .id)
TOKEN=$AGENT req PATCH "/api/v1/tickets/$WAIT" '{"status":"pending"}'
expect 200 "the ticket waits on the customer"
expect_json .sla.clocks.resolution.state paused "pending pauses the resolution clock"
expect_json .sla.clocks.first_response.state running "the first response still counts"
check "one open pause is stored" [ "$(sql "select count(*) from ticket_pauses where ticket_id = $WAIT and to_at is null")" = 1 ]
sleep 0.2
req POST "/api/v1/tickets/$WAIT/messages" '{"body":"Here is the photo you asked for.","author":"customer"}'
check "the customer's answer reopens it" [ "$(sql "select status from tickets where id = $WAIT")" = open ]
check "and closes the pause" [ "$(sql "select count(*) from ticket_pauses where ticket_id = $WAIT and to_at > from_at")" = 1 ]
req GET "/api/v1/tickets/$WAIT"
expect_json .sla.clocks.resolution.state running "the resolution clock runs again"
check "the paused time is left out of the resolution clock" python3 - "$T_DIR/body" <<'PY'
import json, sys
from datetime import datetime
t = json.load(open(sys.argv[1]))
c = t["sla"]["clocks"]["resolution"]
ts = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
sys.exit(0 if ts(c["due_at"]) - ts(c["started_at"]) >= 7200 + 0.2 else 1)
PY

# ---- kill -9 before a breach; the restarted server announces it once ----
req POST /api/v1/tickets "$(ticket_body 'Angry again' angry2@example.org "$HOSTILE")"
expect 201 "another hostile ticket is opened"
HOT2=$(json .id)
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
sleep 5 # past its due time while no server runs
check "no breach was announced while the server was down" \
    [ "$(sql "select count(*) from sla_alerts where ticket_id = $HOT2 and percent = 100")" = 0 ]
start_server
breached2() { [ "$(sql "select count(*) from events where ticket_id = $HOT2 and action = 'sla.breached'")" -ge 1 ]; }
check "the restarted server announces the breach" wait_for breached2 200
check "the listener receives the second breach" wait_for 'hook_breach 2' 200
sleep 2 # every check job queued for the ticket is due by now; none may announce again
check "the breach is audited exactly once" \
    [ "$(sql "select count(*) from events where ticket_id = $HOT2 and action = 'sla.breached'")" = 1 ]
check "each reminder exactly once" \
    [ "$(sql "select count(*) from events where ticket_id = $HOT2 and action = 'sla.reminder'")" = 2 ]
check "the breach webhook is queued exactly once" \
    [ "$(sql "select count(*) from jobs where kind = 'webhook.deliver' and ticket_id = $HOT2 and payload like '%sla_breached%'")" = 1 ]
check "the listener got it exactly once" hook_breach 2
req GET "/api/v1/tickets/$HOT2"
expect_json .sla.clocks.first_response.state breached "the ticket shows the breach"

# ---- the CLI ----
check "truce sla show prints the policy" sh -c "'$TRUCE' sla show --db '$DB' | grep -q 'hostile first_response=4s'"
"$TRUCE" sla check --db "$DB" "$HOT" >"$T_DIR/check.out" 2>&1
check "truce sla check prints the breached clock" grep -Eq '^first_response	breached	4s	' "$T_DIR/check.out"
check "truce sla set refuses a bad spec" sh -c "! '$TRUCE' sla set --db '$DB' --calendar 'noday 09:00-17:00' 2>/dev/null"

finish
