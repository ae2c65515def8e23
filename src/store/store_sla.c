/* The SLA clocks' records: backend dispatch (store_sla.h). */
#include "store_sla_int.h"

#define SOPS(tx) ((tx)->st->ops->sla)

enum terr store_pause_list(struct store_tx *tx, int64_t ticket_id, struct sla_pause **out,
                           size_t *n_out)
{
    return SOPS(tx)->pause_list(tx->conn, ticket_id, out, n_out);
}
enum terr store_pause_open(struct store_tx *tx, int64_t ticket_id, int64_t from)
{
    return SOPS(tx)->pause_open(tx->conn, ticket_id, from);
}
enum terr store_pause_close(struct store_tx *tx, int64_t ticket_id, int64_t to)
{
    return SOPS(tx)->pause_close(tx->conn, ticket_id, to);
}
enum terr store_sla_alert_insert(struct store_tx *tx, int64_t ticket_id, enum sla_metric metric,
                                 int64_t started_at, int percent, int64_t at, bool *out_created)
{
    return SOPS(tx)->alert_insert(tx->conn, ticket_id, metric, started_at, percent, at,
                                  out_created);
}
enum terr store_sla_messages(struct store_tx *tx, int64_t ticket_id, struct message **out,
                             size_t *n_out)
{
    return SOPS(tx)->messages(tx->conn, ticket_id, out, n_out);
}
