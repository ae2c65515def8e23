/* SQLite statements of the knowledge base (joined to SQLITE_STMTS's enum). */
#ifndef TRUCE_SQLITE_KB_H
#define TRUCE_SQLITE_KB_H

/* clang-format off */
#define ARTICLE_COLS                                                                           \
    "id, slug, title, body, tags, audience, status, version, created_by, created_at, updated_at"
#define ARTICLE_LIST_COLS                                                                      \
    "id, slug, title, CASE WHEN ?7 THEN body END, tags, audience, status, version, created_by," \
    " created_at, updated_at"

#define SQLITE_KB_STMTS(X)                                                                     \
    X(ARTICLE_INSERT, "INSERT INTO articles (slug, title, body, tags, audience, status,"      \
                      " version, created_by, created_at, updated_at)"                         \
                      " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)")                                \
    X(ARTICLE_GET, "SELECT " ARTICLE_COLS " FROM articles WHERE id = ?")                       \
    X(ARTICLE_GET_SLUG, "SELECT " ARTICLE_COLS " FROM articles WHERE slug = ?")                \
    /* The guard is in the WHERE: of two racing edits of version N, one writes N + 1. */      \
    X(ARTICLE_UPDATE, "UPDATE articles SET slug = ?2, title = ?3, body = ?4, tags = ?5,"       \
                      " audience = ?6, status = ?7, version = ?8, updated_at = ?9"            \
                      " WHERE id = ?1 AND version = ?8 - 1")                                   \
    X(ARTICLE_EXISTS, "SELECT 1 FROM articles WHERE id = ?")                                   \
    X(ARTICLE_DELETE, "DELETE FROM articles WHERE id = ?1")                                    \
    X(ARTICLE_VERSIONS_DELETE, "DELETE FROM article_versions WHERE article_id = ?1")           \
    X(ARTICLE_VERSION_INSERT, "INSERT INTO article_versions (article_id, version, title, body," \
                              " tags, audience, status, edited_by, edited_at)"                \
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")                           \
    X(ARTICLE_VERSIONS, "SELECT article_id, version, title, body, tags, audience, status,"     \
                        " edited_by, edited_at FROM article_versions WHERE article_id = ?"     \
                        " ORDER BY version")                                                   \
    X(ARTICLE_LIST, "SELECT " ARTICLE_LIST_COLS " FROM articles"                               \
                    " WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR audience = ?2)"     \
                    " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(articles.tags)"      \
                    " WHERE value = ?3)) AND id > ?4 ORDER BY id LIMIT ?5")
/* clang-format on */

#endif
