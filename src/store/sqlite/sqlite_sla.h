/* SQLite statements of the SLA clocks (joined to SQLITE_STMTS's enum). */
#ifndef TRUCE_SQLITE_SLA_H
#define TRUCE_SQLITE_SLA_H

/* clang-format off */
#define SQLITE_SLA_STMTS(X)                                                                    \
    X(PAUSE_LIST, "SELECT from_at, to_at FROM ticket_pauses WHERE ticket_id = ? ORDER BY id")  \
    X(PAUSE_OPEN, "INSERT INTO ticket_pauses (ticket_id, from_at) VALUES (?, ?)")              \
    X(PAUSE_CLOSE, "UPDATE ticket_pauses SET to_at = max(?2, from_at)"                         \
                   " WHERE ticket_id = ?1 AND to_at IS NULL")                                  \
    X(SLA_ALERT_INSERT, "INSERT INTO sla_alerts (ticket_id, metric, started_at, percent, at)"  \
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")                      \
    X(SLA_MESSAGES, "SELECT author_kind, created_at FROM messages"                             \
                    " WHERE ticket_id = ? AND internal = 0 ORDER BY created_at, id")
/* clang-format on */

#endif
