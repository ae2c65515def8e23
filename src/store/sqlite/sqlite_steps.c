/* SQLite backend: step marks, lessons and problems (store_steps.h). */
#include "sqlite_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../store_steps_int.h"

/* SQLite reads a negative LIMIT as "no limit". */
static sqlite3_int64 sql_limit(size_t limit)
{
    return limit ? (sqlite3_int64)limit : -1;
}

/* ---- step marks ---- */

static enum terr sq_mark_insert(struct store_conn *c, int64_t ticket_id, const struct step_mark *m,
                                int64_t *out_id)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_STEP_MARK_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    sq_bind_text(s, 2, step_name(m->step));
    sqlite3_bind_int(s, 3, m->done ? 1 : 0);
    sqlite3_bind_int64(s, 4, m->agent_id);
    sq_bind_text(s, 5, m->reason);
    sqlite3_bind_int64(s, 6, m->at);
    return sq_insert_id(c, s, out_id);
}

static void mark_from_row(sqlite3_stmt *s, struct step_mark *m)
{
    memset(m, 0, sizeof(*m));
    step_parse((const char *)sqlite3_column_text(s, 0), &m->step);
    m->done = sqlite3_column_int(s, 1) != 0;
    m->agent_id = sqlite3_column_int64(s, 2);
    const char *r = (const char *)sqlite3_column_text(s, 3);
    /* The service stored at most STEP_REASON_MAX bytes; cut anything longer. */
    snprintf(m->reason, sizeof(m->reason), "%s", r ? r : "");
    m->at = sqlite3_column_int64(s, 4);
}

static enum terr sq_mark_list(struct store_conn *c, int64_t ticket_id, struct step_mark **out,
                              size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_STEP_MARK_LIST);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    COLLECT_ROWS(c, s, step_mark, mark_from_row, sq_rows_free, out, n_out);
}

/* ---- facts owned by other parts ---- */

/* Whether the space-separated list has the word w. */
static bool has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; p && (p = strstr(p, w)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

static void review_from_row(sqlite3_stmt *s, struct step_review *r)
{
    memset(r, 0, sizeof(*r));
    r->reply.message_id = sqlite3_column_int64(s, 0);
    r->reply.at = sqlite3_column_int64(s, 1);
    r->reply.reviewed = sqlite3_column_int(s, 2) != 0;
    r->reply.customer_upset = sqlite3_column_int(s, 3) != 0;
    r->reply.company_at_fault = sqlite3_column_int(s, 4) != 0;
    const char *kinds = (const char *)sqlite3_column_text(s, 5);
    r->reply.no_acknowledgement = has_word(kinds, "no_acknowledgement");
    r->reply.no_apology = has_word(kinds, "no_apology");
    r->no_next_step = has_word(kinds, "no_next_step");
}

static enum terr sq_replies(struct store_conn *c, int64_t ticket_id, struct step_review **out,
                            size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_STEP_REPLIES);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    COLLECT_ROWS(c, s, step_review, review_from_row, sq_rows_free, out, n_out);
}

static void item_from_row(sqlite3_stmt *s, struct step_item *it)
{
    it->id = sqlite3_column_int64(s, 0);
    it->at = sqlite3_column_int64(s, 1);
}

static enum terr sq_offers(struct store_conn *c, int64_t ticket_id, struct step_item **out,
                           size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_STEP_OFFERS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    COLLECT_ROWS(c, s, step_item, item_from_row, sq_rows_free, out, n_out);
}

static enum terr sq_category_at(struct store_conn *c, int64_t ticket_id, int64_t *out_at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_STEP_CATEGORY_AT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out_at = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : sq_error(c, rc);
}

/* ---- lessons ---- */

static enum terr sq_lesson_insert(struct store_conn *c, struct lesson *l)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_LESSON_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, l->ticket_id);
    sq_bind_id(s, 2, l->agent_id);
    sq_bind_text(s, 3, l->cause);
    sq_bind_text(s, 4, l->what_went_wrong);
    sq_bind_text(s, 5, l->prevention);
    sqlite3_bind_int64(s, 6, l->created_at);
    return sq_insert_id(c, s, &l->id);
}

static void lesson_from_row(sqlite3_stmt *s, struct lesson *l)
{
    memset(l, 0, sizeof(*l));
    l->id = sqlite3_column_int64(s, 0);
    l->ticket_id = sqlite3_column_int64(s, 1);
    l->agent_id = sqlite3_column_int64(s, 2);
    l->cause = sq_col_text(s, 3);
    l->what_went_wrong = sq_col_text(s, 4);
    l->prevention = sq_col_text(s, 5);
    l->created_at = sqlite3_column_int64(s, 6);
}

static enum terr sq_lesson_list(struct store_conn *c, int64_t ticket_id, int64_t after_id,
                                size_t limit, struct lesson **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_LESSON_LIST);
    if (!s)
        return TERR_STORAGE;
    sq_bind_id(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, after_id);
    sqlite3_bind_int64(s, 3, sql_limit(limit));
    COLLECT_ROWS(c, s, lesson, lesson_from_row, lessons_free, out, n_out);
}

/* ---- problems ---- */

static void problem_from_row(sqlite3_stmt *s, struct problem *p)
{
    memset(p, 0, sizeof(*p));
    p->id = sqlite3_column_int64(s, 0);
    p->title = sq_col_text(s, 1);
    p->description = sq_col_text(s, 2);
    if (!p->description)
        p->description = xstrdup("");
    p->category = sq_col_text(s, 3);
    problem_status_parse((const char *)sqlite3_column_text(s, 4), &p->status);
    p->opened_from_ticket = sqlite3_column_int64(s, 5);
    p->created_by = sqlite3_column_int64(s, 6);
    p->created_at = sqlite3_column_int64(s, 7);
    p->updated_at = sqlite3_column_int64(s, 8);
    p->n_tickets = sqlite3_column_int64(s, 9);
}

static enum terr sq_problem_insert(struct store_conn *c, struct problem *p)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_PROBLEM_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, p->title);
    sq_bind_text(s, 2, p->description ? p->description : "");
    sq_bind_text(s, 3, p->category);
    sq_bind_text(s, 4, problem_status_name(p->status));
    sq_bind_id(s, 5, p->opened_from_ticket);
    sq_bind_id(s, 6, p->created_by);
    sqlite3_bind_int64(s, 7, p->created_at);
    sqlite3_bind_int64(s, 8, p->updated_at);
    return sq_insert_id(c, s, &p->id);
}

static enum terr sq_problem_get(struct store_conn *c, int64_t id, struct problem *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_PROBLEM_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        problem_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

static enum terr sq_problem_update(struct store_conn *c, const struct problem *p)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_PROBLEM_UPDATE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, p->id);
    sq_bind_text(s, 2, p->title);
    sq_bind_text(s, 3, p->description ? p->description : "");
    sq_bind_text(s, 4, p->category);
    sq_bind_text(s, 5, problem_status_name(p->status));
    sqlite3_bind_int64(s, 6, p->updated_at);
    enum terr e = sq_exec(c, s);
    return !e && sqlite3_changes(c->db) == 0 ? TERR_NOT_FOUND : e;
}

static enum terr sq_problem_list(struct store_conn *c, bool has_status, enum problem_status status,
                                 int64_t after_id, size_t limit, struct problem **out,
                                 size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_PROBLEM_LIST);
    if (!s)
        return TERR_STORAGE;
    if (has_status)
        sq_bind_text(s, 1, problem_status_name(status));
    sqlite3_bind_int64(s, 2, after_id);
    sqlite3_bind_int64(s, 3, sql_limit(limit));
    COLLECT_ROWS(c, s, problem, problem_from_row, problems_free, out, n_out);
}

static enum terr sq_problem_tickets(struct store_conn *c, int64_t problem_id, int64_t after_id,
                                    size_t limit, int64_t **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_PROBLEM_TICKETS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, problem_id);
    sqlite3_bind_int64(s, 2, after_id);
    sqlite3_bind_int64(s, 3, sql_limit(limit));
    int64_t *v = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        v = xrealloc(v, (n + 1) * sizeof(*v));
        v[n++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        free(v);
        return sq_error(c, rc);
    }
    *out = v;
    *n_out = n;
    return TERR_OK;
}

const struct store_steps_ops sqlite_steps_ops = {
    .mark_insert = sq_mark_insert,
    .mark_list = sq_mark_list,
    .replies = sq_replies,
    .offers = sq_offers,
    .category_at = sq_category_at,
    .lesson_insert = sq_lesson_insert,
    .lesson_list = sq_lesson_list,
    .problem_insert = sq_problem_insert,
    .problem_get = sq_problem_get,
    .problem_update = sq_problem_update,
    .problem_list = sq_problem_list,
    .problem_tickets = sq_problem_tickets,
};
