/*
 * A second storage baseline for `make bench`: how many tickets per second
 * SQLite alone can store on this disk when it does what truce does to open a
 * ticket for a new customer (look the customer up, insert customer, email
 * handle, ticket, first message and audit event: six statements) and commits
 * BATCH tickets per fsync, as truce's group commit does.  No HTTP, no JSON,
 * no threads: the ceiling a single SQLite writer puts on durable creates.
 *
 * usage: sqlite_tickets DB_PATH SECONDS BATCH
 * DB_PATH must be a fresh database made by `truce init` (truce's own schema,
 * indexes and journal settings).  Prints one line:
 * "sqlite_tickets: N tickets in S s: R tickets/s (BATCH per commit)".
 */
#define _POSIX_C_SOURCE 200809L

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const sql[] = {
    "SELECT id FROM customers WHERE email = ?1",
    "INSERT INTO customers (name, email, created_at) VALUES ('Bench Customer', ?1, ?2)",
    "INSERT INTO customer_handles (customer_id, channel, handle) VALUES (?1, 'email', ?2)",
    "INSERT INTO tickets (subject, status, priority, channel, customer_id, created_at,"
    " updated_at, risk, level, tags) VALUES ('Order has not arrived', 'new', 'normal',"
    " 'email', ?1, ?2, ?2, 0, 'calm', '[]')",
    "INSERT INTO messages (ticket_id, author_kind, author_id, body, internal, channel,"
    " created_at) VALUES (?1, 'customer', ?2, 'Hello, I ordered a kettle ten days ago and the"
    " tracking page still says label created. Could you tell me where it is? Thanks.', 0,"
    " 'email', ?3)",
    "INSERT INTO events (actor_kind, actor_id, action, target_kind, target_id, ticket_id,"
    " after, created_at) VALUES ('agent', 1, 'ticket.create', 'ticket', ?1, ?1,"
    " '{\"assignee_id\":null,\"category\":null,\"level\":\"calm\",\"priority\":\"normal\","
    "\"risk\":0,\"status\":\"new\",\"subject\":\"Order has not arrived\",\"tags\":[]}', ?2)",
};
enum { FIND, CUSTOMER, HANDLE, TICKET, MESSAGE, EVENT, N_STMTS };

static int fail_db(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlite_tickets: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no memory");
    sqlite3_close(db);
    return 1;
}

static int step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

int main(int argc, char **argv)
{
    char *end1 = NULL, *end2 = NULL;
    double seconds = argc == 4 ? strtod(argv[2], &end1) : 0;
    long batch = argc == 4 ? strtol(argv[3], &end2, 10) : 0;
    if (argc != 4 || *end1 || *end2 || !(seconds > 0) || batch < 1) {
        fprintf(stderr, "usage: sqlite_tickets DB_PATH SECONDS BATCH\n");
        return 2;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL))
        return fail_db(db, "open");
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                     " PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
                     NULL, NULL, NULL))
        return fail_db(db, "pragmas");
    sqlite3_stmt *st[N_STMTS];
    for (int i = 0; i < N_STMTS; i++)
        if (sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL))
            return fail_db(db, sql[i]);

    long n = 0;
    char email[64];
    double start = now_s(), elapsed;
    do {
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
            return fail_db(db, "begin");
        for (long i = 0; i < batch; i++, n++) {
            sqlite3_int64 t = 1795371457123 + n;
            snprintf(email, sizeof(email), "bench-%ld@example.com", n);
            sqlite3_bind_text(st[FIND], 1, email, -1, SQLITE_STATIC);
            sqlite3_bind_text(st[CUSTOMER], 1, email, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st[CUSTOMER], 2, t);
            if (!step_done(st[FIND]) || !step_done(st[CUSTOMER]))
                return fail_db(db, "customer");
            sqlite3_int64 customer = sqlite3_last_insert_rowid(db);
            sqlite3_bind_int64(st[HANDLE], 1, customer);
            sqlite3_bind_text(st[HANDLE], 2, email, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st[TICKET], 1, customer);
            sqlite3_bind_int64(st[TICKET], 2, t);
            if (!step_done(st[HANDLE]) || !step_done(st[TICKET]))
                return fail_db(db, "ticket");
            sqlite3_int64 ticket = sqlite3_last_insert_rowid(db);
            sqlite3_bind_int64(st[MESSAGE], 1, ticket);
            sqlite3_bind_int64(st[MESSAGE], 2, customer);
            sqlite3_bind_int64(st[MESSAGE], 3, t);
            sqlite3_bind_int64(st[EVENT], 1, ticket);
            sqlite3_bind_int64(st[EVENT], 2, t);
            if (!step_done(st[MESSAGE]) || !step_done(st[EVENT]))
                return fail_db(db, "message");
        }
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
            return fail_db(db, "commit");
        elapsed = now_s() - start;
    } while (elapsed < seconds);
    for (int i = 0; i < N_STMTS; i++)
        sqlite3_finalize(st[i]);
    sqlite3_close(db);
    printf("sqlite_tickets: %ld tickets in %.2f s: %.1f tickets/s (%ld per commit)\n", n, elapsed,
           (double)n / elapsed, batch);
    return 0;
}
