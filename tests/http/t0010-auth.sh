#!/bin/bash
# Authentication and roles: tokens, session login with CSRF, rate limiting.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

TOKEN= req GET /api/v1/tickets
expect 401 unauthorized "no credentials"
check "401 carries WWW-Authenticate" \
    sh -c "curl -s -i '$BASE/api/v1/tickets' | grep -qi '^WWW-Authenticate: Bearer'"
TOKEN=trc_not-a-real-token req GET /api/v1/tickets
expect 401 unauthorized "a bad token"
TOKEN= req GET /api/v1/tickets "" -H "Authorization: Basic YTpi"
expect 401 unauthorized "a non-Bearer scheme"
TOKEN= req GET /api/v1/tickets "" -H "Authorization: Bearer "
expect 401 unauthorized "an empty Bearer token"
TOKEN=$AGENT req GET /api/v1/tickets
expect 200 "an agent token lists tickets"

TOKEN=$AGENT req GET /api/v1/agents
expect 403 forbidden "an agent cannot list agents"
TOKEN=$LEAD req GET /api/v1/agents
expect 200 "a lead lists agents (leads reassign tickets)"
TOKEN=$AGENT req POST /api/v1/agents '{"email":"x@test.example","name":"X","role":"admin"}'
expect 403 forbidden "an agent cannot create agents"
check "a refused agent is not written" [ "$(sql "select count(*) from agents where email='x@test.example'")" = 0 ]
TOKEN=$ADMIN req GET /api/v1/agents
expect 200 "an admin lists agents"
expect_json '.items | length' 3 "three agents"
check "agents never show a password hash" [ "$(grep -c argon2 "$T_DIR/body")" = 0 ]

# Session login.
TOKEN= req POST /api/v1/session '{"email":"agent@test.example","password":"wrong password"}'
expect 401 unauthorized "a wrong password"
TOKEN= req POST /api/v1/session '{"email":"nobody@test.example","password":"whatever123"}'
expect 401 unauthorized "an unknown email"
TOKEN= req POST /api/v1/session '{"email":"agent@test.example"}'
expect 400 missing_field "login without password"

curl -s -D "$T_DIR/headers" -o "$T_DIR/body" -H 'Content-Type: application/json' \
    -d "{\"email\":\"agent@test.example\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session"
cookie=$(sed -n 's/^Set-Cookie: \(truce_session=[^;]*\).*/\1/ip' "$T_DIR/headers" | tr -d '\r')
csrf=$(json .csrf_token)
check "login sets a session cookie" [ -n "$cookie" ]
check "the cookie is HttpOnly" grep -qi '^Set-Cookie:.*HttpOnly' "$T_DIR/headers"
check "the cookie is SameSite=Strict" grep -qi '^Set-Cookie:.*SameSite=Strict' "$T_DIR/headers"
check "login returns a CSRF token" [ -n "$csrf" ] && [ "$csrf" != null ]
expect_json .agent.email agent@test.example "login returns the agent"
check "the session id is stored hashed" \
    [ "$(sql "select count(*) from sessions where id_hash = '${cookie#truce_session=}'")" = 0 ]

TOKEN= req GET /api/v1/session "" -H "Cookie: $cookie"
expect 200 "the cookie authenticates"
expect_json .via session "whoami says session"
expect_json .csrf_token "$csrf" "whoami gives the CSRF token back"

before=$(sql 'select count(*) from tickets')
TOKEN= req POST /api/v1/tickets "$(ticket_body 'Cookie write' c1@test.example)" -H "Cookie: $cookie"
expect 403 csrf_failed "a cookie write without CSRF token"
TOKEN= req POST /api/v1/tickets "$(ticket_body 'Cookie write' c1@test.example)" -H "Cookie: $cookie" \
    -H "X-CSRF-Token: csrf_wrong"
expect 403 csrf_failed "a cookie write with a wrong CSRF token"
check "refused cookie writes wrote nothing" [ "$(sql 'select count(*) from tickets')" = "$before" ]
TOKEN= req POST /api/v1/tickets "$(ticket_body 'Cookie write' c1@test.example)" -H "Cookie: $cookie" \
    -H "X-CSRF-Token: $csrf"
expect 201 "a cookie write with the CSRF token"
TOKEN= req GET /api/v1/agents "" -H "Cookie: $cookie"
expect 403 forbidden "roles apply to sessions too"

TOKEN= req DELETE /api/v1/session "" -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf"
expect 200 "logout"
TOKEN= req GET /api/v1/session "" -H "Cookie: $cookie"
expect 401 unauthorized "the cookie is dead after logout"
check "login and logout are audited" \
    [ "$(sql "select group_concat(action) from events where action like 'session.%'")" = "session.create,session.delete" ]

# Revoking tokens from the CLI (tokens not yet used, so not in the server's cache).
t1=$("$TRUCE" token create --db "$DB" --agent agent@test.example | tail -n 1)
t2=$("$TRUCE" token create --db "$DB" --agent lead@test.example | tail -n 1)
t3=$("$TRUCE" token create --db "$DB" --agent lead@test.example | tail -n 1)
echo "$t1" | "$TRUCE" token revoke --db "$DB" --token-stdin >"$T_DIR/out"
check "revoking one token says so" grep -q "revoked 1 token$" "$T_DIR/out"
TOKEN=$t1 req GET /api/v1/tickets
expect 401 unauthorized "a revoked token"
curl -s -D "$T_DIR/lead-headers" -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"lead@test.example\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session"
lead_cookie=$(sed -n 's/^Set-Cookie: \(truce_session=[^;]*\).*/\1/ip' "$T_DIR/lead-headers" | tr -d '\r')
"$TRUCE" token revoke --db "$DB" --agent lead@test.example >"$T_DIR/out"
check "revoking an agent's tokens counts them" grep -q "revoked 3 tokens" "$T_DIR/out"
TOKEN=$t3 req GET /api/v1/tickets
expect 401 unauthorized "every token of the agent is revoked"
TOKEN= req GET /api/v1/session "" -H "Cookie: $lead_cookie"
expect 401 unauthorized "and their browser sessions end"
check "revocations are audited" [ "$(sql "select count(*) from events where action = 'token.revoke'")" = 2 ]
"$TRUCE" token revoke --db "$DB" 2>/dev/null
check "revoke needs a token or an agent" [ $? -eq 2 ]

# Login is rate-limited per address: 10 a minute; some were used above.
limited=0
for i in $(seq 1 12); do
    TOKEN= req POST /api/v1/session '{"email":"agent@test.example","password":"wrong password"}'
    [ "$STATUS" = 429 ] && limited=1 && break
done
check "repeated logins are rate-limited" [ "$limited" = 1 ]
expect_json .error.code rate_limited "the 429 says rate_limited"
check "429 carries Retry-After" sh -c "curl -s -i -H 'Content-Type: application/json' \
    -d '{\"email\":\"a@b.co\",\"password\":\"x\"}' '$BASE/api/v1/session' | grep -qi '^Retry-After: [1-9]'"
TOKEN=$AGENT req GET /api/v1/tickets
expect 200 "token requests are not affected by the login limit"
check "HEAD answers like GET, without a body" \
    sh -c "curl -s -I -H 'Authorization: Bearer $AGENT' '$BASE/api/v1/tickets' | grep -q '^HTTP/1.1 200'"
check "the session cookie is not Secure on plain HTTP" sh -c "! grep -qi '^Set-Cookie:.*Secure' '$T_DIR/headers'"

stop_server
start_server --secure-cookies
curl -s -D "$T_DIR/headers" -o "$T_DIR/body" -H 'Content-Type: application/json' \
    -d "{\"email\":\"agent@test.example\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session"
check "--secure-cookies marks the session cookie Secure" grep -qi '^Set-Cookie:.*; Secure' "$T_DIR/headers"
finish
