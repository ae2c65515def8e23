-- truce schema, version 6: messages to customers (the outbox), satisfaction
-- surveys sent on resolution, and the server's own settings (the key that
-- signs survey links).

-- Server settings, created once and kept: a restart reads them back.
-- 'survey_key': the 32-byte key that signs survey links (crypto_auth).
CREATE TABLE settings (
    name        TEXT    PRIMARY KEY,
    value       BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);

-- One survey per resolution.  The link's token is never stored: only its
-- BLAKE2b-256 hash, set in the same transaction that creates the row.
CREATE TABLE surveys (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    token_hash  BLOB    UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    answered_at INTEGER,
    csat        INTEGER CHECK (csat BETWEEN 1 AND 5),
    nps         INTEGER CHECK (nps BETWEEN 0 AND 10),
    ces         INTEGER CHECK (ces BETWEEN 1 AND 7),
    comment     TEXT    CHECK (comment IS NULL OR length(comment) <= 2000)
);
CREATE INDEX surveys_ticket ON surveys(ticket_id, id);

-- Messages truce writes to customers.  Nothing sends them yet: rows stay
-- 'queued' until the email channel (or the scheduler) delivers them at due_at.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    channel     TEXT    NOT NULL CHECK (channel IN ('api', 'email', 'web', 'chat', 'phone')),
    kind        TEXT    NOT NULL CHECK (kind IN ('survey', 'follow_up', 'notice')),
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    survey_id   INTEGER REFERENCES surveys(id) ON DELETE SET NULL,
    due_at      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX outbox_ticket ON outbox(ticket_id, id);
CREATE INDEX outbox_due ON outbox(state, due_at);
