/* Inside the store: the backend's operations on articles (store_kb.h). */
#ifndef TRUCE_STORE_KB_INT_H
#define TRUCE_STORE_KB_INT_H

#include "store_int.h"
#include "store_kb.h"

struct store_kb_ops {
    enum terr (*insert)(struct store_conn *c, struct article *a);
    enum terr (*get)(struct store_conn *c, int64_t id, const char *slug, struct article *out);
    enum terr (*update)(struct store_conn *c, const struct article *a, int64_t edited_by);
    enum terr (*del)(struct store_conn *c, int64_t id);
    enum terr (*list)(struct store_conn *c, const struct article_query *q, struct article **out,
                      size_t *n_out);
    enum terr (*versions)(struct store_conn *c, int64_t article_id, struct article_version **out,
                          size_t *n_out);
};

extern const struct store_kb_ops sqlite_kb_ops;

#endif
