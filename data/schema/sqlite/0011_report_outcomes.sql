-- truce schema, version 11: indexes for the reports' outcome rows (SLA by
-- resolution time, surveys by answer time), which every overview, grouped
-- or not, reads since the reports can group by any dimension
-- (bench/insights.sh prints the reports with and without them).
CREATE INDEX IF NOT EXISTS tickets_resolved ON tickets(resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS surveys_answered ON surveys(answered_at) WHERE answered_at IS NOT NULL;
