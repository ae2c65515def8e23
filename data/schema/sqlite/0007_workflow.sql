-- truce schema, version 7: the resolution workflow (issue 5): SLA clocks on
-- the ticket, routing facts on agents, offers within authority, the six
-- steps' marks, lessons, problems, escalation rules and lead notifications.

-- Problems group tickets that share a systemic cause.
CREATE TABLE problems (
    id                 INTEGER PRIMARY KEY,
    title              TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    category           TEXT,
    status             TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    opened_from_ticket INTEGER,          -- the ticket it was opened from, if any
    created_by         INTEGER REFERENCES agents(id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX problems_status ON problems(status, id);

-- SLA: the earliest due time of a running clock and the earliest breach
-- (NULL: none), and one bit per breached metric (bit 0 first_response,
-- 1 next_response, 2 resolution) for the rules.
ALTER TABLE tickets ADD COLUMN due_at INTEGER;
ALTER TABLE tickets ADD COLUMN breached_at INTEGER;
ALTER TABLE tickets ADD COLUMN sla_breached INTEGER NOT NULL DEFAULT 0;
-- The six steps apply once the level has reached tense, or an agent marked
-- the ticket as a conflict; the peak never falls.
ALTER TABLE tickets ADD COLUMN peak_level TEXT NOT NULL DEFAULT 'calm'
    CHECK (peak_level IN ('calm', 'tense', 'heated', 'hostile'));
ALTER TABLE tickets ADD COLUMN marked_conflict INTEGER NOT NULL DEFAULT 0
    CHECK (marked_conflict IN (0, 1));
ALTER TABLE tickets ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1));
ALTER TABLE tickets ADD COLUMN team TEXT;      -- the team it is routed to (a label)
ALTER TABLE tickets ADD COLUMN language TEXT;  -- the customer's language, BCP 47; NULL: unknown
ALTER TABLE tickets ADD COLUMN problem_id INTEGER REFERENCES problems(id);
ALTER TABLE tickets ADD COLUMN problem_linked_at INTEGER;
UPDATE tickets SET peak_level = level;
CREATE INDEX tickets_due ON tickets(due_at) WHERE due_at IS NOT NULL;
CREATE INDEX tickets_problem ON tickets(problem_id) WHERE problem_id IS NOT NULL;

-- Routing: who is away, what each agent speaks and works, and when each was
-- last given a ticket (round-robin among equals).
ALTER TABLE agents ADD COLUMN available INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1));
ALTER TABLE agents ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';  -- JSON array of BCP 47 tags
ALTER TABLE agents ADD COLUMN channels TEXT NOT NULL DEFAULT '[]';   -- JSON array; []: all
ALTER TABLE agents ADD COLUMN teams TEXT NOT NULL DEFAULT '[]';      -- JSON array of labels
ALTER TABLE agents ADD COLUMN last_assigned_at INTEGER NOT NULL DEFAULT 0;

-- Spans when the ticket waited on the customer (status pending); to_at NULL
-- while it lasts.  The SLA clocks leave them out.
CREATE TABLE ticket_pauses (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    from_at   INTEGER NOT NULL,
    to_at     INTEGER CHECK (to_at IS NULL OR to_at >= from_at)
);
CREATE INDEX ticket_pauses_ticket ON ticket_pauses(ticket_id, id);

-- SLA reminders (50, 75) and breaches (100) already announced: once per
-- clock, a clock being a metric and the instant it started.
CREATE TABLE sla_alerts (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    metric     TEXT    NOT NULL CHECK (metric IN ('first_response', 'next_response', 'resolution')),
    started_at INTEGER NOT NULL,
    percent    INTEGER NOT NULL CHECK (percent IN (50, 75, 100)),
    at         INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, metric, started_at, percent)
);

-- Offers within authority (src/domain/offers.h).  Amounts are minor units.
CREATE TABLE offers (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('refund', 'replacement', 'credit', 'discount',
                                                   'alternative', 'apology_only')),
    amount        INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
    currency      TEXT    NOT NULL DEFAULT '',
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn')),
    note          TEXT,
    decision_note TEXT,
    proposed_by   INTEGER NOT NULL REFERENCES agents(id),
    proposer_role TEXT    NOT NULL CHECK (proposer_role IN ('agent', 'lead', 'admin')),
    proposed_at   INTEGER NOT NULL,
    decided_by    INTEGER REFERENCES agents(id),
    decided_at    INTEGER
);
CREATE INDEX offers_ticket ON offers(ticket_id, id);
CREATE INDEX offers_pending ON offers(id) WHERE state = 'pending';

-- An agent's tick (done = 1) or untick of one step, with the reason.
CREATE TABLE step_marks (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    step      TEXT    NOT NULL CHECK (step IN ('identify_cause', 'understand_pain',
                                               'take_ownership', 'act_and_inform',
                                               'review_and_learn', 'systemic_check')),
    done      INTEGER NOT NULL CHECK (done IN (0, 1)),
    agent_id  INTEGER NOT NULL REFERENCES agents(id),
    reason    TEXT    NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX step_marks_ticket ON step_marks(ticket_id, id);

-- What a resolved conflict taught: its cause, what went wrong, what would prevent it.
CREATE TABLE lessons (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    agent_id        INTEGER REFERENCES agents(id),
    cause           TEXT    NOT NULL,
    what_went_wrong TEXT    NOT NULL,
    prevention      TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX lessons_ticket ON lessons(ticket_id, id);

-- Escalation rules, in evaluation order; spec is the rule in the file format
-- of src/domain/rules.h, so the API and the data file share one parser.
CREATE TABLE rules (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    position   INTEGER NOT NULL,
    spec       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX rules_position ON rules(position, id);

-- What each ticket remembers of each rule (struct rule_state).
CREATE TABLE rule_states (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    rule      TEXT    NOT NULL,
    fired_at  INTEGER NOT NULL DEFAULT 0,
    times     INTEGER NOT NULL DEFAULT 0,
    armed     INTEGER NOT NULL DEFAULT 0 CHECK (armed IN (0, 1)),
    armed_at  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (ticket_id, rule)
);

-- Notices to staff: a lead to notify, a reminder to an assignee.  agent_id
-- NULL: every agent of the role.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    agent_id   INTEGER REFERENCES agents(id) ON DELETE CASCADE,
    role       TEXT    CHECK (role IS NULL OR role IN ('agent', 'lead', 'admin')),
    ticket_id  INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_agent ON notifications(agent_id, id);
CREATE INDEX notifications_role ON notifications(role, id);
