/* SQLite statements of the reports (joined to SQLITE_STMTS's enum).  Each
 * takes ?1 from and ?2 to (ms, [from, to)).  The trends' aggregates
 * (REP_TICKETS, REP_CATEGORIES) also take ?3 the bucket's length and group
 * by the bucket's index (t - from) / bucket; the *_ROWS statements return
 * a row per record of the range. */
#ifndef TRUCE_SQLITE_REPORTS_H
#define TRUCE_SQLITE_REPORTS_H

/* A public customer message: a condition on the messages table, alone or
 * after an alias and a dot ("p." REP_CUSTOMER: the alias names the first
 * column; `internal` resolves to the innermost messages, the same one). */
#define REP_CUSTOMER " author_kind = 'customer' AND internal = 0"

/* The dimensions of a report_outcome row: the ticket t's assignee (agent
 * a joined on it), channel, category and peak level. */
#define REP_DIMS                                                                                   \
    " coalesce(t.assignee_id, 0), coalesce(a.name, ''), t.channel, coalesce(t.category, ''),"  \
    " t.peak_level"

/* clang-format off */
#define SQLITE_REPORT_STMTS(X)                                                                 \
    X(REP_TICKETS, "SELECT (created_at - ?1) / ?3, peak_level, channel, count(*) FROM tickets" \
                   " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2, 3")              \
    X(REP_CATEGORIES, "SELECT (created_at - ?1) / ?3, coalesce(category, ''), count(*)"        \
                      " FROM tickets WHERE created_at >= ?1 AND created_at < ?2"               \
                      " GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2")                                  \
    X(REP_TICKET_ROWS,                                                                         \
      "SELECT t.id, coalesce(t.assignee_id, 0), coalesce(a.name, ''),"                         \
      " coalesce(t.category, ''), t.created_at, coalesce(t.first_response_at, 0),"             \
      " coalesce(t.resolved_at, 0), t.peak_level,"                                             \
      " t.status IN ('resolved', 'closed') OR EXISTS (SELECT 1 FROM events e"                  \
      "  WHERE e.ticket_id = t.id AND e.action = 'ticket.update'"                              \
      "  AND json_extract(e.after, '$.status') IN ('resolved', 'closed')),"                    \
      " EXISTS (SELECT 1 FROM events e WHERE e.ticket_id = t.id"                               \
      "  AND e.action = 'ticket.update'"                                                       \
      "  AND json_extract(e.before, '$.status') IN ('resolved', 'closed')"                     \
      "  AND json_extract(e.after, '$.status') IN ('new', 'open', 'pending')),"                \
      " t.peak_level IN ('heated', 'hostile') OR EXISTS (SELECT 1 FROM rule_states r"          \
      "  WHERE r.ticket_id = t.id AND r.times > 0), t.channel"                                 \
      " FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id"                             \
      " WHERE t.created_at >= ?1 AND t.created_at < ?2 ORDER BY t.id")                         \
    X(REP_SLA_ROWS,                                                                            \
      "SELECT t.resolved_at," REP_DIMS ", t.breached_at IS NOT NULL OR t.sla_breached != 0"    \
      " FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id"                             \
      " WHERE t.resolved_at >= ?1 AND t.resolved_at < ?2"                                      \
      " AND t.status IN ('resolved', 'closed')")                                               \
    X(REP_SURVEY_ROWS,                                                                         \
      "SELECT s.answered_at," REP_DIMS ", coalesce(s.csat, -1), coalesce(s.nps, -1),"          \
      " coalesce(s.ces, -1) FROM surveys s JOIN tickets t ON t.id = s.ticket_id"               \
      " LEFT JOIN agents a ON a.id = t.assignee_id"                                            \
      " WHERE s.answered_at >= ?1 AND s.answered_at < ?2")                                     \
    X(REP_DEESC_ROWS,                                                                          \
      "WITH replies AS ("                                                                      \
      "  SELECT a.ticket_id AS t, a.id AS id, a.created_at AS at,"                            \
      "   coalesce(a.author_id, 0) AS who,"                                                    \
      "   (SELECT p.analysis FROM messages p WHERE p.ticket_id = a.ticket_id"                  \
      "    AND p." REP_CUSTOMER " AND p.id < a.id ORDER BY p.id DESC LIMIT 1) AS before"       \
      "  FROM messages a WHERE a.author_kind = 'agent' AND a.internal = 0"                     \
      "   AND a.created_at < ?2 AND a.ticket_id IN (SELECT ticket_id FROM messages"            \
      "    WHERE author_kind = 'agent' AND internal = 0"                                       \
      "    AND created_at >= ?1 AND created_at < ?2)),"                                        \
      " heated AS ("                                                                           \
      "  SELECT t, id, at, who, json_extract(before, '$.score') AS before_score,"              \
      "   row_number() OVER (PARTITION BY t ORDER BY id) AS k FROM replies"                    \
      "  WHERE json_extract(before, '$.level') IN ('heated', 'hostile')),"                     \
      " firsts AS ("                                                                           \
      "  SELECT t AS ticket, at, who, before_score,"                                           \
      "   (SELECT json_extract(n.analysis, '$.score') FROM messages n"                         \
      "    WHERE n.ticket_id = heated.t AND n." REP_CUSTOMER " AND n.id > heated.id"           \
      "    ORDER BY n.id LIMIT 1) AS after_score"                                              \
      "  FROM heated WHERE k = 1 AND at >= ?1)"                                                \
      " SELECT f.at, f.who, coalesce(a.name, ''), t.channel, coalesce(t.category, ''),"        \
      " t.peak_level, f.after_score < f.before_score FROM firsts f"                            \
      " JOIN tickets t ON t.id = f.ticket LEFT JOIN agents a ON a.id = f.who"                  \
      " WHERE f.after_score IS NOT NULL")                                                      \
    X(REP_MESSAGE_ROWS,                                                                        \
      "SELECT ticket_id, created_at, body FROM messages"                                       \
      " WHERE created_at >= ?1 AND created_at < ?2 AND" REP_CUSTOMER " ORDER BY ticket_id, created_at, id")
/* clang-format on */

#endif
