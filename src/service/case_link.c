/* The customer's case link (case_link.h). */
#include "case_link.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/offers.h"

enum terr svc_case_token(struct store_tx *tx, int64_t ticket_id, bool create,
                         char out[LINK_TOKEN_MAX])
{
    unsigned char key[LINK_KEY_LEN];
    enum terr e = link_key_load(tx, CASE_KEY_SETTING, create, key);
    if (!e)
        link_token_make(key, ticket_id, 0, out); /* 0: never expires */
    sodium_memzero(key, sizeof(key));
    return e;
}

enum terr svc_case_ticket(struct store_tx *tx, const char *token, int64_t *out)
{
    unsigned char key[LINK_KEY_LEN];
    int64_t id = 0, expires_at = 0;
    enum terr e = link_key_load(tx, CASE_KEY_SETTING, false, key);
    if (!e)
        e = link_token_open(key, token, &id, &expires_at);
    sodium_memzero(key, sizeof(key));
    if (!e && expires_at != 0)
        e = TERR_NOT_FOUND; /* not a case token: they are made with 0 */
    if (!e)
        *out = id;
    return e;
}

void case_view_release(struct case_view *v)
{
    if (!v)
        return;
    ticket_release(&v->ticket);
    messages_free(v->messages, v->n_messages);
    offer_records_free(v->offers, v->n_offers);
    memset(v, 0, sizeof(*v));
}

/* Keeps the offers the customer may see, in order; frees the others. */
static void keep_visible(struct offer_record *v, size_t *n)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if (offer_customer_visible(&v[i].offer))
            v[kept++] = v[i];
        else
            offer_record_release(&v[i]);
    }
    *n = kept;
}

enum terr svc_case_view(struct store_tx *tx, const char *token, struct case_view *out,
                        struct terr_info *ei)
{
    unsigned char key[LINK_KEY_LEN];
    int64_t id = 0, expires_at = 0;
    enum terr e = link_key_load(tx, CASE_KEY_SETTING, false, key);
    if (!e)
        e = link_token_open(key, token, &id, &expires_at);
    sodium_memzero(key, sizeof(key));
    if (!e && expires_at != 0)
        e = TERR_NOT_FOUND; /* not a case token: they are made with 0 */
    struct case_view v = {0};
    if (!e)
        e = store_ticket_get(tx, id, &v.ticket);
    if (!e) {
        /* The newest CASE_MESSAGES_MAX public messages, oldest first. */
        struct message *all;
        size_t n;
        e = store_message_list(tx, id, false, &all, &n);
        if (!e) {
            size_t skip = n > CASE_MESSAGES_MAX ? n - CASE_MESSAGES_MAX : 0;
            for (size_t i = 0; i < skip; i++)
                message_release(&all[i]);
            if (skip)
                memmove(all, all + skip, (n - skip) * sizeof(*all));
            v.messages = all;
            v.n_messages = n - skip;
        }
    }
    if (!e) {
        struct offer_query q = {.ticket_id = id, .has_state = true, .state = OFFER_STATE_APPROVED};
        e = store_offer_list(tx, &q, &v.offers, &v.n_offers);
        if (!e)
            keep_visible(v.offers, &v.n_offers);
    }
    if (e) {
        case_view_release(&v);
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "no case has this link" : NULL);
    }
    *out = v;
    return TERR_OK;
}
