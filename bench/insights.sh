#!/bin/bash
# Insights reports on a generated database: N tickets over 150 days with 4
# customer messages each, timed with `truce report` before and after the
# indexes of data/schema/sqlite/0010_insights.sql (run by hand:
# bench/insights.sh build/release/truce [N]).
set -eu
TRUCE=${1:-build/release/truce}
N=${2:-100000}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
DB=$DIR/b.db
"$TRUCE" init --db "$DB" >/dev/null 2>&1
DAY=86400000
T0=1767225600000 # 2026-01-01
sqlite3 "$DB" <<SQL
INSERT INTO customers (id, name, email, created_at) VALUES (1, 'c', 'c@example.org', 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO tickets (id, subject, status, channel, customer_id, created_at, updated_at,
                     first_response_at, resolved_at, category, peak_level)
SELECT i, 's', CASE WHEN i % 3 THEN 'resolved' ELSE 'open' END, 'email', 1,
       $T0 + (i * 150 * $DAY) / $N, $T0, $T0 + (i * 150 * $DAY) / $N + (i % 97) * 60000,
       CASE WHEN i % 3 THEN $T0 + (i * 150 * $DAY) / $N + (i % 89) * 3600000 END,
       'cat' || (i % 12), CASE WHEN i % 10 = 0 THEN 'heated' ELSE 'calm' END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N * 4)
INSERT INTO messages (ticket_id, author_kind, body, channel, created_at)
SELECT (i + 3) / 4, 'customer',
       CASE i % 7 WHEN 0 THEN 'my parcel is late again' WHEN 1 THEN 'I was double charged'
       ELSE 'where is the invoice for order ' || (i % 1000) END, 'email',
       $T0 + (((i + 3) / 4) * 150 * $DAY) / $N + (i % 4) * 3600000 FROM n;
SQL
run() {
    for r in overview agents emerging; do
        s=$(date +%s%N)
        "$TRUCE" report $r --db "$DB" --from 2026-05-01 --to 2026-05-07 --json >/dev/null
        echo "  $1 $r (one week of $N tickets over 150 days): $((($(date +%s%N) - s) / 1000000)) ms"
    done
}
sqlite3 "$DB" "DROP INDEX IF EXISTS tickets_created; DROP INDEX IF EXISTS messages_created;"
run "without indexes:"
sqlite3 "$DB" "CREATE INDEX tickets_created ON tickets(created_at);
               CREATE INDEX messages_created ON messages(created_at);"
run "with indexes:   "
