#!/bin/bash
# Idempotency-Key: a retried POST replays its first answer; a reused key with
# another body is refused; keys belong to their caller.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

body=$(ticket_body 'Retry me' retry@example.org)
req POST /api/v1/tickets "$body" -H 'Idempotency-Key: order-48213-1'
expect 201 "the first POST"
first=$(cat "$T_DIR/body")
id=$(json .id)
curl -s -D "$T_DIR/headers" -o "$T_DIR/body" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: order-48213-1' \
    --data-binary "$body" "$BASE/api/v1/tickets"
check "the retry answers 201" grep -q '^HTTP/1.1 201' "$T_DIR/headers"
check "the retry is marked as a replay" grep -qi '^Idempotent-Replayed: true' "$T_DIR/headers"
check "the retry replays the first answer byte for byte" [ "$(cat "$T_DIR/body")" = "$first" ]
check "one ticket was created" [ "$(sql "select count(*) from tickets where subject='Retry me'")" = 1 ]

req POST /api/v1/tickets "$(ticket_body 'Something else' retry@example.org)" -H 'Idempotency-Key: order-48213-1'
expect 409 idempotency_mismatch "the same key with another body"
check "the mismatch wrote nothing" [ "$(sql "select count(*) from tickets")" = 1 ]

TOKEN=$AGENT req POST /api/v1/tickets "$body" -H 'Idempotency-Key: order-48213-1'
expect 201 "another caller may use the same key"
check "and gets a ticket of their own" [ "$(json .id)" != "$id" ]

req POST "/api/v1/tickets/$id/messages" '{"body":"Following up"}' -H 'Idempotency-Key: msg-1'
expect 201 "a message with a key"
req POST "/api/v1/tickets/$id/messages" '{"body":"Following up"}' -H 'Idempotency-Key: msg-1'
expect 201 "its retry"
check "one message was added" [ "$(sql "select count(*) from messages where ticket_id=$id")" = 2 ]

req POST /api/v1/tickets "$body" -H "Idempotency-Key: $(head -c 300 /dev/zero | tr '\0' k)"
expect 400 invalid_value "a key over 255 characters"

# Concurrent retries of one request: exactly one ticket.
body2=$(ticket_body 'Raced' race@example.org)
pids=""
for i in $(seq 1 8); do
    curl -s -o "$T_DIR/race$i" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
        -H 'Idempotency-Key: race-1' --data-binary "$body2" "$BASE/api/v1/tickets" &
    pids="$pids $!"
done
wait $pids
check "concurrent retries create one ticket" [ "$(sql "select count(*) from tickets where subject='Raced'")" = 1 ]
check "and all get the same id" [ "$(jq -r .id "$T_DIR"/race* | sort -u | wc -l)" = 1 ]

# A failed request is not remembered: fixing it and retrying with the key works.
req POST /api/v1/tickets '{"subject":"Fixed later","customer":{"email":"bad"},"message":{"body":"x"}}' \
    -H 'Idempotency-Key: fix-1'
expect 400 invalid_value "a bad request with a key"
req POST /api/v1/tickets '{"subject":"Fixed later","customer":{"email":"bad"},"message":{"body":"x"}}' \
    -H 'Idempotency-Key: fix-1'
expect 400 invalid_value "is refused again, not replayed as success"
finish
