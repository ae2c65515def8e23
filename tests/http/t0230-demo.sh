#!/bin/bash
# The demo desk has weeks of history behind its morning: the reports a lead
# opens show surveys, reopens and de-escalation; the double charges rising
# this week are an emerging problem (phrase and category); an open ticket's
# suggestions show a similar resolved one with its offer and lesson; a second
# `truce demo` is refused and changes nothing.
. "$(dirname "$0")/lib.sh"

"$TRUCE" init --db "$DB" >/dev/null || exit 1
"$TRUCE" demo --db "$DB" >"$T_DIR/out" 2>"$T_DIR/err"
check "demo loads" [ $? -eq 0 ]
check "demo says how many tickets the weeks before have" \
    grep -Eq '12 tickets this morning and [0-9]+ in the weeks before' "$T_DIR/out"
ADMIN=$(tail -n 1 "$T_DIR/out")
N_TICKETS=$(sql "SELECT count(*) FROM tickets")
check "the history adds tickets" [ "$N_TICKETS" -gt 100 ]
check "the morning's tickets keep ids 1 to 12" \
    [ "$(sql "SELECT id FROM tickets WHERE subject = 'Charged twice for my March subscription'")" = 6 ]
check "every demo ticket carries risk reasons" \
    [ "$(sql "SELECT count(*) FROM tickets WHERE risk_reasons IS NULL")" = 0 ]
check "every customer message is analysed" \
    [ "$(sql "SELECT count(*) FROM messages WHERE author_kind = 'customer' AND analysis IS NULL")" = 0 ]
check "agent replies carry the coach's review" \
    [ "$(sql "SELECT count(*) FROM messages WHERE author_kind = 'agent' AND internal = 0 AND coach IS NULL")" = 0 ]
check "tickets resolved over a week ago are closed" \
    [ "$(sql "SELECT count(*) FROM tickets WHERE status = 'closed'")" -gt 0 ]
check "recent ones are still open" \
    [ "$(sql "SELECT count(*) FROM tickets WHERE status IN ('new', 'open') AND id > 12")" -gt 0 ]

start_server
TODAY=$(date -u +%F)
WEEK_AGO=$(date -u -d '6 days ago' +%F)
FIVE_WEEKS_AGO=$(date -u -d '34 days ago' +%F)

# ---- five weeks of tickets ----
req GET "/api/v1/reports/trends?from=$FIVE_WEEKS_AGO&to=$TODAY&bucket=week"
expect 200 "the trends over five weeks"
check "tickets were opened in each of the five weeks" \
    [ "$(json '[.buckets[] | select(.opened > 0)] | length')" = 5 ]
check "tickets were resolved in each week" \
    [ "$(json '[.buckets[] | select(.sla.met + .sla.breached > 0)] | length')" = 5 ]

# ---- the overview a lead opens (the last 30 days) ----
req GET /api/v1/reports/overview
expect 200 "the overview"
check "surveys were answered" [ "$(json '.surveys.csat.n')" -gt 0 ]
check "with NPS too" [ "$(json '.surveys.nps.n')" -gt 0 ]
check "and CES" [ "$(json '.surveys.ces.n')" -gt 0 ]
check "some tickets were reopened" [ "$(json '.reopen.reopened')" -gt 0 ]
check "heated threads calmed after a reply" [ "$(json '.deescalation.fell')" -gt 0 ]
check "the de-escalation rate is a rate" [ "$(json '.deescalation.rate')" != null ]
check "and not every heated thread calmed" \
    [ "$(json '.deescalation.fell')" -lt "$(json '.deescalation.threads')" ]
check "first responses have a median" [ "$(json '.first_response.median_ms')" != null ]
check "resolutions have a median" [ "$(json '.resolution.median_ms')" != null ]
req GET /api/v1/reports/agents
check "each agent who worked tickets has a median resolution" \
    [ "$(json '[.agents[] | select(.agent_id != null and .resolution.median_ms == null)] | length')" = 0 ]

# ---- this week's rising problem ----
req GET "/api/v1/reports/emerging?from=$WEEK_AGO&to=$TODAY"
expect 200 "the emerging problems of the week"
expect_json '[.items[] | select(.kind == "phrase" and .key == "doubl charg")] | length' 1 \
    "'double charged' is rising"
expect_json '[.items[] | select(.kind == "phrase" and .key == "doubl charg") | .baseline] | .[0]' 1 \
    "and was rare in the four weeks before"
expect_json '[.items[] | select(.kind == "category" and .key == "billing")] | length' 1 \
    "so is its category"
check "only the planted problem rises" \
    [ "$(json '[.items[] | select(.key | test("doubl|charg|billing") | not)] | length')" = 0 ]
EXAMPLE=$(json '[.items[] | select(.key == "doubl charg")][0].example_tickets[0]')
check "its example is a double charge" \
    sh -c "sqlite3 '$DB' \"SELECT subject FROM tickets WHERE id = $EXAMPLE\" | grep -Eqi 'double|twice'"

# ---- an open ticket's suggestions ----
req GET /api/v1/tickets/6/suggestions
expect 200 "suggestions for the March double charge"
check "a similar resolved ticket is suggested" \
    [ "$(json '[.similar[] | select(.status == "resolved" or .status == "closed")] | length')" -gt 0 ]
check "with the offer that settled it" \
    [ "$(json '[.similar[] | select(.resolution.offers | length > 0)] | length')" -gt 0 ]
check "and its lesson" \
    [ "$(json '[.similar[] | select(.resolution.lesson != null)] | length')" -gt 0 ]
check "the help article on double charges comes first" \
    [ "$(json '.articles[0].slug')" = charged-twice ]
req GET /api/v1/tickets/7/suggestions
check "the missed technician finds a past missed visit" \
    [ "$(json '[.similar[] | select(.subject | test("[Tt]echnician|installation"))] | length')" -gt 0 ]

# ---- the help center's deflections have a history too ----
req GET /api/v1/reports/deflection
expect 200 "the deflection report"
check "the help center avoided tickets on most days" [ "$(json '[.days[] | select(.deflected > 0)] | length')" -gt 15 ]

# ---- the history's notifications are old news ----
check "the history's notifications are read" \
    [ "$(sql "SELECT count(*) FROM notifications WHERE read_at IS NULL AND created_at < (SELECT max(created_at) FROM tickets) - 86400000")" = 0 ]
check "there were some" [ "$(sql "SELECT count(*) FROM notifications")" -gt 0 ]

# ---- once only ----
stop_server
"$TRUCE" demo --db "$DB" >/dev/null 2>"$T_DIR/err"
check "a second demo is refused" [ $? -eq 1 ]
check "and says why" grep -q "already has agents" "$T_DIR/err"
check "and adds nothing" [ "$(sql "SELECT count(*) FROM tickets")" = "$N_TICKETS" ]
finish
