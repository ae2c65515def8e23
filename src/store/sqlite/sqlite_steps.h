/* SQLite statements of the steps, lessons and problems (joined to SQLITE_STMTS's enum). */
#ifndef TRUCE_SQLITE_STEPS_H
#define TRUCE_SQLITE_STEPS_H

/* clang-format off */
#define LESSON_COLS "id, ticket_id, agent_id, cause, what_went_wrong, prevention, created_at"
#define PROBLEM_COLS                                                                           \
    "id, title, description, category, status, opened_from_ticket, created_by, created_at,"    \
    " updated_at, (SELECT count(*) FROM tickets WHERE tickets.problem_id = problems.id)"

#define SQLITE_STEP_STMTS(X)                                                                   \
    X(STEP_MARK_INSERT, "INSERT INTO step_marks (ticket_id, step, done, agent_id, reason, at)" \
                        " VALUES (?, ?, ?, ?, ?, ?)")                                          \
    X(STEP_MARK_LIST, "SELECT step, done, agent_id, reason, at FROM step_marks"                \
                      " WHERE ticket_id = ? ORDER BY id")                                      \
    /* The coach review's facts, parsed by SQLite: no body is read and no  */                \
    /* JSON tree built (coach_review_to_json writes the review).            */                \
    X(STEP_REPLIES, "SELECT id, created_at, coalesce(json_valid(coach), 0),"                  \
                    " CASE WHEN json_valid(coach) THEN"                                        \
                    "  coalesce(json_extract(coach, '$.customer_upset'), 0) END,"              \
                    " CASE WHEN json_valid(coach) THEN"                                        \
                    "  coalesce(json_extract(coach, '$.company_fault'), 0) END,"               \
                    " CASE WHEN json_valid(coach) THEN (SELECT group_concat("                  \
                    "  json_extract(value, '$.kind'), ' ') FROM json_each(coach, '$.findings')) END" \
                    " FROM messages WHERE ticket_id = ?1 AND author_kind = 'agent'"            \
                    " AND internal = 0 ORDER BY id")                                           \
    X(STEP_OFFERS, "SELECT id, decided_at FROM offers WHERE ticket_id = ?"                     \
                   " AND state = 'approved' ORDER BY id")                                      \
    /* An agent's PATCH that set the category, or kept it and made it the       */             \
    /* agent's (category_by_agent false -> true: the analysis's guess confirmed). */           \
    X(STEP_CATEGORY_AT, "SELECT coalesce(max(created_at), 0) FROM events"                      \
                        " WHERE ticket_id = ?1 AND action = 'ticket.update'"                   \
                        " AND actor_kind = 'agent'"                                            \
                        " AND json_extract(after, '$.category') IS NOT NULL"                   \
                        " AND (json_extract(before, '$.category')"                             \
                        "      IS NOT json_extract(after, '$.category')"                       \
                        "  OR (json_extract(after, '$.category_by_agent') = 1"                 \
                        "      AND coalesce(json_extract(before, '$.category_by_agent'), 0) = 0))") \
    X(LESSON_INSERT, "INSERT INTO lessons (ticket_id, agent_id, cause, what_went_wrong,"       \
                     " prevention, created_at) VALUES (?, ?, ?, ?, ?, ?)")                     \
    X(LESSON_LIST, "SELECT " LESSON_COLS " FROM lessons WHERE (?1 IS NULL OR ticket_id = ?1)"  \
                   " AND id > ?2 ORDER BY id LIMIT ?3")                                        \
    X(PROBLEM_INSERT, "INSERT INTO problems (title, description, category, status,"            \
                      " opened_from_ticket, created_by, created_at, updated_at)"               \
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")                                      \
    X(PROBLEM_GET, "SELECT " PROBLEM_COLS " FROM problems WHERE id = ?")                       \
    X(PROBLEM_UPDATE, "UPDATE problems SET title = ?2, description = ?3, category = ?4,"       \
                      " status = ?5, updated_at = ?6 WHERE id = ?1")                           \
    X(PROBLEM_LIST, "SELECT " PROBLEM_COLS " FROM problems WHERE (?1 IS NULL OR status = ?1)"  \
                    " AND id > ?2 ORDER BY id LIMIT ?3")                                       \
    X(PROBLEM_TICKETS, "SELECT id FROM tickets WHERE problem_id = ?1 AND id > ?2"              \
                       " ORDER BY id LIMIT ?3")
/* clang-format on */

#endif
