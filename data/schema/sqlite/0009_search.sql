-- Full-text search (docs/api.md "Search and suggestions").
--
-- Three FTS5 external-content indexes over articles, tickets and messages:
-- the text lives once, in its table; the index holds only tokens, and the
-- triggers below keep it in step on every insert, update and delete.  The
-- internal flag is not indexed: a search joins messages on rowid and filters
-- internal notes out for callers who must not see them.
--
-- Tokenizer: unicode61 with remove_diacritics 2 ("cafe" finds "café").  No
-- porter stemmer: it would index "shipping" as "ship", so the prefix the
-- contact form sends as the customer types ("shipp*") would find nothing;
-- a prefix query ("refund*") covers the inflections stemming would have
-- merged.  prefix='2 3' keeps short prefix queries ("ref*") off a scan of the
-- whole vocabulary.

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, tags, content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body, tags)
    VALUES (new.id, new.title, new.body, new.tags);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body, tags)
    VALUES ('delete', old.id, old.title, old.body, old.tags);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, body, tags ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body, tags)
    VALUES ('delete', old.id, old.title, old.body, old.tags);
    INSERT INTO articles_fts (rowid, title, body, tags)
    VALUES (new.id, new.title, new.body, new.tags);
END;

CREATE VIRTUAL TABLE tickets_fts USING fts5(
    subject, content='tickets', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, subject) VALUES (new.id, new.subject);
END;
CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;
CREATE TRIGGER tickets_fts_au AFTER UPDATE OF subject ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
    INSERT INTO tickets_fts (rowid, subject) VALUES (new.id, new.subject);
END;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    body, content='messages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;

-- Backfill what the desk held before this migration.
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
INSERT INTO tickets_fts (tickets_fts) VALUES ('rebuild');
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

-- Deflection: one row per "this answered my question" on the help page.
CREATE TABLE deflections (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX deflections_created ON deflections(created_at);
