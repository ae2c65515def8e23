#!/usr/bin/env bash
# The insights reports on a generated database (called by bench/run.sh, or
# by hand: bench/insights.sh TRUCE_BIN [N]): N tickets (default 100,000)
# opened over 150 days, two in three resolved, with 4 customer messages and
# one survey in ten; each report timed with `truce report ... --json`, first
# without the report indexes (data/schema/sqlite/0010_insights.sql and
# 0011_report_outcomes.sql), then with them: the indexes are the baseline
# each figure is compared with.  No target is set by an issue; a report that
# fails makes the run fail.
set -euo pipefail
cd "$(dirname "$0")/.."
TRUCE=${1:?usage: bench/insights.sh TRUCE_BIN [N]}
N=${2:-100000}
command -v sqlite3 >/dev/null || { echo "== insights: skipped (sqlite3 is not installed)"; exit 0; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/truce-bench-insights.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
DB=$DIR/b.db
"$TRUCE" init --db "$DB" >/dev/null 2>&1
DAY=86400000
T0=1767225600000 # 2026-01-01
sqlite3 "$DB" <<SQL
INSERT INTO customers (id, name, email, created_at) VALUES (1, 'c', 'c@example.org', 0);
INSERT INTO agents (id, name, email, role, created_at)
SELECT 100 + i, 'agent ' || i, 'a' || i || '@example.org', 'agent', 0
FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20) SELECT i FROM n);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO tickets (id, subject, status, channel, customer_id, created_at, updated_at,
                     first_response_at, resolved_at, category, peak_level, assignee_id)
SELECT i, 's', CASE WHEN i % 3 THEN 'resolved' ELSE 'open' END,
       CASE i % 4 WHEN 0 THEN 'email' WHEN 1 THEN 'web' WHEN 2 THEN 'chat' ELSE 'api' END, 1,
       $T0 + (i * 150 * $DAY) / $N, $T0, $T0 + (i * 150 * $DAY) / $N + (i % 97) * 60000,
       CASE WHEN i % 3 THEN $T0 + (i * 150 * $DAY) / $N + (i % 89) * 3600000 END,
       'cat' || (i % 12), CASE WHEN i % 10 = 0 THEN 'heated' ELSE 'calm' END, 101 + i % 20 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N * 4)
INSERT INTO messages (ticket_id, author_kind, body, channel, created_at)
SELECT (i + 3) / 4, 'customer',
       CASE i % 7 WHEN 0 THEN 'my parcel is late again' WHEN 1 THEN 'I was double charged'
       ELSE 'where is the invoice for order ' || (i % 1000) END, 'email',
       $T0 + (((i + 3) / 4) * 150 * $DAY) / $N + (i % 4) * 3600000 FROM n;
INSERT INTO surveys (ticket_id, created_at, expires_at, answered_at, csat, nps)
SELECT id, resolved_at, resolved_at + 7 * $DAY, resolved_at + $DAY, 1 + id % 5, id % 11
FROM tickets WHERE resolved_at IS NOT NULL AND id % 10 = 1;
SQL

# name|report and its arguments
CASES=(
    "overview, one week|overview --from 2026-05-01 --to 2026-05-07"
    "overview by agent, 30 days|overview --from 2026-05-01 --to 2026-05-30 --by agent"
    "overview by day, 150 days|overview --from 2026-01-01 --to 2026-05-30 --by day"
    "overview by category, 150 days|overview --from 2026-01-01 --to 2026-05-30 --by category"
    "agents, one week|agents --from 2026-05-01 --to 2026-05-07"
    "trends by week, 150 days|trends --from 2026-01-01 --to 2026-05-30 --bucket week"
    "emerging, one week|emerging --from 2026-05-01 --to 2026-05-07"
)
declare -A MS
run() { # label
    local c name args s
    for c in "${CASES[@]}"; do
        name=${c%%|*}
        args=${c#*|}
        s=$(date +%s%N)
        # shellcheck disable=SC2086
        "$TRUCE" report $args --db "$DB" --json >/dev/null
        MS[$1.$name]=$((($(date +%s%N) - s) / 1000000))
    done
}
INDEXES="tickets_created messages_created tickets_resolved surveys_answered"
for i in $INDEXES; do sqlite3 "$DB" "DROP INDEX $i"; done
run without
sqlite3 "$DB" "CREATE INDEX tickets_created ON tickets(created_at);
               CREATE INDEX messages_created ON messages(created_at);
               CREATE INDEX tickets_resolved ON tickets(resolved_at) WHERE resolved_at IS NOT NULL;
               CREATE INDEX surveys_answered ON surveys(answered_at) WHERE answered_at IS NOT NULL;"
run with

echo "== insights: truce report on $N tickets over 150 days ($((N * 4)) messages), ms"
printf '  %-36s %10s %10s %8s\n' "report" "indexed" "no index" "speedup"
for c in "${CASES[@]}"; do
    name=${c%%|*}
    a=${MS[with.$name]} b=${MS[without.$name]}
    printf '  %-36s %10s %10s %8s\n' "$name" "$a" "$b" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.1fx", b / a; else printf "n/a" }')"
done
echo "  (below 1x: a range that covers most of the table reads faster by a plain"
echo "   scan than through the index; the indexes are for the usual days and weeks.)"
