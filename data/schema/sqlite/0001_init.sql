-- truce schema, version 1: the desk's core records.
-- Times are INTEGER milliseconds since the Unix epoch (UTC); 0 or NULL = not yet.

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    email       TEXT    UNIQUE COLLATE NOCASE,
    created_at  INTEGER NOT NULL
);

-- One customer across channels: an email address, a chat id, a phone number.
CREATE TABLE customer_handles (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    channel     TEXT    NOT NULL,
    handle      TEXT    NOT NULL,
    PRIMARY KEY (channel, handle)
);
CREATE INDEX customer_handles_customer ON customer_handles(customer_id);

CREATE TABLE agents (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'lead', 'admin')),
    skills        TEXT    NOT NULL DEFAULT '[]',   -- JSON array of strings
    password_hash TEXT,                            -- Argon2id string; NULL: token-only
    created_at    INTEGER NOT NULL
);

-- Tokens are never stored: only their BLAKE2b-256 hash.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    agent_id    INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    token_hash  BLOB    NOT NULL UNIQUE,
    label       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE sessions (
    id_hash     BLOB    PRIMARY KEY,
    agent_id    INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    csrf_token  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    subject           TEXT    NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'new'
                      CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    priority          TEXT    NOT NULL DEFAULT 'normal'
                      CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    channel           TEXT    NOT NULL CHECK (channel IN ('api', 'email', 'web', 'chat', 'phone')),
    customer_id       INTEGER NOT NULL REFERENCES customers(id),
    assignee_id       INTEGER REFERENCES agents(id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    first_response_at INTEGER,
    resolved_at       INTEGER,
    risk              INTEGER NOT NULL DEFAULT 0 CHECK (risk BETWEEN 0 AND 100),
    level             TEXT    NOT NULL DEFAULT 'calm'
                      CHECK (level IN ('calm', 'tense', 'heated', 'hostile')),
    category          TEXT,
    tags              TEXT    NOT NULL DEFAULT '[]'  -- JSON array of strings
);
-- Keyset paging: each sort order has its index, id breaking ties.
CREATE INDEX tickets_risk ON tickets(risk DESC, id DESC);
CREATE INDEX tickets_updated ON tickets(updated_at DESC, id DESC);
CREATE INDEX tickets_customer ON tickets(customer_id, id DESC);
CREATE INDEX tickets_assignee ON tickets(assignee_id);
CREATE INDEX tickets_status ON tickets(status);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    author_kind TEXT    NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
    author_id   INTEGER,
    body        TEXT    NOT NULL,
    internal    INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    channel     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    analysis    TEXT                                -- JSON, set by the analysis engine
);
CREATE INDEX messages_ticket ON messages(ticket_id, id);

-- The audit trail: who did what to which record, with the record before and after.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    actor_kind  TEXT    NOT NULL,
    actor_id    INTEGER,
    action      TEXT    NOT NULL,
    target_kind TEXT    NOT NULL,
    target_id   INTEGER,
    ticket_id   INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    before      TEXT,
    after       TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX events_ticket ON events(ticket_id, id);

-- Replays for POST retries: the first answer to (principal, key) is kept.
CREATE TABLE idempotency_keys (
    principal   TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    request_hash BLOB   NOT NULL,
    status      INTEGER NOT NULL,
    response    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (principal, key)
);
