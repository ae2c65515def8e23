/* Inside the store: the backend's operations for the SLA clocks (store_sla.h). */
#ifndef TRUCE_STORE_SLA_INT_H
#define TRUCE_STORE_SLA_INT_H

#include "store_int.h"
#include "store_sla.h"

struct store_sla_ops {
    enum terr (*pause_list)(struct store_conn *c, int64_t ticket_id, struct sla_pause **out,
                            size_t *n_out);
    enum terr (*pause_open)(struct store_conn *c, int64_t ticket_id, int64_t from);
    enum terr (*pause_close)(struct store_conn *c, int64_t ticket_id, int64_t to);
    enum terr (*alert_insert)(struct store_conn *c, int64_t ticket_id, enum sla_metric metric,
                              int64_t started_at, int percent, int64_t at, bool *out_created);
    enum terr (*messages)(struct store_conn *c, int64_t ticket_id, struct message **out,
                          size_t *n_out);
};

extern const struct store_sla_ops sqlite_sla_ops;

#endif
