-- truce schema, version 10: indexes for the insights reports, which read the
-- tickets opened and the customer messages written in a range
-- (bench/insights.sh: one week of 100,000 tickets, overview 101 -> 37 ms,
-- agents 93 -> 19 ms, emerging 217 -> 173 ms).
CREATE INDEX IF NOT EXISTS tickets_created ON tickets(created_at);
CREATE INDEX IF NOT EXISTS messages_created ON messages(created_at);
