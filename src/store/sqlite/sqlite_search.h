/* SQLite statements of search and deflection (joined to SQLITE_STMTS's
 * enum).  ?1 is always an FTS5 expression from fts_query_build; snippets are
 * marked with char(1) and char(2) (FTS_HIT_OPEN/FTS_HIT_CLOSE). */
#ifndef TRUCE_SQLITE_SEARCH_H
#define TRUCE_SQLITE_SEARCH_H

/* clang-format off */
#define SQLITE_SEARCH_STMTS(X)                                                                 \
    X(SEARCH_ARTICLES, "SELECT a.id, a.title,"                                                 \
                       " bm25(articles_fts, 10.0, 1.0, 3.0), a.slug, a.audience, a.status"      \
                       " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"        \
                       " WHERE articles_fts MATCH ?1 AND (?2 = 0 OR"                            \
                       " (a.audience = 'public' AND a.status = 'published'))"                  \
                       " AND (?4 = 0 OR a.status = 'published')"                               \
                       " ORDER BY 3, a.id LIMIT ?3")                                            \
    /* The body's snippet when the body holds a hit, else the title's, else   \
     * the tags' (words, migration 12), else the body's opening. */            \
    X(SNIPPET_ARTICLE, "SELECT CASE WHEN instr(b, char(1)) THEN b WHEN instr(t, char(1))"      \
                       " THEN t WHEN instr(g, char(1)) THEN g ELSE b END FROM ("               \
                       " SELECT snippet(articles_fts, 1, char(1), char(2), '…', 16) AS b,"     \
                       " snippet(articles_fts, 0, char(1), char(2), '…', 16) AS t,"            \
                       " snippet(articles_fts, 2, char(1), char(2), '…', 16) AS g"             \
                       " FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid = ?2)")        \
    X(SEARCH_TICKETS, "SELECT h.tid, t.subject, t.status, h.mid, min(h.s) FROM ("             \
                      " SELECT m.ticket_id AS tid, m.id AS mid, bm25(messages_fts) AS s"       \
                      " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"         \
                      " WHERE messages_fts MATCH ?1 AND (?2 OR m.internal = 0)"                 \
                      " AND messages_fts.rowid >= coalesce((SELECT rowid FROM messages_fts"    \
                      " WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?6), 0)" \
                      " UNION ALL SELECT rowid, 0, 2.0 * bm25(tickets_fts) FROM tickets_fts"    \
                      " WHERE tickets_fts MATCH ?1) h JOIN tickets t ON t.id = h.tid"           \
                      " WHERE (?3 = 0 OR t.status IN ('resolved', 'closed')) AND t.id != ?4"   \
                      " GROUP BY h.tid ORDER BY 5, 1 DESC LIMIT ?5")                            \
    X(SNIPPET_MESSAGE, "SELECT snippet(messages_fts, 0, char(1), char(2), '…', 16)"            \
                       " FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid = ?2")         \
    X(SNIPPET_SUBJECT, "SELECT snippet(tickets_fts, 0, char(1), char(2), '…', 16)"             \
                       " FROM tickets_fts WHERE tickets_fts MATCH ?1 AND rowid = ?2")           \
    X(SEARCH_SOURCE, "SELECT t.category, t.subject, (SELECT m.body FROM messages m"            \
                     " WHERE m.ticket_id = t.id AND m.author_kind = 'customer'"                \
                     " AND m.internal = 0 ORDER BY m.id DESC LIMIT 1)"                          \
                     " FROM tickets t WHERE t.id = ?1")                                         \
    X(RESOLUTION_OFFERS, "SELECT kind, amount, currency, note FROM offers"                     \
                         " WHERE ticket_id = ?1 AND state = 'approved' ORDER BY id")            \
    X(RESOLUTION_LESSON, "SELECT cause, what_went_wrong, prevention FROM lessons"              \
                         " WHERE ticket_id = ?1 ORDER BY id DESC LIMIT 1")                      \
    X(DEFLECTION_ADD, "INSERT INTO deflections (article_id, created_at) SELECT id, ?2"         \
                      " FROM articles WHERE id = ?1 AND audience = 'public'"                   \
                      " AND status = 'published'")                                             \
    X(DEFLECTION_DAYS, "SELECT created_at - created_at % 86400000, count(*) FROM deflections"  \
                       " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1 ORDER BY 1")
/* clang-format on */

#endif
