#!/usr/bin/env bash
# Full-text search latency at 1M messages (called by bench/run.sh).
#
#   bench/search.sh TRUCE_BIN
#
# Generates ~100k tickets and 1M messages (plus 2,000 articles) into a fresh
# database in one transaction of INSERT ... SELECT from recursive CTEs, the
# FTS5 triggers indexing as rows go in; then runs 200 mixed queries (one
# common word, two words, a rare word, a prefix, articles only, tickets
# only) through the server with curl, one at a time, and prints p50/p95/p99
# of the request time against the 50 ms target.  Knobs: BENCH_SEARCH_TICKETS
# (default 100000; 10 messages each), BENCH_TMPDIR (default build/bench).
set -euo pipefail
truce=${1:?usage: bench/search.sh TRUCE_BIN}
case $truce in /*) ;; *) truce=$PWD/$truce ;; esac
cd "$(dirname "$0")/.."
n_tickets=${BENCH_SEARCH_TICKETS:-100000}
dir=${BENCH_TMPDIR:-build/bench}/search
rm -rf "$dir"
mkdir -p "$dir"
db=$dir/search.db
"$truce" init --db "$db" >/dev/null
echo secret-password-1 | "$truce" agent add --db "$db" --email bench@test.example --name Bench \
    --role admin --password-stdin >/dev/null
token=$("$truce" token create --db "$db" --agent bench@test.example | tail -n 1)

echo "== search: generating $n_tickets tickets, $((n_tickets * 10)) messages"
t0=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE vocab (i INTEGER PRIMARY KEY, w TEXT);
INSERT INTO vocab (w) SELECT value FROM json_each('["refund","order","late","parcel","broken",
 "kettle","teapot","lid","cracked","delivery","courier","invoice","charge","card","bank",
 "address","wrong","missing","item","box","damaged","replacement","exchange","return","label",
 "tracking","number","week","days","waiting","angry","manager","complaint","service","help",
 "account","password","login","email","subscription","cancel","renew","discount","coupon",
 "price","payment","failed","double","charged","warranty","repair","screen","battery","charger",
 "cable","phone","laptop","size","colour","fit","shoes","jacket","shirt","store","pickup",
 "voucher","gift","birthday","urgent","today","tomorrow","again","still","nothing","answer",
 "promise","lawyer","review","stars","terrible","great","thanks","sorry","issue","problem","customer"]');
INSERT INTO vocab (w) WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 4000)
  SELECT 'sku' || i FROM k;
INSERT INTO customers (id, name, email, created_at)
  WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < $n_tickets / 10)
  SELECT n, 'Customer ' || n, 'c' || n || '@bench.example', 0 FROM k;
INSERT INTO tickets (id, subject, status, channel, customer_id, created_at, updated_at)
  WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < $n_tickets)
  SELECT n, (SELECT w FROM vocab WHERE vocab.i = 1 + (n * 7) % 86) || ' ' ||
            (SELECT w FROM vocab WHERE vocab.i = 1 + (n * 13) % 86),
         CASE n % 3 WHEN 0 THEN 'resolved' ELSE 'open' END, 'email', 1 + n % ($n_tickets / 10),
         n * 1000, n * 1000 FROM k;
INSERT INTO messages (ticket_id, author_kind, body, internal, channel, created_at)
  WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < $n_tickets * 10)
  SELECT 1 + (n - 1) / 10, CASE n % 2 WHEN 0 THEN 'agent' ELSE 'customer' END,
         (SELECT group_concat(w, ' ') FROM (SELECT w FROM vocab WHERE vocab.i IN (
            1 + (n * 31) % 86, 1 + (n * 17 + 5) % 86, 1 + ((n * n) % 9973) % 86,
            1 + (n * 7 + 3) % 86, 87 + (n * 2654435761) % 4000, 1 + (n * 11 + 1) % 86,
            87 + (n * 40503) % 4000, 1 + (n / 3) % 86))),
         n % 10 = 9, 'email', n FROM k;
INSERT INTO articles (slug, title, body, audience, status, created_at, updated_at)
  WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 2000)
  SELECT 'a' || n, (SELECT w FROM vocab WHERE vocab.i = 1 + (n * 3) % 86) || ' guide ' || n,
         (SELECT group_concat(w, ' ') FROM vocab WHERE vocab.i BETWEEN 1 + n % 80 AND 6 + n % 80),
         CASE n % 4 WHEN 0 THEN 'internal' ELSE 'public' END, 'published', 0, 0 FROM k;
COMMIT;
INSERT INTO messages_fts (messages_fts) VALUES ('optimize');
SQL
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  generated in %.1f s\n", b - a }'
echo "  $(sqlite3 "$db" 'SELECT count(*) FROM messages') messages, $(du -h "$db" | cut -f1) on disk"

: >"$dir/server.log"
"$truce" serve --db "$db" --listen 127.0.0.1:0 2>>"$dir/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 200); do
    port=$(sed -n 's|^truce: listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/server.log")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "bench: the server did not start" >&2; cat "$dir/server.log"; exit 1; }

queries=("refund" "late%20parcel" "sku1234" "cour*" "broken%20kettle" "tracking&type=ticket"
    "charger&type=article" "double%20charged" "sku77%20refund" "wait*")
: >"$dir/times"
for i in $(seq 0 199); do
    q=${queries[$((i % ${#queries[@]}))]}
    case $q in sku1234) q=sku$((i * 37 % 4000 + 1)) ;; esac
    code=$(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
        -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/search?q=$q&limit=20")
    [ "${code%% *}" = 200 ] || { echo "bench: search '$q' replied ${code%% *}" >&2; exit 1; }
    echo "${code#* }" >>"$dir/times"
done
sort -n "$dir/times" | awk '{ v[NR] = $1 * 1000 } END {
    p50 = v[int(NR * 0.50)]; p95 = v[int(NR * 0.95)]; p99 = v[int(NR * 0.99)];
    printf "  200 queries: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n", p50, p95, p99;
    printf "  %-40s target < 50 ms: %s\n", "p95", (p95 < 50) ? "met" : "NOT met" }'
