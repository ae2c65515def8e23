/* SQLite statements of the job queue and webhooks (joined to SQLITE_STMTS's enum). */
#ifndef TRUCE_SQLITE_JOBS_H
#define TRUCE_SQLITE_JOBS_H

/* clang-format off */
#define JOB_COLS                                                                               \
    "id, kind, ticket_id, payload, dedupe_key, state, run_at, attempts, max_attempts,"        \
    " lease_owner, lease_until, last_error, created_at, done_at"
#define WEBHOOK_COLS "id, url, events, secret, active, created_by, created_at"
#define DELIVERY_COLS                                                                          \
    "id, webhook_id, job_id, event_type, attempt, status, error, duration_ms, at"
/* ?1 now, ?2 the kinds (a JSON array) */
#define JOB_KINDS " kind IN (SELECT value FROM json_each(?2))"

#define SQLITE_JOB_STMTS(X)                                                                    \
    X(JOB_INSERT, "INSERT INTO jobs (kind, ticket_id, payload, dedupe_key, run_at,"            \
                  " max_attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"                    \
                  " ON CONFLICT (dedupe_key) DO NOTHING")                                      \
    X(JOB_NEXT_DUE, "SELECT min(t) FROM ("                                                    \
                    " SELECT min(run_at) AS t FROM jobs WHERE state = 'queued' AND" JOB_KINDS  \
                    " UNION ALL SELECT min(lease_until) + 1 FROM jobs WHERE state = 'running'" \
                    " AND" JOB_KINDS ")")                                                      \
    X(JOB_BY_DEDUPE, "SELECT id FROM jobs WHERE dedupe_key = ?")                              \
    X(JOB_EXHAUST, "UPDATE jobs SET state = 'failed', done_at = ?1, lease_owner = NULL,"       \
                   " lease_until = NULL, last_error = 'the lease of the last attempt expired'" \
                   " WHERE state = 'running' AND lease_until < ?1"                             \
                   " AND attempts >= max_attempts AND" JOB_KINDS)                              \
    /* Two index lookups (due, expired) rather than one scan with OR. */                       \
    X(JOB_LEASE, "UPDATE jobs SET state = 'running', lease_owner = ?3,"                        \
                 " lease_until = ?1 + ?4, attempts = attempts + 1"                             \
                 " WHERE id IN (SELECT id FROM ("                                              \
                 "  SELECT id, run_at FROM jobs WHERE state = 'queued' AND run_at <= ?1"       \
                 "   AND" JOB_KINDS                                                            \
                 "  UNION ALL SELECT id, run_at FROM jobs WHERE state = 'running'"             \
                 "   AND lease_until < ?1 AND" JOB_KINDS                                       \
                 " ) ORDER BY run_at, id LIMIT ?5)"                                            \
                 " RETURNING " JOB_COLS)                                                       \
    X(JOB_COMPLETE, "UPDATE jobs SET state = 'done', done_at = ?4, lease_owner = NULL,"        \
                    " lease_until = NULL"                                                      \
                    " WHERE id = ?1 AND state = 'running' AND lease_owner = ?2"                \
                    " AND attempts = ?3")                                                      \
    X(JOB_FAIL, "UPDATE jobs SET state = CASE WHEN ?5 > 0 THEN 'queued' ELSE 'failed' END,"    \
                " run_at = CASE WHEN ?5 > 0 THEN ?5 ELSE run_at END,"                          \
                " done_at = CASE WHEN ?5 > 0 THEN NULL ELSE ?4 END, last_error = ?6,"          \
                " lease_owner = NULL, lease_until = NULL"                                      \
                " WHERE id = ?1 AND state = 'running' AND lease_owner = ?2 AND attempts = ?3") \
    X(JOB_RELEASE, "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_until = NULL," \
                   " attempts = attempts - 1"                                                  \
                   " WHERE id = ?1 AND state = 'running' AND lease_owner = ?2"                 \
                   " AND attempts = ?3")                                                       \
    X(JOB_CANCEL, "UPDATE jobs SET state = 'cancelled', done_at = ?2, lease_owner = NULL,"     \
                  " lease_until = NULL WHERE id = ?1 AND state IN ('queued', 'running')")      \
    X(JOB_PURGE, "DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled')"             \
                 " AND done_at < ?1")                                                          \
    X(DELIVERY_PURGE, "DELETE FROM webhook_deliveries WHERE at < ?1")                          \
    X(JOB_GET, "SELECT " JOB_COLS " FROM jobs WHERE id = ?")                                   \
    X(JOB_LIST, "SELECT " JOB_COLS " FROM jobs WHERE (?1 IS NULL OR state = ?1) AND id > ?2"   \
                " ORDER BY id LIMIT ?3")                                                       \
    X(WEBHOOK_INSERT, "INSERT INTO webhooks (url, events, secret, active, created_by,"        \
                      " created_at) VALUES (?, ?, ?, ?, ?, ?)")                                \
    X(WEBHOOK_GET, "SELECT " WEBHOOK_COLS " FROM webhooks WHERE id = ?")                       \
    X(WEBHOOK_LIST, "SELECT " WEBHOOK_COLS " FROM webhooks ORDER BY id")                       \
    X(WEBHOOK_MATCHING, "SELECT " WEBHOOK_COLS " FROM webhooks WHERE active = 1 AND EXISTS"    \
                        " (SELECT 1 FROM json_each(webhooks.events) WHERE value IN (?1, '*'))" \
                        " ORDER BY id")                                                        \
    X(WEBHOOK_DELETE, "DELETE FROM webhooks WHERE id = ?")                                     \
    X(DELIVERY_INSERT, "INSERT INTO webhook_deliveries (webhook_id, job_id, event_type,"      \
                       " attempt, status, error, duration_ms, at)"                             \
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")                                     \
    X(DELIVERY_LIST, "SELECT " DELIVERY_COLS " FROM webhook_deliveries"                        \
                     " WHERE webhook_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3")
/* clang-format on */

#endif
