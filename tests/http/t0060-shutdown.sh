#!/bin/bash
# SIGTERM while clients keep writing over keep-alive connections: the server
# stops cleanly (exit 0), every write it acknowledged is on disk, and nothing
# it refused while stopping was written.
. "$(dirname "$0")/lib.sh"
setup_db
start_server --threads 2

# Each writer is one curl sending 1500 POSTs over one keep-alive connection,
# logging each status; the configs are written first so all start at once.
for n in 1 2 3 4 5 6 7 8; do
    for i in $(seq 1 1500); do
        [ "$i" -gt 1 ] && echo "next"
        printf 'url = "%s/api/v1/tickets"\nsilent\noutput = "/dev/null"\nwrite-out = "%s-%s %%{http_code}\\n"\n' \
            "$BASE" "$n" "$i"
        printf 'header = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' "$ADMIN"
        printf 'data-binary = "{\\"subject\\":\\"Shutdown %s-%s\\",\\"customer\\":{\\"email\\":\\"w%s-%s@example.org\\"},\\"message\\":{\\"body\\":\\"Where is my order?\\"}}"\n' \
            "$n" "$i" "$n" "$i"
    done >"$T_DIR/curl$n.conf"
done
writers=""
for n in 1 2 3 4 5 6 7 8; do
    curl -K "$T_DIR/curl$n.conf" >"$T_DIR/codes$n" 2>/dev/null &
    writers="$writers $!"
done
sleep 0.5
stop_server
wait $writers
check "SIGTERM under write load exits 0 (got $SERVER_EXIT)" [ "$SERVER_EXIT" -eq 0 ]
check "the server logged a clean stop" grep -q "truce: stopped" "$T_DIR/server.log"
acked=$(cat "$T_DIR"/codes* | awk '$2 == 201 {print $1}')
refused=$(cat "$T_DIR"/codes* | awk '$2 == 503 {print $1}')
check "some writes were acknowledged before the stop ($(echo $acked | wc -w))" [ -n "$acked" ]
check "nothing but 201, 503 or a closed connection was answered" \
    sh -c "! cat '$T_DIR'/codes* | awk '\$2 != 201 && \$2 != 503 && \$2 != \"000\"' | grep -q ."

start_server
missing=0
for k in $acked; do
    [ "$(sql "select count(*) from tickets where subject = 'Shutdown $k'")" = 1 ] || missing=$((missing + 1))
done
check "every acknowledged write is on disk ($missing missing)" [ "$missing" = 0 ]
written=0
for k in $refused; do
    [ "$(sql "select count(*) from tickets where subject = 'Shutdown $k'")" = 0 ] || written=$((written + 1))
done
check "no refused write was stored ($written stored)" [ "$written" = 0 ]
finish
