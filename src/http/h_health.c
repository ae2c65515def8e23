/* GET /: what this server is; GET /healthz: it answers and its database can be read. */
#include "../util/alloc.h"
#include "handlers.h"

static enum terr probe(struct store_tx *tx, void *arg)
{
    int64_t *n = arg;
    return store_agent_count(tx, n);
}

void h_health(struct request *req)
{
    int64_t n = 0;
    enum terr e = store_read(req_store(req), probe, &n);
    if (e) {
        reply_error(req, e, NULL, "the database cannot be read");
        return;
    }
    reply_json(
        req, 200,
        json_pack("{s:s, s:i}", "status", "ok", "schema", store_schema_version(req_store(req))));
}

void h_root(struct request *req)
{
    /* A browser goes to the console; an API client keeps the about-object. */
    if (req_wants_html(req)) {
        req->location = "/app/";
        req->content_type = "text/plain; charset=utf-8";
        reply_raw(req, 302, xstrdup("/app/\n"));
        return;
    }
    reply_json(req, 200,
               json_pack("{s:s, s:s, s:s, s:s}", "name", "truce", "about",
                         "a customer-service desk that turns conflicts into resolved, loyal "
                         "customers",
                         "api", "/api/v1", "health", "/healthz"));
}
