/* Steps, lessons and problems: record helpers and backend dispatch (store_steps.h). */
#include "store_steps_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const problem_status_names[] = {"open", "resolved"};

const char *problem_status_name(enum problem_status s)
{
    return (unsigned)s < 2 ? problem_status_names[s] : "open";
}

bool problem_status_parse(const char *name, enum problem_status *out)
{
    for (size_t i = 0; name && i < 2; i++)
        if (strcmp(name, problem_status_names[i]) == 0) {
            *out = (enum problem_status)i;
            return true;
        }
    return false;
}

void lesson_release(struct lesson *l)
{
    if (!l)
        return;
    free(l->cause);
    free(l->what_went_wrong);
    free(l->prevention);
    memset(l, 0, sizeof(*l));
}

void lessons_free(struct lesson *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        lesson_release(&v[i]);
    free(v);
}

void problem_release(struct problem *p)
{
    if (!p)
        return;
    free(p->title);
    free(p->description);
    free(p->category);
    memset(p, 0, sizeof(*p));
}

void problems_free(struct problem *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        problem_release(&v[i]);
    free(v);
}

#define SOPS(tx) ((tx)->st->ops->steps)

enum terr store_step_mark_insert(struct store_tx *tx, int64_t ticket_id, const struct step_mark *m,
                                 int64_t *out_id)
{
    return SOPS(tx)->mark_insert(tx->conn, ticket_id, m, out_id);
}
enum terr store_step_mark_list(struct store_tx *tx, int64_t ticket_id, struct step_mark **out,
                               size_t *n_out)
{
    return SOPS(tx)->mark_list(tx->conn, ticket_id, out, n_out);
}
enum terr store_step_replies(struct store_tx *tx, int64_t ticket_id, struct step_review **out,
                             size_t *n_out)
{
    return SOPS(tx)->replies(tx->conn, ticket_id, out, n_out);
}
enum terr store_step_offers(struct store_tx *tx, int64_t ticket_id, struct step_item **out,
                            size_t *n_out)
{
    return SOPS(tx)->offers(tx->conn, ticket_id, out, n_out);
}
enum terr store_step_category_at(struct store_tx *tx, int64_t ticket_id, int64_t *out_at)
{
    return SOPS(tx)->category_at(tx->conn, ticket_id, out_at);
}
enum terr store_lesson_insert(struct store_tx *tx, struct lesson *l)
{
    return SOPS(tx)->lesson_insert(tx->conn, l);
}
enum terr store_lesson_list(struct store_tx *tx, int64_t ticket_id, int64_t after_id, size_t limit,
                            struct lesson **out, size_t *n_out)
{
    return SOPS(tx)->lesson_list(tx->conn, ticket_id, after_id, limit, out, n_out);
}
enum terr store_problem_insert(struct store_tx *tx, struct problem *p)
{
    return SOPS(tx)->problem_insert(tx->conn, p);
}
enum terr store_problem_get(struct store_tx *tx, int64_t id, struct problem *out)
{
    return SOPS(tx)->problem_get(tx->conn, id, out);
}
enum terr store_problem_update(struct store_tx *tx, const struct problem *p)
{
    return SOPS(tx)->problem_update(tx->conn, p);
}
enum terr store_problem_list(struct store_tx *tx, bool has_status, enum problem_status status,
                             int64_t after_id, size_t limit, struct problem **out, size_t *n_out)
{
    return SOPS(tx)->problem_list(tx->conn, has_status, status, after_id, limit, out, n_out);
}
enum terr store_problem_tickets(struct store_tx *tx, int64_t problem_id, int64_t after_id,
                                size_t limit, int64_t **out, size_t *n_out)
{
    return SOPS(tx)->problem_tickets(tx->conn, problem_id, after_id, limit, out, n_out);
}
