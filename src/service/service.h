/*
 * Use cases of the desk.  Each runs inside a store transaction the caller
 * opened (store_write for changes, store_read for lookups), so a use case and
 * its audit event commit together or not at all.  On error nothing the use
 * case wrote survives: the store rolls the transaction (or savepoint) back.
 */
#ifndef TRUCE_SERVICE_H
#define TRUCE_SERVICE_H

#include "../domain/model.h"
#include "../store/store.h"
#include "../util/err.h"

/* Who acts: an agent (with their role), a customer, or the system itself. */
enum actor_kind { ACTOR_SYSTEM, ACTOR_AGENT, ACTOR_CUSTOMER };
struct actor {
    enum actor_kind kind;
    int64_t id;
    enum role role;
};

/* Records an audit event; before/after are JSON texts or NULL. */
enum terr svc_audit(struct store_tx *tx, const struct actor *who, const char *action,
                    const char *target_kind, int64_t target_id, int64_t ticket_id,
                    const char *before_json, const char *after_json, int64_t now);

/* The audited view of a ticket (its mutable fields), as JSON; caller frees. */
char *svc_ticket_audit_json(const struct ticket *t);

#endif
