-- truce schema, version 12: an article's tags are indexed as words.
--
-- Migration 9 indexed articles.tags, a JSON array, as it is stored; the
-- tokens were right but a snippet taken from the tags showed the JSON
-- (["refunds","policy"]).  The index now reads its content through a view
-- whose tags column is the labels joined by spaces ("refunds policy"), so
-- what a snippet shows is what was indexed.  FTS5 options cannot be altered:
-- the index and its triggers are made again and rebuilt from the articles.
-- The title, body and tags columns keep their order (bm25 weights them by
-- position).
--
-- The words are made by text replacement, not json_each: FTS5 cannot read a
-- content view that uses a table-valued function ('rebuild' fails with "SQL
-- logic error").  The service writes tags as compact JSON of labels, which
-- hold no quote, comma or bracket: ["a","b"] -> a b, [] -> ''.

DROP TRIGGER articles_fts_ai;
DROP TRIGGER articles_fts_ad;
DROP TRIGGER articles_fts_au;
DROP TABLE articles_fts;

CREATE VIEW articles_fts_content AS
    SELECT id, title, body, trim(replace(tags, '","', ' '), '[]"') AS tags FROM articles;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, tags, content='articles_fts_content', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
-- A new row is read through the view; an old one is gone from it by now, so
-- its words are made again from old.tags the way the view makes them (a
-- 'delete' must name exactly what was added).
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body, tags)
    SELECT id, title, body, tags FROM articles_fts_content WHERE id = new.id;
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body, tags)
    VALUES ('delete', old.id, old.title, old.body, trim(replace(old.tags, '","', ' '), '[]"'));
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, body, tags ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body, tags)
    VALUES ('delete', old.id, old.title, old.body, trim(replace(old.tags, '","', ' '), '[]"'));
    INSERT INTO articles_fts (rowid, title, body, tags)
    SELECT id, title, body, tags FROM articles_fts_content WHERE id = new.id;
END;

INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
