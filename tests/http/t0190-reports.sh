#!/bin/bash
# The trends report: a lead reads today's numbers for tickets opened through
# the API (a hostile one, a calm one resolved at once), by day and by week, as
# JSON and as CSV (by Accept or ?format=csv); an agent may not; bad ranges,
# buckets and formats are refused with the field named.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

TODAY=$(date -u +%F)
WEEK_AGO=$(date -u -d '-13 days' +%F)
HOSTILE='This is UNACCEPTABLE. Third time I write, you are useless idiots. I will sue you and post a review everywhere!'

req POST /api/v1/tickets "$(ticket_body 'Broken again' angry@example.org "$HOSTILE")"
expect 201 "a hostile ticket is opened"
req POST /api/v1/tickets "$(ticket_body 'A question' calm@example.org 'Hello, when will my order ship? Thanks!')"
expect 201 "a calm ticket is opened"
CALM_ID=$(json .id)
req PATCH "/api/v1/tickets/$CALM_ID" '{"status":"resolved"}'
expect 200 "the calm ticket is resolved"

# ---- who may read ----
TOKEN=$AGENT req GET "/api/v1/reports/trends"
expect 403 forbidden "an agent cannot read reports"
TOKEN=$LEAD req GET "/api/v1/reports/trends"
expect 200 "a lead reads the trends"
expect_json '.buckets | length' 30 "without a range: the last 30 days"
expect_json .bucket day "days by default"
expect_json '.buckets[-1].start' "${TODAY}T00:00:00.000Z" "the last bucket is today"
expect_json '.buckets[0].conflict_rate' null "an empty day has no rate"

# ---- today's numbers ----
TOKEN=$LEAD req GET "/api/v1/reports/trends?from=$TODAY&to=$TODAY"
expect 200 "one day"
expect_json '.buckets | length' 1 "from and to are both included: one bucket"
expect_json .from "${TODAY}T00:00:00.000Z" "from is the day's start"
expect_json '.buckets[0].opened' 2 "two tickets opened today"
expect_json '.buckets[0].conflicts' 1 "the hostile one is a conflict"
expect_json '.buckets[0].conflict_rate' 0.5 "conflict rate 1/2"
expect_json '.buckets[0].by_level.calm' 1 "one calm by peak level"
expect_json '.buckets[0].by_channel.email' 2 "both by email"
expect_json '.buckets[0].sla.met' 1 "the resolved ticket met its SLA"
expect_json '.buckets[0].sla.met_rate' 1 "SLA met rate 1"
expect_json '.buckets[0].surveys.csat.n' 0 "no survey answered yet"
expect_json '.buckets[0].surveys.csat.avg' null "no CSAT average without answers"
expect_json '.buckets[0].deescalation.rate' null "no heated thread answered yet"
LEVELS=$(json '.buckets[0].by_level | .tense + .heated + .hostile')
[ "$LEVELS" = 1 ] && ok || not_ok "one ticket at tense or above, got $LEVELS"

TOKEN=$LEAD req GET "/api/v1/reports/trends?from=$WEEK_AGO&to=$TODAY&bucket=week"
expect 200 "by week"
expect_json '.buckets | length' 2 "14 days are two weeks"
expect_json '.buckets[1].opened' 2 "today falls in the second week"
expect_json '.buckets[1].end' "$(date -u -d tomorrow +%F)T00:00:00.000Z" "the last week ends with to"

TOKEN=$LEAD req GET "/api/v1/reports/trends?from=2020-01-01T00:00:00Z&to=2020-01-01T12:00:00Z"
expect 200 "instants are accepted"
expect_json '.buckets | length' 1 "half a day is one (short) bucket"
expect_json '.buckets[0].end' 2020-01-01T12:00:00.000Z "to is excluded as an instant"

# ---- CSV ----
TOKEN=$LEAD req GET "/api/v1/reports/trends?from=$TODAY&to=$TODAY" "" -H 'Accept: text/csv' \
    -D "$T_DIR/headers"
expect 200 "CSV by Accept"
check "the CSV is served as text/csv" grep -qi '^content-type: text/csv' "$T_DIR/headers"
check "the CSV has a header row" grep -q '^start,end,opened,conflicts,conflict_rate,' "$T_DIR/body"
check "one row per bucket" test "$(wc -l <"$T_DIR/body")" -eq 2
ROW=$(sed -n 2p "$T_DIR/body" | tr -d '\r')
check "the row holds today's numbers" test "${ROW%%,0.5,*}" = \
    "${TODAY}T00:00:00.000Z,$(date -u -d tomorrow +%F)T00:00:00.000Z,2,1"
TOKEN=$LEAD req GET "/api/v1/reports/trends?from=$TODAY&to=$TODAY&format=csv"
check "CSV by ?format=csv" grep -q '^start,end,' "$T_DIR/body"
TOKEN=$LEAD req GET "/api/v1/reports/trends?from=$TODAY&to=$TODAY&format=json" "" \
    -H 'Accept: text/csv'
expect_json '.buckets[0].opened' 2 "format=json wins over Accept"

# ---- bad input ----
TOKEN=$LEAD req GET "/api/v1/reports/trends?from=2026-13-01"
expect 400 invalid_value "a month 13 is refused"
expect_json .error.field from "the error names from"
TOKEN=$LEAD req GET "/api/v1/reports/trends?to=yesterday"
expect 400 invalid_value "a word is not a date"
expect_json .error.field to "the error names to"
TOKEN=$LEAD req GET "/api/v1/reports/trends?from=2026-02-01&to=2026-01-01"
expect 400 invalid_value "from after to is refused"
TOKEN=$LEAD req GET "/api/v1/reports/trends?from=2025-01-01&to=2026-01-31"
expect 400 invalid_value "more than 366 days is refused"
TOKEN=$LEAD req GET "/api/v1/reports/trends?from=2025-01-01&to=2026-01-31&bucket=week"
expect 200 "the same range by week is allowed"
TOKEN=$LEAD req GET "/api/v1/reports/trends?bucket=month"
expect 400 invalid_value "a month bucket is refused"
expect_json .error.field bucket "the error names bucket"
TOKEN=$LEAD req GET "/api/v1/reports/trends?format=xml"
expect 400 invalid_value "an unknown format is refused"

finish
