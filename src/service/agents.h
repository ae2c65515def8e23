/* Use cases on agents and their credentials: accounts, API tokens, sessions. */
#ifndef TRUCE_SVC_AGENTS_H
#define TRUCE_SVC_AGENTS_H

#include "../util/secret.h"
#include "service.h"

#define SESSION_TTL_MS (12LL * 3600 * 1000)

/* Creates an agent; password_hash (an Argon2id string) may be NULL for a
 * token-only account.  TERR_CONFLICT if the email is taken.  Sets a->id. */
enum terr svc_agent_create(struct store_tx *tx, const struct actor *who, struct agent *a,
                           const char *password_hash, struct terr_info *ei);

/* The fields an agent update may change; has_* says which are present.
 * Strings and lists are borrowed. */
struct agent_patch {
    bool has_name, has_role, has_skills, has_languages, has_channels, has_teams, has_available;
    const char *name;
    enum role role;
    struct strlist skills;    /* labels (label_valid, LIMIT_SKILL), at most LIMIT_SKILLS */
    struct strlist languages; /* BCP 47-ish tags: letters, digits, '-', 1..35 bytes */
    struct strlist channels;  /* channel names (channel_parse) */
    struct strlist teams;     /* labels, as skills */
    bool available;           /* false: away, gets no new tickets */
};

/* Updates agent id.  An admin may change every field; anyone else only
 * their own "available" (TERR_FORBIDDEN otherwise, nothing written); the
 * last admin keeps the role (TERR_CONFLICT, "role").  Bad
 * values are TERR_INVALID naming the field; duplicates in a list are
 * dropped.  Audits "agent.update" with the changed fields before and
 * after.  When the change leaves the agent able to take tickets and touched
 * what routing weighs (availability, role, skills, languages, channels,
 * teams), the open tickets waiting unassigned are routed again
 * (svc_routing_waiting), in the same transaction.  On success *out (may be
 * NULL) is the agent as stored now (release with agent_release).
 * TERR_NOT_FOUND for an unknown id. */
enum terr svc_agent_update(struct store_tx *tx, const struct actor *who, int64_t id,
                           const struct agent_patch *p, struct agent *out, struct terr_info *ei);

/* Issues an API token for an agent; the token (shown once) goes to out. */
enum terr svc_token_create(struct store_tx *tx, const struct actor *who, int64_t agent_id,
                           const char *label, char out[SECRET_TOKEN_MAX], struct terr_info *ei);

/* Revokes one token (token != NULL), or every token and session of
 * agent_id; audits it against the agent; *n_out counts the tokens revoked.  A running server may
 * still accept a revoked token for TOKEN_CACHE_TTL_MS (its cache). */
enum terr svc_token_revoke(struct store_tx *tx, const struct actor *who, const char *token,
                           int64_t agent_id, int64_t *n_out, struct terr_info *ei);

/* Opens a session for an agent who proved their password: fills the cookie
 * value and the CSRF token the browser must echo on writes. */
enum terr svc_session_create(struct store_tx *tx, int64_t agent_id, char cookie[SECRET_TOKEN_MAX],
                             char csrf[SECRET_TOKEN_MAX], struct terr_info *ei);
/* Ends the session behind a cookie, audited as the agent's. */
enum terr svc_session_delete(struct store_tx *tx, const struct actor *who, const char *cookie);

/* Who presents the API token with this hash (secret_hash of the token; read
 * transaction).  TERR_UNAUTHORIZED if nobody. */
enum terr svc_auth_token(struct store_tx *tx, const unsigned char hash[SECRET_HASH_LEN],
                         struct agent *out);
/* Who holds this session cookie, and its CSRF token.  TERR_UNAUTHORIZED if
 * unknown or expired. */
enum terr svc_auth_session(struct store_tx *tx, const char *cookie, struct agent *out,
                           char csrf[STORE_CSRF_MAX]);

#endif
