/* SQLite statements of the offers (joined to SQLITE_STMTS's enum). */
#ifndef TRUCE_SQLITE_OFFERS_H
#define TRUCE_SQLITE_OFFERS_H

/* clang-format off */
#define OFFER_COLS                                                                             \
    "id, ticket_id, kind, amount, currency, state, note, decision_note, proposed_by,"         \
    " proposer_role, proposed_at, decided_by, decided_at"

#define SQLITE_OFFER_STMTS(X)                                                                  \
    X(OFFER_INSERT, "INSERT INTO offers (ticket_id, kind, amount, currency, state, note,"     \
                    " decision_note, proposed_by, proposer_role, proposed_at, decided_by,"    \
                    " decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")                \
    X(OFFER_GET, "SELECT " OFFER_COLS " FROM offers WHERE id = ?")                             \
    /* The guard is in the WHERE: of two racing decisions, one changes the row. */             \
    X(OFFER_DECIDE, "UPDATE offers SET state = ?2, decided_by = ?3, decided_at = ?4,"          \
                    " decision_note = ?5 WHERE id = ?1 AND state = 'pending'")                 \
    X(OFFER_EXISTS, "SELECT 1 FROM offers WHERE id = ?")                                       \
    X(OFFER_LIST_TICKET, "SELECT " OFFER_COLS " FROM offers WHERE ticket_id = ?1"              \
                         " AND (?2 IS NULL OR state = ?2) AND id > ?3 ORDER BY id LIMIT ?4")   \
    /* The approval queue: the literal lets SQLite use the partial index offers_pending. */    \
    X(OFFER_LIST_PENDING, "SELECT " OFFER_COLS " FROM offers WHERE state = 'pending'"          \
                          " AND id > ?1 ORDER BY id LIMIT ?2")                                 \
    X(OFFER_LIST, "SELECT " OFFER_COLS " FROM offers WHERE (?1 IS NULL OR state = ?1)"         \
                  " AND id > ?2 ORDER BY id LIMIT ?3")
/* clang-format on */

#endif
