/*
 * The storage baseline for `make bench`: how many durable single-row
 * commits SQLite makes per second on this disk, with the journal settings
 * truce uses (src/store/sqlite/sqlite_conn.c: WAL, synchronous=FULL,
 * foreign_keys=ON, temp_store=MEMORY, no SQLite mutexes).  Each INSERT runs
 * in autocommit mode, so every row is its own transaction and its own fsync;
 * the statement is prepared once.
 *
 * usage: sqlite_insert DB_PATH SECONDS
 * DB_PATH is removed first (with its -wal and -shm) so the run starts fresh.
 * Prints one line: "sqlite_insert: N commits in S s: R commits/s".
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Removes path and its WAL companions; false (with a message) on a real error. */
static int remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[4096];
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        int n = snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        if (n < 0 || (size_t)n >= sizeof(name)) {
            fprintf(stderr, "sqlite_insert: path too long '%s'\n", path);
            return 0;
        }
        if (unlink(name) != 0 && errno != ENOENT) {
            fprintf(stderr, "sqlite_insert: unable to remove '%s': %s\n", name, strerror(errno));
            return 0;
        }
    }
    return 1;
}

static int fail_db(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlite_insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no memory");
    sqlite3_close(db);
    return 1;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    double seconds = argc == 3 ? strtod(argv[2], &end) : 0;
    if (argc != 3 || !*argv[2] || *end || !(seconds > 0)) {
        fprintf(stderr, "usage: sqlite_insert DB_PATH SECONDS\n");
        return 2;
    }
    const char *path = argv[1];
    if (!remove_db(path))
        return 1;

    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK)
        return fail_db(db, "cannot open the database");
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                     " PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
                     " CREATE TABLE item (id INTEGER PRIMARY KEY,"
                     "  created_at INTEGER NOT NULL, body TEXT NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return fail_db(db, "cannot set up the database");

    sqlite3_stmt *ins;
    if (sqlite3_prepare_v3(db, "INSERT INTO item (created_at, body) VALUES (?, ?)", -1,
                           SQLITE_PREPARE_PERSISTENT, &ins, NULL) != SQLITE_OK)
        return fail_db(db, "cannot prepare the insert");

    static const char body[] = "My order has not arrived yet and the tracking page says "
                               "nothing. Can you tell me where it is?";
    long long commits = 0;
    double start = now_s(), elapsed = 0;
    while (elapsed < seconds) {
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)commits);
        sqlite3_bind_text(ins, 2, body, (int)sizeof(body) - 1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            sqlite3_finalize(ins);
            return fail_db(db, "insert failed");
        }
        sqlite3_reset(ins);
        commits++;
        elapsed = now_s() - start;
    }
    sqlite3_finalize(ins);
    if (sqlite3_close(db) != SQLITE_OK)
        return fail_db(db, "cannot close the database");
    printf("sqlite_insert: %lld commits in %.2f s: %.1f commits/s\n", commits, elapsed,
           (double)commits / elapsed);
    return 0;
}
