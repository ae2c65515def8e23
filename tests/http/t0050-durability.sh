#!/bin/bash
# A 2xx means durable: create tickets in parallel streams, kill -9 the server
# mid-stream, restart, and find every acknowledged ticket.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

stream() { # N: create tickets until told to stop; log the ids that got 201
    n=$1
    i=0
    while [ ! -f "$T_DIR/stop" ] && [ $i -lt 2000 ]; do
        i=$((i + 1))
        code=$(curl -s -o "$T_DIR/s$n.body" -w '%{http_code}' -m 5 -H "Authorization: Bearer $ADMIN" \
            -H 'Content-Type: application/json' \
            --data-binary "$(ticket_body "Stream $n no $i" "s$n-$i@example.org")" "$BASE/api/v1/tickets")
        if [ "$code" = 201 ]; then
            jq -r .id "$T_DIR/s$n.body" >>"$T_DIR/acked"
        fi
    done
}
streams=""
for n in 1 2 3 4; do
    stream $n &
    streams="$streams $!"
done
sleep 2
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
touch "$T_DIR/stop"
wait $streams
acked=$(wc -l <"$T_DIR/acked")
check "some tickets were acknowledged before the kill ($acked)" [ "$acked" -gt 20 ]

start_server
missing=0
for id in $(cat "$T_DIR/acked"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/tickets/$id")
    [ "$code" = 200 ] || missing=$((missing + 1))
done
check "every acknowledged ticket survived kill -9 ($missing missing of $acked)" [ "$missing" = 0 ]
check "every ticket in the database is whole (ticket, message, event)" \
    [ "$(sql "select count(*) from tickets t where not exists (select 1 from messages m where m.ticket_id = t.id)
             or not exists (select 1 from events e where e.ticket_id = t.id)")" = 0 ]
check "the database passes an integrity check" [ "$(sql 'pragma integrity_check')" = ok ]
req POST /api/v1/tickets "$(ticket_body 'After restart' after@example.org)"
expect 201 "the restarted server takes writes"
finish
