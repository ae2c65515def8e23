/* Inside the store: the backend's operations for search (store_search.h). */
#ifndef TRUCE_STORE_SEARCH_INT_H
#define TRUCE_STORE_SEARCH_INT_H

#include "store_int.h"
#include "store_search.h"

struct store_search_ops {
    /* At most `want` article hits (title, snippet, score, slug, audience, status). */
    enum terr (*articles)(struct store_conn *c, const struct search_query *q, size_t want,
                          struct search_hit **out, size_t *n_out);
    /* At most `want` ticket hits, snippets of the best message or subject. */
    enum terr (*tickets)(struct store_conn *c, const struct search_query *q, size_t want,
                         struct search_hit **out, size_t *n_out);
    enum terr (*source)(struct store_conn *c, int64_t ticket_id, struct search_source *out);
    enum terr (*resolution)(struct store_conn *c, int64_t ticket_id, struct resolution *out);
    enum terr (*deflection_add)(struct store_conn *c, int64_t article_id, int64_t at);
    enum terr (*deflection_days)(struct store_conn *c, int64_t from, int64_t to,
                                 struct deflection_day **out, size_t *n_out);
};

extern const struct store_search_ops sqlite_search_ops;

#endif
