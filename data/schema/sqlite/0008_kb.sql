-- truce schema, version 8: the knowledge base (issue 7, section 1).
-- An article is the current version; every edit also writes the new version
-- to article_versions, so the history is complete (version 1 included).

CREATE TABLE articles (
    id         INTEGER PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,                 -- Markdown
    tags       TEXT    NOT NULL DEFAULT '[]',    -- JSON array of labels
    audience   TEXT    NOT NULL CHECK (audience IN ('public', 'internal')),
    status     TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    version    INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES agents(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- The public help center lists published public articles, newest first.
CREATE INDEX articles_visible ON articles(status, audience, id);

CREATE TABLE article_versions (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    tags       TEXT    NOT NULL DEFAULT '[]',
    audience   TEXT    NOT NULL CHECK (audience IN ('public', 'internal')),
    status     TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    edited_by  INTEGER REFERENCES agents(id),
    edited_at  INTEGER NOT NULL,
    PRIMARY KEY (article_id, version)
);
