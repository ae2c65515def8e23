#!/bin/bash
# Tickets, messages, customers and agents through the API, as an integrator uses them.
. "$(dirname "$0")/lib.sh"
setup_db
# Routing (t0150) would give every new ticket to the agent or the lead; this
# scenario assigns by hand, so they work only the phone channel and the email
# tickets here stay unassigned (each trail notes once that nobody took it).
sql "update agents set channels = '[\"phone\"]'"
start_server

req POST /api/v1/tickets "$(ticket_body 'Parcel not delivered' ana@example.org 'Where is my parcel?')"
expect 201 "create a ticket"
t1=$(json .id)
expect_json .subject "Parcel not delivered" "the subject round-trips"
expect_json .status new "a new ticket is new"
expect_json .priority normal "default priority"
expect_json .channel email "the channel round-trips"
expect_json .level calm "a calm question is calm"
check "its risk is low" [ "$(json .risk)" -lt 25 ]
expect_json '.risk_reasons | length > 0' true "the risk comes with reasons"
expect_json '.messages[0].analysis.level' calm "the message carries its analysis"
expect_json .customer.email ana@example.org "the customer is attached"
expect_json '.messages | length' 1 "the first message is in the thread"
expect_json '.messages[0].author' customer "the first message is the customer's"
expect_json '.messages[0].body' "Where is my parcel?" "the body round-trips"
c1=$(json .customer.id)

req POST /api/v1/tickets "$(ticket_body 'Second issue' ANA@example.org)"
expect 201 "a second ticket by the same customer"
t2=$(json .id)
expect_json .customer.id "$c1" "the same email (any case) reuses the customer"
check "one customer row" [ "$(sql "select count(*) from customers")" = 1 ]

req GET "/api/v1/tickets/$t1"
expect 200 "read a ticket"
expect_json .id "$t1" "the right ticket"
req GET /api/v1/tickets/999999
expect 404 not_found "an unknown ticket"
req GET /api/v1/tickets/abc
expect 404 not_found "a non-numeric id"

# Reads are cached while nothing is written: a write must show at once.
req GET "/api/v1/tickets/$t2"
req GET "/api/v1/tickets/$t2"
expect_json .priority normal "a repeated read"
req PATCH "/api/v1/tickets/$t2" '{"priority":"low"}'
req GET "/api/v1/tickets/$t2"
expect_json .priority low "a read right after a write sees it"
req POST "/api/v1/tickets/$t2/messages" '{"author":"customer","body":"Any news?"}'
req GET "/api/v1/tickets/$t2"
expect_json '.messages | length' 2 "a read right after a new message shows it"
req PATCH "/api/v1/tickets/$t2" '{"priority":"normal"}'

# Paging: 23 tickets in all, pages of 5 in creation order.
for i in $(seq 1 21); do
    req POST /api/v1/tickets "$(ticket_body "Bulk $i" "bulk$i@example.org")"
    [ "$STATUS" = 201 ] || not_ok "bulk create $i"
done
cursor="" seen=""
pages=0
while :; do
    req GET "/api/v1/tickets?sort=created&limit=5${cursor:+&cursor=$cursor}"
    [ "$STATUS" = 200 ] || { not_ok "page $pages"; break; }
    seen="$seen $(json '.items[].id' | tr '\n' ' ')"
    pages=$((pages + 1))
    cursor=$(json '.next_cursor // empty')
    [ -z "$cursor" ] && break
    [ $pages -gt 10 ] && break
done
check "23 tickets in 5 pages" [ "$pages" = 5 ]
check "every ticket once, newest first" \
    [ "$(echo $seen)" = "$(seq 23 -1 1 | tr '\n' ' ' | sed 's/ $//')" ]
req GET "/api/v1/tickets?limit=100"
expect_json '.next_cursor' null "the last page has no next cursor"
req GET "/api/v1/tickets?limit=101"
expect 400 invalid_value "limit over 100"
req GET "/api/v1/tickets?cursor=garbage!"
expect 400 invalid_value "a forged cursor"
req GET "/api/v1/tickets?sort=created&limit=2"
c=$(json .next_cursor)
req GET "/api/v1/tickets?sort=updated&cursor=$c"
expect 400 invalid_value "a cursor from another sort order"
req GET "/api/v1/tickets?colour=red"
expect 400 unknown_field "an unknown query parameter"

# PATCH and the audit trail.
agent_id=$(sql "select id from agents where email='agent@test.example'")
req PATCH "/api/v1/tickets/$t1" "{\"status\":\"pending\",\"priority\":\"high\",\"assignee\":$agent_id,\"tags\":[\"shipping\",\"vip\"],\"category\":\"product_service\"}"
expect 200 "patch a ticket"
expect_json .status pending "status changed"
expect_json .priority high "priority changed"
expect_json .assignee.id "$agent_id" "assignee changed"
expect_json '.tags | join(",")' "shipping,vip" "tags changed"
expect_json .category product_service "category changed"
req GET "/api/v1/tickets?assignee=$agent_id"
expect_json '[.items[].id] | join(",")' "$t1" "filter by assignee"
req GET "/api/v1/tickets?status=pending"
expect_json '[.items[].id] | join(",")' "$t1" "filter by status"
req GET "/api/v1/tickets?assignee=none&limit=100"
expect_json '.items | length' 22 "filter unassigned"
TOKEN=$AGENT req GET "/api/v1/tickets?assignee=me"
expect_json '[.items[].id] | join(",")' "$t1" "assignee=me"
req GET "/api/v1/tickets?level=hostile"
expect_json '.items | length' 0 "filter by level"
req PATCH "/api/v1/tickets/$t1" '{"assignee":424242}'
expect 400 invalid_value "an unknown assignee"
req PATCH "/api/v1/tickets/$t1" '{"assignee":null}'
expect_json .assignee null "unassign"

req GET "/api/v1/tickets/$t1/events"
expect 200 "read the audit trail"
expect_json '[.items[].action | select(. != "ticket.unrouted")] | join(",")' "ticket.create,ticket.update,ticket.update" "create and two updates audited"
expect_json '[.items[] | select(.action == "ticket.update")][0].before.status' new "the event keeps the state before"
expect_json '[.items[] | select(.action == "ticket.update")][0].after.status' pending "and after"
expect_json '[.items[] | select(.action == "ticket.update")][0].actor.kind' agent "and who did it"
req GET /api/v1/tickets/999999/events
expect 404 not_found "events of an unknown ticket"

# Messages.
req POST "/api/v1/tickets/$t1/messages" '{"author":"agent","body":"Internal: courier says depot delay","internal":true}'
expect 201 "an internal note"
req GET "/api/v1/tickets/$t1"
expect_json .first_response_at null "an internal note is not a first response"
req POST "/api/v1/tickets/$t1/messages" '{"author":"agent","body":"Hi Ana, I am sorry for the wait. The courier will deliver tomorrow before noon."}'
expect 201 "an agent reply"
expect_json .author agent "written as agent"
req GET "/api/v1/tickets/$t1"
check "the first reply stamps first_response_at" [ "$(json .first_response_at)" != null ]
req PATCH "/api/v1/tickets/$t1" '{"status":"resolved"}'
check "resolving stamps resolved_at" [ "$(json .resolved_at)" != null ]
req POST "/api/v1/tickets/$t1/messages" '{"author":"customer","body":"It still has not come."}'
expect 201 "the customer writes again"
req GET "/api/v1/tickets/$t1"
expect_json .status open "a customer message reopens a resolved ticket"
expect_json .resolved_at null "and clears resolved_at"
req POST "/api/v1/tickets/$t1/messages" '{"author":"customer","body":"psst","internal":true}'
expect 400 invalid_value "a customer cannot write an internal note"
req POST "/api/v1/tickets/$t1/messages" '{"author":"system","body":"x"}'
expect 400 invalid_value "nobody writes as system"
req POST /api/v1/tickets/999999/messages '{"body":"x"}'
expect 404 not_found "a message to an unknown ticket"
req GET "/api/v1/tickets/$t1/messages"
expect 200 "read the thread"
expect_json '[.items[].author] | join(",")' "customer,agent,agent,customer" "the thread in order"
expect_json '[.items[].internal] | join(",")' "false,true,false,false" "with the internal flag"

# A thread and an audit trail page by cursor, oldest first.
req POST /api/v1/tickets "$(ticket_body 'Long thread' long@example.org 'm1')"
tl=$(json .id)
for i in 2 3 4 5; do req POST "/api/v1/tickets/$tl/messages" "{\"author\":\"customer\",\"body\":\"m$i\"}"; done
bodies="" cursor="" pages=0
while :; do
    req GET "/api/v1/tickets/$tl/messages?limit=2${cursor:+&cursor=$cursor}"
    [ "$STATUS" = 200 ] || { not_ok "thread page $pages"; break; }
    bodies="$bodies$(json '[.items[].body] | join(",")'),"
    pages=$((pages + 1))
    cursor=$(json '.next_cursor // empty')
    [ -z "$cursor" ] || [ $pages -gt 5 ] && break
done
check "a thread of 5 in pages of 2 ($bodies)" [ "$bodies" = "m1,m2,m3,m4,m5," ] && [ "$pages" = 3 ]
req GET "/api/v1/tickets/$tl/events?limit=1"
expect_json '.items[0].action' ticket.create "the audit trail pages too"
check "with a next cursor" [ "$(json .next_cursor)" != null ]
req GET "/api/v1/tickets/$tl/events?cursor=$(json .next_cursor)&limit=500"
expect_json '[.items[].action] | join(",")' "ticket.unrouted,message.create,message.create,message.create,message.create" "the rest of the trail"
expect_json .next_cursor null "and no more"
req GET "/api/v1/tickets/$tl/messages?limit=501"
expect 400 invalid_value "a thread page over 500"
req GET "/api/v1/tickets/$tl/messages?cursor=nope"
expect 400 invalid_value "a forged thread cursor"
req GET "/api/v1/tickets/$tl/events?sort=risk"
expect 400 unknown_field "an unknown parameter on the audit trail"

# The customer grew tense: the ticket is a conflict, and closing it asks for a lesson.
req PATCH "/api/v1/tickets/$t1" '{"status":"closed","lesson":{"cause":"depot delay","what_went_wrong":"the parcel sat at the depot","prevention":"track depot delays"}}'
expect 200 "close the ticket"
req PATCH "/api/v1/tickets/$t1" '{"status":"open"}'
expect 409 conflict "a closed ticket is final"
req POST "/api/v1/tickets/$t1/messages" '{"body":"late"}'
expect 409 conflict "a closed ticket takes no message"
req PATCH "/api/v1/tickets/$t1" '{"priority":"urgent","tags":["late"]}'
expect 409 conflict "a closed ticket cannot be edited"
req PATCH "/api/v1/tickets/$t1" '{"status":"closed"}'
expect 200 "closing a closed ticket again changes nothing and is fine"

# Customers.
req GET "/api/v1/customers/$c1"
expect 200 "read a customer"
expect_json .email ana@example.org "the customer's email"
expect_json '.tickets | length' 2 "with their tickets"
expect_json '.handles[0].channel' email "and their email handle"
expect_json .tickets_next_cursor null "all of them fit on the first page"
req GET "/api/v1/tickets?customer=$c1&sort=created"
expect_json '[.items[].id] | join(",")' "$t2,$t1" "the tickets list filters by customer"
req GET "/api/v1/tickets?customer=abc"
expect 400 invalid_value "a customer filter that is not an id"
first_many=""
for i in $(seq 1 101); do
    req POST /api/v1/tickets "$(ticket_body "Many $i" many@example.org)"
    [ -z "$first_many" ] && first_many=$(json .id) && cm=$(json .customer.id)
done
req GET "/api/v1/customers/$cm"
expect_json '.tickets | length' 100 "a customer shows their latest 100 tickets"
next=$(json .tickets_next_cursor)
check "and a cursor for the rest" [ "$next" != null ]
req GET "/api/v1/tickets?customer=$cm&sort=created&cursor=$next"
expect_json '[.items[].id] | join(",")' "$first_many" "which continues on the tickets list"
req GET /api/v1/customers/999999
expect 404 not_found "an unknown customer"

# Agents.
req POST /api/v1/agents '{"email":"new@test.example","name":"New Agent","role":"lead","skills":["de-escalation","billing"],"password":"long enough password"}'
expect 201 "an admin adds an agent"
expect_json .role lead "with the role"
expect_json '.skills | join(",")' "de-escalation,billing" "and skills"
req POST /api/v1/agents '{"email":"NEW@test.example","name":"Dup","role":"agent"}'
expect 409 conflict "a duplicate agent email"
req POST /api/v1/agents '{"email":"p@test.example","name":"P","role":"agent","password":"short"}'
expect 400 invalid_value "a short password"
TOKEN= req POST /api/v1/session '{"email":"new@test.example","password":"long enough password"}'
expect 200 "the new agent can log in"

# A byte-order mark before the JSON (some editors and Windows tools write one)
# is ignored, as RFC 8259 allows.
req POST /api/v1/tickets "$(printf '\357\273\277')$(ticket_body 'With a BOM' bom@example.org)"
expect 201 "a body that starts with a byte-order mark is read"
expect_json .subject "With a BOM" "the subject after the byte-order mark"
finish
