/* Inside the store: the backend's operations on steps, lessons and problems (store_steps.h). */
#ifndef TRUCE_STORE_STEPS_INT_H
#define TRUCE_STORE_STEPS_INT_H

#include "store_int.h"
#include "store_steps.h"

struct store_steps_ops {
    enum terr (*mark_insert)(struct store_conn *c, int64_t ticket_id, const struct step_mark *m,
                             int64_t *out_id);
    enum terr (*mark_list)(struct store_conn *c, int64_t ticket_id, struct step_mark **out,
                           size_t *n_out);
    enum terr (*replies)(struct store_conn *c, int64_t ticket_id, struct step_review **out,
                         size_t *n_out);
    enum terr (*offers)(struct store_conn *c, int64_t ticket_id, struct step_item **out,
                        size_t *n_out);
    enum terr (*category_at)(struct store_conn *c, int64_t ticket_id, int64_t *out_at);
    enum terr (*lesson_insert)(struct store_conn *c, struct lesson *l);
    enum terr (*lesson_list)(struct store_conn *c, int64_t ticket_id, int64_t after_id,
                             size_t limit, struct lesson **out, size_t *n_out);
    enum terr (*problem_insert)(struct store_conn *c, struct problem *p);
    enum terr (*problem_get)(struct store_conn *c, int64_t id, struct problem *out);
    enum terr (*problem_update)(struct store_conn *c, const struct problem *p);
    enum terr (*problem_list)(struct store_conn *c, bool has_status, enum problem_status status,
                              int64_t after_id, size_t limit, struct problem **out, size_t *n_out);
    enum terr (*problem_tickets)(struct store_conn *c, int64_t problem_id, int64_t after_id,
                                 size_t limit, int64_t **out, size_t *n_out);
};

extern const struct store_steps_ops sqlite_steps_ops;

#endif
