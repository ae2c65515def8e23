/* Inside the store: the backend's operations on jobs and webhooks (store_jobs.h). */
#ifndef TRUCE_STORE_JOBS_INT_H
#define TRUCE_STORE_JOBS_INT_H

#include "store_int.h"
#include "store_jobs.h"

struct store_jobs_ops {
    enum terr (*job_enqueue)(struct store_conn *c, const struct job_new *in, int64_t *out_id,
                             bool *out_created);
    enum terr (*job_lease)(struct store_conn *c, const char *owner, const char *kinds_json,
                           int64_t now, int64_t lease_ms, size_t limit, struct job **out,
                           size_t *n_out);
    enum terr (*job_next_due)(struct store_conn *c, const char *kinds_json, int64_t *out_at);
    enum terr (*job_complete)(struct store_conn *c, int64_t id, const char *owner, int attempt,
                              int64_t now);
    enum terr (*job_fail)(struct store_conn *c, int64_t id, const char *owner, int attempt,
                          int64_t now, const char *error, int64_t retry_at);
    enum terr (*job_release)(struct store_conn *c, int64_t id, const char *owner, int attempt);
    enum terr (*job_cancel)(struct store_conn *c, int64_t id, int64_t now);
    enum terr (*job_purge)(struct store_conn *c, int64_t before, int64_t *jobs,
                           int64_t *deliveries);
    enum terr (*job_get)(struct store_conn *c, int64_t id, struct job *out);
    enum terr (*job_list)(struct store_conn *c, bool has_state, enum job_state state,
                          int64_t after_id, size_t limit, struct job **out, size_t *n_out);
    enum terr (*webhook_insert)(struct store_conn *c, struct webhook *w);
    enum terr (*webhook_get)(struct store_conn *c, int64_t id, struct webhook *out);
    enum terr (*webhook_list)(struct store_conn *c, const char *event_type, struct webhook **out,
                              size_t *n_out);
    enum terr (*webhook_delete)(struct store_conn *c, int64_t id);
    enum terr (*delivery_insert)(struct store_conn *c, struct webhook_delivery *d);
    enum terr (*delivery_list)(struct store_conn *c, int64_t webhook_id, int64_t after_id,
                               size_t limit, struct webhook_delivery **out, size_t *n_out);
};

extern const struct store_jobs_ops sqlite_jobs_ops;

#endif
