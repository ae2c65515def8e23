-- truce schema, version 5: the job scheduler's queue, webhook subscriptions
-- and the log of their deliveries.

-- A job runs at or after run_at on whichever server leases it first.  A lease
-- is (lease_owner, attempts): the owner is unique per server process and
-- attempts grows with every lease, so a server whose lease expired and was
-- taken over (even by itself) cannot complete the job any more.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    ticket_id    INTEGER,                 -- the ticket it is about, if any (no FK: jobs outlive tickets)
    payload      TEXT    NOT NULL DEFAULT '{}',   -- JSON object, the handler's input
    dedupe_key   TEXT    UNIQUE,          -- one logical job, enqueued once
    state        TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
    lease_owner  TEXT,
    lease_until  INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER
);
-- The scheduler's two questions: which queued jobs are due, which leases expired.
CREATE INDEX jobs_due ON jobs(run_at) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs(lease_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs(state, id);

-- The secret signs every delivery (HMAC-SHA256), so it is kept as given;
-- the API shows it once, at creation.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL DEFAULT '["*"]',  -- JSON array of event types; "*": all
    secret      TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by  INTEGER,
    created_at  INTEGER NOT NULL
);

-- One row per delivery attempt; status NULL when no HTTP answer came.
CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY,
    webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    job_id      INTEGER NOT NULL,
    event_type  TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    status      INTEGER,
    error       TEXT,
    duration_ms INTEGER NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);
