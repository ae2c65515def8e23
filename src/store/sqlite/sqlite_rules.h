/* SQLite statements of rules, rule states and notifications (joined to SQLITE_STMTS's enum). */
#ifndef TRUCE_SQLITE_RULES_H
#define TRUCE_SQLITE_RULES_H

/* clang-format off */
#define RULE_COLS "id, name, position, spec, created_at, updated_at"
#define NOTIFICATION_COLS "id, agent_id, role, ticket_id, kind, text, created_at, read_at"

#define SQLITE_RULE_STMTS(X)                                                                   \
    X(RULE_INSERT, "INSERT INTO rules (name, position, spec, created_at, updated_at)"          \
                   " VALUES (?, ?, ?, ?, ?)")                                                  \
    X(RULE_GET, "SELECT " RULE_COLS " FROM rules WHERE id = ?")                                \
    X(RULE_UPDATE, "UPDATE rules SET name = ?2, position = ?3, spec = ?4, updated_at = ?5"     \
                   " WHERE id = ?1")                                                           \
    X(RULE_SET_POSITION, "UPDATE rules SET position = ?2 WHERE id = ?1")                       \
    X(RULE_DELETE, "DELETE FROM rules WHERE id = ?")                                           \
    X(RULE_DELETE_ALL, "DELETE FROM rules WHERE ?1 = ?1")                                      \
    X(RULE_LIST, "SELECT " RULE_COLS " FROM rules ORDER BY position, id")                      \
    /* A new random, non-zero tag with every change to the rules. */                           \
    X(RULES_BUMP, "INSERT INTO settings (name, value, created_at)"                             \
                  " VALUES ('rules_version', random() | 1, ?1)"                                \
                  " ON CONFLICT (name) DO UPDATE SET value = excluded.value")                  \
    X(RULES_VERSION, "SELECT value FROM settings WHERE name = 'rules_version'")                \
    X(RULE_STATES_GET, "SELECT rule, fired_at, times, armed, armed_at FROM rule_states"        \
                       " WHERE ticket_id = ? ORDER BY rule")                                   \
    X(RULE_STATE_PUT, "INSERT INTO rule_states (ticket_id, rule, fired_at, times, armed,"      \
                      " armed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id, rule)"     \
                      " DO UPDATE SET fired_at = excluded.fired_at, times = excluded.times,"   \
                      " armed = excluded.armed, armed_at = excluded.armed_at")                 \
    X(RULE_STATES_RENAME, "UPDATE OR REPLACE rule_states SET rule = ?2 WHERE rule = ?1")       \
    X(NOTIFICATION_INSERT, "INSERT INTO notifications (agent_id, role, ticket_id, kind, text," \
                           " created_at) VALUES (?, ?, ?, ?, ?, ?)")                           \
    X(NOTIFICATION_GET, "SELECT " NOTIFICATION_COLS " FROM notifications WHERE id = ?")        \
    /* ?1 the agent, ?2 their role, ?3 unread only, ?4 before this id (0: none) */             \
    X(NOTIFICATION_LIST, "SELECT " NOTIFICATION_COLS " FROM notifications"                     \
                         " WHERE (agent_id = ?1 OR (agent_id IS NULL AND (role = ?2"           \
                         "  OR (?2 = 'admin' AND role = 'lead'))))"                            \
                         " AND (?3 = 0 OR read_at IS NULL) AND (?4 = 0 OR id < ?4)"            \
                         " ORDER BY id DESC LIMIT ?5")                                         \
    X(NOTIFICATION_MARK_READ, "UPDATE notifications SET read_at = ?2"                          \
                              " WHERE id = ?1 AND read_at IS NULL")                             \
    X(NOTIFICATIONS_READ_BEFORE, "UPDATE notifications SET read_at = ?2"                       \
                                 " WHERE created_at < ?1 AND read_at IS NULL")
/* clang-format on */

#endif
