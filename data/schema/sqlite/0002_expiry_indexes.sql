-- truce schema, version 2: indexes for forgetting what has expired
-- (sessions past their end, idempotency records past their retention).
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
