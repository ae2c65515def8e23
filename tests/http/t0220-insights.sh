#!/bin/bash
# Insights: the overview (whole and grouped), agents and emerging reports
# over a small set whose numbers are worked out by hand (three tickets placed
# on 2020-01-10 with known reply and resolution times; one reopened; one
# survey), a planted rising phrase and a flat one; roles, CSV, bad ranges and
# `truce report`.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

HOSTILE='This is UNACCEPTABLE. Third time I write, you are useless idiots. I will sue you and post a review everywhere!'
req POST /api/v1/tickets "$(ticket_body 'Broken again' angry@example.org "$HOSTILE")"
expect 201 "a hostile ticket is opened"
T1=$(json .id)
req POST /api/v1/tickets "$(ticket_body 'A question' calm@example.org 'Hello, when will my order ship?')"
T2=$(json .id)
req POST /api/v1/tickets "$(ticket_body 'Another' calm2@example.org 'Hello, can I change my address?')"
T3=$(json .id)
for t in $T2 $T3; do
    req PATCH "/api/v1/tickets/$t" '{"status":"resolved"}'
    expect 200 "ticket $t is resolved"
done
req PATCH "/api/v1/tickets/$T2" '{"status":"open"}'
expect 200 "ticket $T2 is reopened"
req PATCH "/api/v1/tickets/$T2" '{"status":"resolved"}'
expect 200 "and resolved again"

# Place them on 2020-01-10 (ms) with known times:
#   first reply after 60 s, 120 s, 300 s -> median 120000
#   resolved after 3600 s (T2) and 7200 s (T3) -> median 5400000
DAY=1578614400000 # 2020-01-10T00:00:00Z
LEAD_ID=$(sql "SELECT id FROM agents WHERE role = 'lead'")
sql "UPDATE tickets SET created_at = $DAY, first_response_at = $DAY + 60000 WHERE id = $T1"
sql "UPDATE tickets SET created_at = $DAY, first_response_at = $DAY + 120000,
     resolved_at = $DAY + 3600000, assignee_id = $LEAD_ID WHERE id = $T2"
sql "UPDATE tickets SET created_at = $DAY, first_response_at = $DAY + 300000,
     resolved_at = $DAY + 7200000, assignee_id = $LEAD_ID WHERE id = $T3"

# ---- who may read ----
for r in overview agents emerging; do
    TOKEN=$AGENT req GET "/api/v1/reports/$r"
    expect 403 forbidden "an agent cannot read the $r report"
done

# ---- overview: exact values ----
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10"
expect 200 "a lead reads the overview"
expect_json .from 2020-01-10T00:00:00.000Z "from is the day's start"
expect_json .tickets 3 "three tickets opened that day"
expect_json .conflicts 1 "the hostile one is a conflict"
expect_json .conflict_rate 0.3333 "conflict rate 1/3"
expect_json .first_response.median_ms 120000 "median first response 2 min"
expect_json .first_response.n 3 "three replied"
expect_json .resolution.median_ms 5400000 "median resolution 1.5 h (mean of the middle two)"
expect_json .reopen.resolved 2 "two were resolved"
expect_json .reopen.reopened 1 "one was reopened"
expect_json .reopen.rate 0.5 "reopen rate 1/2"
expect_json .escalation.escalated 1 "the hostile one escalated"
expect_json .escalation.rate 0.3333 "escalation rate 1/3"
expect_json .surveys.csat.n 0 "no survey answered"
expect_json .deescalation.rate null "no heated thread answered"

TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10T02:00:00%2B02:00&to=2020-01-10T19:00:00-05:00"
expect 200 "instants with a numeric offset"
expect_json '"\(.from) \(.to) \(.tickets)"' "2020-01-10T00:00:00.000Z 2020-01-11T00:00:00.000Z 3" \
    "the offsets are converted to UTC"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10T02:00:00+02:00&to=2020-01-10"
expect_json .from 2020-01-10T00:00:00.000Z "an offset's + sent unencoded (read as a space) is a +"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10T00:00:00%2B2:00"
expect 400 invalid_value "a malformed offset is refused"

TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-11&to=2020-01-11"
expect_json .tickets 0 "nothing the next day"
expect_json .first_response.median_ms null "no median without values"

# ---- agents ----
TOKEN=$LEAD req GET "/api/v1/reports/agents?from=2020-01-10&to=2020-01-10"
expect 200 "a lead reads the agents report"
expect_json '.agents | length' 2 "the lead and the unassigned"
expect_json '.agents[0].agent_id' "$LEAD_ID" "the lead handled most"
expect_json '.agents[0].name' "Test lead" "with the agent's name"
expect_json '.agents[0].tickets' 2 "two tickets"
expect_json '.agents[0].first_response.median_ms' 210000 "median of 120 s and 300 s"
expect_json '.agents[0].reopen.rate' 0.5 "one of two reopened"
expect_json '.agents[1].agent_id' null "then the unassigned"

# ---- the overview grouped ----
# T1 billing (hostile, unassigned), T2 and T3 shipping (calm, the lead's);
# T3's customer answered a survey that day: CSAT 2, NPS 3.
sql "UPDATE tickets SET category = 'billing' WHERE id = $T1"
sql "UPDATE tickets SET category = 'shipping' WHERE id IN ($T2, $T3)"
sql "INSERT INTO surveys (ticket_id, created_at, expires_at, answered_at, csat, nps)
     VALUES ($T3, $DAY, $DAY + 86400000, $DAY + 8000000, 2, 3)"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10&by=level"
expect 200 "the overview by level"
expect_json .by level "says what it is grouped by"
expect_json '[.groups[].key] | join(",")' calm,tense,heated,hostile "every level, in order"
expect_json .total.tickets 3 "with the desk's total"
expect_json .groups[0].tickets 2 "two calm tickets"
expect_json .groups[0].first_response.median_ms 210000 "their median first response"
expect_json .groups[0].resolution.median_ms 5400000 "their median resolution"
expect_json .groups[0].reopen.rate 0.5 "their reopen rate"
expect_json .groups[0].sla.met 2 "both resolved within their SLA"
expect_json .groups[0].surveys.csat.avg 2 "the calm group's CSAT"
expect_json .groups[0].surveys.nps.score -100 "and NPS (one detractor)"
expect_json .groups[1].tickets 0 "no tense ticket"
expect_json .groups[1].conflict_rate null "so no rate"
expect_json .groups[3].tickets 1 "one hostile ticket"
expect_json .groups[3].escalation.rate 1 "which escalated"
expect_json .total.surveys.csat.n 1 "the total counts the answer too"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10&by=category"
expect_json '[.groups[] | "\(.key)=\(.tickets)"] | join(",")' shipping=2,billing=1 \
    "by category, most tickets first"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10&by=channel"
expect_json '[.groups[] | select(.key == "email")][0].tickets' 3 "by channel: three by email"
expect_json '.groups | length' 5 "every channel listed"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10&by=agent"
expect_json .groups[0].key "Test lead" "by agent: the lead first"
expect_json .groups[0].agent_id "$LEAD_ID" "with the agent's id"
expect_json .groups[0].sla.met 2 "the lead's SLA"
expect_json .groups[1].key "(unassigned)" "then the unassigned"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-09&to=2020-01-11&by=day"
expect_json '.groups | length' 3 "by day: three days"
expect_json '[.groups[].tickets] | join(",")' 0,3,0 "the tickets on their day"
expect_json .groups[1].start 2020-01-10T00:00:00.000Z "a day starts at midnight"
expect_json .groups[2].end 2020-01-12T00:00:00.000Z "the last day ends with the range"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-06&to=2020-01-15&by=week"
expect_json '[.groups[].tickets] | join(",")' 3,0 "by week from the range's start"
expect_json .groups[1].end 2020-01-16T00:00:00.000Z "the last week is cut at the range's end"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-09&to=2020-01-11&by=level&bucket=day"
expect 200 "the overview by level per day"
expect_json .bucket day "says its bucket"
expect_json '.buckets | length' 3 "a bucket per day"
expect_json .buckets[1].start 2020-01-10T00:00:00.000Z "buckets start at midnight"
expect_json .buckets[1].total.tickets 3 "each bucket with its total"
expect_json .buckets[1].groups[0].first_response.median_ms 210000 "and its groups' numbers"
expect_json .buckets[0].groups[0].tickets 0 "an empty day has its groups at zero"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-06&to=2020-01-15&bucket=week"
expect_json '[.buckets[].total.tickets] | join(",")' 3,0 "the totals per week without by"
expect_json '.buckets[0].groups' null "and no groups"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-09&to=2020-01-11&by=level&bucket=day&format=csv"
check "per-bucket CSV: start, end and key lead" grep -q '^start,end,key,tickets,' "$T_DIR/body"
check "per-bucket CSV: a row per day and level" test "$(wc -l <"$T_DIR/body")" -eq 13
TOKEN=$LEAD req GET "/api/v1/reports/overview?by=day&bucket=week"
expect 400 invalid_value "by day per week is refused"
expect_json .error.field bucket "the error names bucket"
TOKEN=$LEAD req GET "/api/v1/reports/overview?bucket=month"
expect 400 invalid_value "an unknown bucket is refused"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10&by=level&format=csv"
check "grouped CSV: the key first" grep -q '^key,tickets,conflicts,' "$T_DIR/body"
check "grouped CSV: a row per level" test "$(wc -l <"$T_DIR/body")" -eq 5
TOKEN=$LEAD req GET "/api/v1/reports/overview?by=colour"
expect 400 invalid_value "an unknown grouping is refused"
expect_json .error.field by "the error names by"
TOKEN=$AGENT req GET "/api/v1/reports/overview?by=level"
expect 403 forbidden "an agent cannot read it grouped either"

# ---- CSV ----
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10&format=csv" "" \
    -D "$T_DIR/headers"
expect 200 "overview as CSV"
check "served as text/csv" grep -qi '^content-type: text/csv' "$T_DIR/headers"
check "a header row with flattened names" grep -q '^from,to,tickets,.*first_response_median_ms' \
    "$T_DIR/body"
check "one row of values" test "$(wc -l <"$T_DIR/body")" -eq 2
check "the row starts with the range and the count" grep -q \
    '^2020-01-10T00:00:00.000Z,2020-01-11T00:00:00.000Z,3,1,' "$T_DIR/body"
TOKEN=$LEAD req GET "/api/v1/reports/agents?from=2020-01-10&to=2020-01-10" "" \
    -H 'Accept: text/csv'
check "agents CSV: header and a row per agent" test "$(wc -l <"$T_DIR/body")" -eq 3
AGENTS_HEAD=$(head -n 1 "$T_DIR/body")
TOKEN=$LEAD req GET "/api/v1/reports/agents?from=2019-06-01&to=2019-06-01&format=csv"
check "an empty agents CSV: the same header, no row" test "$(cat "$T_DIR/body")" = "$AGENTS_HEAD"
check "an empty agents CSV is one line" test "$(wc -l <"$T_DIR/body")" -eq 1
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10&by=agent&format=csv"
BY_AGENT_HEAD=$(head -n 1 "$T_DIR/body")
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2019-06-01&to=2019-06-01&by=agent&format=csv"
check "an empty grouped overview CSV: the same header" test "$(cat "$T_DIR/body")" = "$BY_AGENT_HEAD"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-09&to=2020-01-11&by=category&bucket=day&format=csv"
BUCKET_HEAD=$(head -n 1 "$T_DIR/body")
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2019-06-01&to=2019-06-03&by=category&bucket=day&format=csv"
check "an empty per-bucket overview CSV: the same header" test "$(cat "$T_DIR/body")" = "$BUCKET_HEAD"

# ---- emerging: a planted rising phrase, a flat one ----
# Baseline 2020-02-06..2020-03-04 (four weeks): 40 tickets about a parcel;
# the week 2020-03-05..11: 10 about a parcel (flat) and 8 about a double
# charge, and one customer who writes 20 times about a flux capacitor (one
# voice: not a problem of the business).
WEEK=604800000
CUR=1583366400000 # 2020-03-05T00:00:00Z
CUSTOMER=$(sql "SELECT customer_id FROM tickets WHERE id = $T1")
ins() { # at body [ticket]: a message, in a new ticket unless one is given
    local t=${3:-}
    if [ -z "$t" ]; then
        t=$(sql "INSERT INTO tickets (subject, status, channel, customer_id, created_at, updated_at)
                 VALUES ('s', 'open', 'email', $CUSTOMER, $1, $1) RETURNING id")
    fi
    sql "INSERT INTO messages (ticket_id, author_kind, body, channel, created_at)
         VALUES ($t, 'customer', '$2', 'email', $1)"
}
for i in $(seq 1 40); do ins $((CUR - 4 * WEEK + i * 3600000)) 'Where is my parcel? The courier never came.'; done
for i in $(seq 1 10); do ins $((CUR + i * 3600000)) 'Where is my parcel? The courier never came.'; done
for i in $(seq 1 8); do ins $((CUR + i * 7200000)) 'I was double charged for the same order.'; done
for i in $(seq 1 20); do ins $((CUR + i * 60000)) 'The flux capacitor exploded again.' "$T1"; done
TOKEN=$LEAD req GET "/api/v1/reports/emerging?from=2020-03-05&to=2020-03-11"
expect 200 "a lead reads the emerging report"
expect_json .baseline_from 2020-02-06T00:00:00.000Z "four periods of baseline"
expect_json '[.items[] | select(.key == "doubl charg")] | length' 1 "the double charge is found"
expect_json '[.items[] | select(.key == "doubl charg")][0].count' 8 "in 8 messages"
expect_json '[.items[] | select(.key == "doubl charg")][0].text' "double charged" \
    "with the words as a customer wrote them"
expect_json '[.items[] | select(.key == "doubl charg")][0].example_tickets | length' 3 \
    "with three example tickets"
expect_json '[.items[] | select(.key | test("doubl$|^charg"))] | length' 0 \
    "its parts, as frequent, are not listed apart"
expect_json '[.items[] | select(.key | test("flux|capacitor"))] | length' 0 \
    "one customer repeating themselves is not a rising problem"
expect_json '[.items[] | select(.key | test("parcel|courier"))] | length' 0 "the flat phrase is not"
LAST=$(sql "SELECT max(ticket_id) FROM messages WHERE body LIKE '%double charged%'")
TOKEN=$LEAD req GET "/api/v1/reports/emerging?from=2020-03-05&to=2020-03-11&ticket=$LAST"
expect 200 "the emerging items of one ticket"
expect_json '[.items[].key] | index("doubl charg") != null' true \
    "a ticket past the three examples still finds its rising phrase"
expect_json .ticket_id "$LAST" "the report says which ticket"
OLD_AT=1546300800000 # 2019-01-01, long before the baseline
ins $OLD_AT 'I was double charged for the same order.'
OLD_T=$(sql "SELECT max(ticket_id) FROM messages WHERE created_at = $OLD_AT")
TOKEN=$LEAD req GET "/api/v1/reports/emerging?from=2020-03-05&to=2020-03-11&ticket=$OLD_T"
expect_json '.items | length' 0 "a ticket whose words were written outside the range has no items"
TOKEN=$LEAD req GET "/api/v1/reports/emerging?from=2020-03-05&to=2020-03-11&ticket=$T2"
expect_json '.items | length' 0 "a ticket with nothing rising has no items"
TOKEN=$LEAD req GET "/api/v1/reports/emerging?ticket=abc"
expect 400 invalid_value "a malformed ticket is refused"
expect_json .error.field ticket "the error names ticket"
TOKEN=$LEAD req GET "/api/v1/reports/emerging?ticket=99999999"
expect 404 not_found "an unknown ticket is not found"
TOKEN=$LEAD req GET "/api/v1/reports/emerging?from=2020-03-05&to=2020-03-11&format=csv"
check "emerging CSV has the item columns" grep -q '^kind,key,text,count,baseline,lift,p,q,example_tickets' \
    "$T_DIR/body"
TOKEN=$LEAD req GET "/api/v1/reports/emerging?from=2019-06-01&to=2019-06-07&format=csv"
check "an empty emerging CSV still has its header" \
    test "$(tr -d '\r' <"$T_DIR/body")" = kind,key,text,count,baseline,lift,p,q,example_tickets

# ---- bad ranges ----
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2026-13-01"
expect 400 invalid_value "a month 13 is refused"
expect_json .error.field from "the error names from"
TOKEN=$LEAD req GET "/api/v1/reports/agents?from=2026-02-01&to=2026-01-01"
expect 400 invalid_value "from after to is refused"
TOKEN=$LEAD req GET "/api/v1/reports/emerging?from=2025-01-01&to=2026-01-31"
expect 400 invalid_value "more than 366 days is refused"
expect_json .error.field to "the error names to"
TOKEN=$LEAD req GET "/api/v1/reports/overview?format=xml"
expect 400 invalid_value "an unknown format is refused"

# ---- each report takes its own query parameters, no other ----
for q in "trends?by=agent" "trends?bucket=day&foo=1" "overview?foo=1" "agents?bucket=week" \
    "agents?by=level" "emerging?by=agent" "emerging?bucket=day"; do
    TOKEN=$LEAD req GET "/api/v1/reports/$q"
    expect 400 unknown_field "$q is refused"
done
TOKEN=$LEAD req GET "/api/v1/reports/agents?from=2020-01-10&to=2020-01-10&bucket=week"
expect_json .error.field bucket "the error names the parameter"
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-10&to=2020-01-10&by=level&bucket=day&format=json"
expect 200 "the overview takes from, to, by, bucket and format"
TOKEN=$LEAD req GET "/api/v1/reports/emerging?from=2020-03-05&to=2020-03-11&format=json"
expect 200 "emerging takes from, to and format"

# ---- a customer's message reopens a resolved ticket ----
req POST /api/v1/tickets "$(ticket_body 'Not fixed' calm3@example.org 'Hello, my login fails.')"
T4=$(json .id)
req PATCH "/api/v1/tickets/$T4" '{"status":"resolved"}'
expect 200 "ticket $T4 is resolved"
req POST "/api/v1/tickets/$T4/messages" '{"author":"customer","body":"It still fails, sorry."}'
expect 201 "its customer writes again"
req GET "/api/v1/tickets/$T4/events"
expect_json '[.items[] | select(.action == "ticket.update")][-1] | "\(.before.status)>\(.after.status)"' \
    resolved\>open "the trail shows the reopening as a ticket.update"
sql "UPDATE tickets SET created_at = 1579478400000 WHERE id = $T4" # 2020-01-20
TOKEN=$LEAD req GET "/api/v1/reports/overview?from=2020-01-20&to=2020-01-20"
expect_json .reopen.resolved 1 "the ticket was resolved"
expect_json .reopen.reopened 1 "and the customer's message reopened it"

# ---- truce report ----
OUT=$("$TRUCE" report overview --db "$DB" --from 2020-01-10 --to 2020-01-10 | jq -r .tickets)
check "truce report prints JSON when not on a terminal" test "$OUT" = 3
"$TRUCE" report agents --db "$DB" --from 2020-01-10 --to 2020-01-10 --csv >"$T_DIR/cli.csv"
check "truce report agents --csv: a header and two rows" test "$(wc -l <"$T_DIR/cli.csv")" -eq 3
"$TRUCE" report emerging --db "$DB" --from 2019-06-01 --to 2019-06-07 --csv >"$T_DIR/cli.csv"
check "truce report emerging --csv with no item: the header" grep -q '^kind,key,text,count,' "$T_DIR/cli.csv"
OUT=$("$TRUCE" report emerging --db "$DB" --from 2020-03-05 --to 2020-03-11 --json |
    jq -r '[.items[].key] | index("doubl charg") != null')
check "truce report emerging finds the planted phrase" test "$OUT" = true
"$TRUCE" report overview --db "$DB" --from nope 2>/dev/null
check "a bad --from is a usage error" test $? -eq 2
"$TRUCE" report overview --db "$DB" --from 2020-01-10 --to 2020-01-10 --by level --csv \
    >"$T_DIR/cli.csv"
check "truce report overview --by level --csv: a row per level" \
    test "$(wc -l <"$T_DIR/cli.csv")" -eq 5
OUT=$("$TRUCE" report trends --db "$DB" --from 2020-01-09 --to 2020-01-11 |
    jq -r '[.buckets[].opened] | join(",")')
check "truce report trends: a bucket per day" test "$OUT" = 0,3,0
"$TRUCE" report trends --db "$DB" --from 2020-01-06 --to 2020-01-19 --bucket week --csv \
    >"$T_DIR/trends.csv"
check "truce report trends --csv: the API's columns" grep -q '^start,end,opened,conflicts,' \
    "$T_DIR/trends.csv"
check "truce report trends --bucket week: two weeks" test "$(wc -l <"$T_DIR/trends.csv")" -eq 3
"$TRUCE" report agents --db "$DB" --by level 2>/dev/null
check "--by is for the overview only" test $? -eq 2
"$TRUCE" report overview --db "$DB" --from 2020-01-06 --to 2020-01-15 --by channel --bucket week \
    --csv >"$T_DIR/cli.csv"
check "truce report overview --by channel --bucket week: a row per week and channel" \
    test "$(wc -l <"$T_DIR/cli.csv")" -eq 11
if command -v script >/dev/null; then
    script -qc "\"$TRUCE\" report overview --db \"$DB\" --from 2020-01-10 --to 2020-01-10" \
        /dev/null | tr -d '\r' >"$T_DIR/tty"
    check "on a terminal the median first response reads as a duration" \
        grep -Eq '^first_response_median +2m 0s$' "$T_DIR/tty"
    check "and the median resolution" grep -Eq '^resolution_median +1h 30m$' "$T_DIR/tty"
    check "a null stays a dash" grep -Eq '^deescalation_rate +-$' "$T_DIR/tty"
    script -qc "\"$TRUCE\" report agents --db \"$DB\" --from 2020-01-10 --to 2020-01-10" \
        /dev/null | tr -d '\r' >"$T_DIR/tty"
    check "the agents table: a duration column without _ms" \
        grep -Eq '^agent_id +name +tickets +conflicts +conflict_rate +first_response_median ' "$T_DIR/tty"
    check "the lead's median first response as a duration" grep -Eq ' 3m 30s ' "$T_DIR/tty"
fi
OUT=$("$TRUCE" report overview --db "$DB" --from 2020-01-09 --to 2020-01-11 --bucket day |
    jq -r '[.buckets[].total.tickets] | join(",")')
check "truce report overview --bucket day: the totals per day" test "$OUT" = 0,3,0

finish
