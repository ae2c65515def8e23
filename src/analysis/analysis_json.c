/*
 * struct msg_analysis <-> JSON, the API's shape and what the store keeps on
 * each message:
 *
 *   {"score": 0..100, "level": "calm|tense|heated|hostile",
 *    "sentiment": {"compound", "pos", "neu", "neg"},
 *    "emotions": {"anger", "annoyance", "disappointment", "anxiety", "gratitude"},
 *    "triggers": [{"kind", "start", "end", "text", "confidence"}],
 *    "category": string|null, "category_confidence", "cause": string|null,
 *    "question": bool, "reasons": [{"text", "weight"}]}
 *
 * Real numbers are rounded to 3 decimals (more is noise to a reader and bloats
 * every stored row).  A trigger's "text" is the message's bytes [start, end),
 * at most TRIGGER_TEXT_MAX bytes of it, never cut inside a character.  The
 * reader is for the desk's own rows: it is tolerant of fields that older
 * versions did not write, and strict about types, since a wrong type means the
 * row is not ours.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/utf8.h"

/* A span's text past this is cut: shouting can cover a whole message. */
#define TRIGGER_TEXT_MAX 1000

static double r3(double x)
{
    return isfinite(x) ? round(x * 1000) / 1000 : 0;
}

/* The longest prefix of s[0..n) of at most max bytes that ends on a character. */
static size_t cut_at_char(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* ---- writing ---------------------------------------------------------------
 *
 * The server stores an analysis with every customer message; building a
 * jansson tree and printing its reals cost more than the analysis itself, so
 * the text is written directly, and the tree (for replies that add to it) is
 * read back from that one text: one writer, one shape. */

static void put_string(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_add(b, "\"", 1);
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) { /* a whole character, or '?' for a byte that starts none */
            size_t k = 1;
            while (k < 4 && i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
                k++;
            if (!utf8_valid(s + i, k)) {
                buf_add(b, "?", 1);
                k = 1;
            } else {
                buf_add(b, s + i, k);
            }
            i += k;
            continue;
        }
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            buf_add(b, esc, 2);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_add(b, esc, 6);
        } else {
            buf_add(b, s + i, 1);
        }
        i++;
    }
    buf_add(b, "\"", 1);
}

/* x rounded to 3 decimals, as jansson prints it: "0.25", "1.0", "-0.5". */
static void put_real(struct buf *b, double x)
{
    x = r3(x);
    if (x == 0) {
        buf_adds(b, "0.0");
        return;
    }
    char num[48];
    int n = snprintf(num, sizeof num, "%.3f", x);
    while (n > 0 && num[n - 1] == '0')
        n--;
    if (num[n - 1] == '.')
        num[n++] = '0';
    buf_add(b, num, (size_t)n);
}

char *analysis_json_text(const struct msg_analysis *m, const char *text, size_t len)
{
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    buf_addf(&b, "{\"score\":%d,\"level\":\"%s\",\"sentiment\":{\"compound\":", m->score,
             conflict_level_name(m->level));
    put_real(&b, m->sentiment.compound);
    buf_adds(&b, ",\"pos\":");
    put_real(&b, m->sentiment.pos);
    buf_adds(&b, ",\"neu\":");
    put_real(&b, m->sentiment.neu);
    buf_adds(&b, ",\"neg\":");
    put_real(&b, m->sentiment.neg);
    buf_adds(&b, "},\"emotions\":{");
    for (int e = 0; e < N_EMOTIONS; e++) {
        buf_addf(&b, "%s\"%s\":", e ? "," : "", emotion_name((enum emotion)e));
        put_real(&b, m->emotions[e]);
    }
    buf_adds(&b, "},\"triggers\":[");
    for (size_t i = 0; i < m->n_triggers && i < ANALYSIS_MAX_TRIGGERS; i++) {
        const struct trigger *t = &m->triggers[i];
        buf_addf(&b, "%s{\"kind\":\"%s\",\"start\":%u,\"end\":%u,\"text\":", i ? "," : "",
                 trigger_kind_name(t->kind), t->start, t->end);
        if (text && t->start <= t->end && t->end <= len)
            put_string(&b, text + t->start,
                       cut_at_char(text + t->start, t->end - t->start, TRIGGER_TEXT_MAX));
        else
            buf_adds(&b, "\"\"");
        buf_adds(&b, ",\"confidence\":");
        put_real(&b, t->confidence);
        buf_adds(&b, "}");
    }
    buf_adds(&b, "],\"category\":");
    size_t cat_len = strnlen(m->category, sizeof m->category);
    if (cat_len)
        put_string(&b, m->category, cat_len);
    else
        buf_adds(&b, "null");
    buf_adds(&b, ",\"category_confidence\":");
    put_real(&b, m->category_confidence);
    const char *cause = cause_name(m->cause);
    buf_addf(&b, ",\"cause\":%s%s%s,\"question\":%s,\"reasons\":[", cause ? "\"" : "",
             cause ? cause : "null", cause ? "\"" : "", m->question ? "true" : "false");
    for (size_t i = 0; i < m->n_reasons && i < ANALYSIS_MAX_REASONS; i++) {
        const struct reason *r = &m->reasons[i];
        buf_adds(&b, i ? ",{\"text\":" : "{\"text\":");
        put_string(&b, r->text, strnlen(r->text, sizeof r->text));
        buf_addf(&b, ",\"weight\":%d}", r->weight);
    }
    buf_adds(&b, "]}");
    return buf_detach(&b, NULL);
}

json_t *analysis_to_json(const struct msg_analysis *m, const char *text, size_t len)
{
    char *t = analysis_json_text(m, text, len);
    json_t *o = json_loads(t, 0, NULL);
    if (!o)
        BUG("an analysis that is not JSON: %s", t);
    free(t);
    return o;
}

/* ---- reading back ---- */

/* Each getter leaves *out alone when the key is absent (or null) and
 * returns false only for a present value of the wrong type. */
static bool get_number(const json_t *o, const char *key, double *out)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return true;
    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return true;
}

static bool get_int(const json_t *o, const char *key, long long lo, long long hi, long long *out)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return false;
    *out = json_integer_value(v);
    return true;
}

static bool get_string(const json_t *o, const char *key, const char **out)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return false;
    *out = json_string_value(v);
    return true;
}

static bool get_object(const json_t *o, const char *key, const json_t **out)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return true;
    if (!json_is_object(v))
        return false;
    *out = v;
    return true;
}

static bool get_array(const json_t *o, const char *key, const json_t **out)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return true;
    if (!json_is_array(v))
        return false;
    *out = v;
    return true;
}

static bool parse_level(const char *s, enum conflict_level *out)
{
    for (int l = CONFLICT_CALM; l <= CONFLICT_HOSTILE; l++)
        if (!strcmp(s, conflict_level_name((enum conflict_level)l))) {
            *out = (enum conflict_level)l;
            return true;
        }
    return false;
}

static enum cause parse_cause(const char *s)
{
    for (int c = CAUSE_COMMUNICATION; c <= CAUSE_HUMAN_FACTORS; c++)
        if (cause_name((enum cause)c) && !strcmp(s, cause_name((enum cause)c)))
            return (enum cause)c;
    return CAUSE_NONE;
}

static bool read_sentiment(const json_t *o, struct msg_analysis *m)
{
    const json_t *s = NULL;
    if (!get_object(o, "sentiment", &s))
        return false;
    return !s || (get_number(s, "compound", &m->sentiment.compound) &&
                  get_number(s, "pos", &m->sentiment.pos) &&
                  get_number(s, "neu", &m->sentiment.neu) &&
                  get_number(s, "neg", &m->sentiment.neg));
}

static bool read_emotions(const json_t *o, struct msg_analysis *m)
{
    const json_t *e = NULL;
    if (!get_object(o, "emotions", &e))
        return false;
    for (int i = 0; e && i < N_EMOTIONS; i++)
        if (!get_number(e, emotion_name((enum emotion)i), &m->emotions[i]))
            return false;
    return true;
}

static bool read_triggers(const json_t *o, struct msg_analysis *m)
{
    const json_t *list = NULL;
    if (!get_array(o, "triggers", &list))
        return false;
    for (size_t i = 0; list && i < json_array_size(list); i++) {
        const json_t *t = json_array_get(list, i);
        const char *kind = NULL;
        long long start = 0, end = 0;
        double conf = 0;
        if (!json_is_object(t) || !get_string(t, "kind", &kind) ||
            !get_int(t, "start", 0, UINT32_MAX, &start) || !get_int(t, "end", 0, UINT32_MAX, &end) ||
            !get_number(t, "confidence", &conf))
            return false;
        enum trigger_kind k;
        if (!kind || !trigger_kind_parse(kind, &k) || m->n_triggers == ANALYSIS_MAX_TRIGGERS)
            continue; /* a kind from a newer version, or more than we keep */
        m->triggers[m->n_triggers++] =
            (struct trigger){.kind = k, .start = (unsigned)start, .end = (unsigned)end,
                             .confidence = conf};
    }
    return true;
}

static bool read_reasons(const json_t *o, struct msg_analysis *m)
{
    const json_t *list = NULL;
    if (!get_array(o, "reasons", &list))
        return false;
    for (size_t i = 0; list && i < json_array_size(list); i++) {
        const json_t *r = json_array_get(list, i);
        const char *text = "";
        long long weight = 0;
        if (!json_is_object(r) || !get_string(r, "text", &text) ||
            !get_int(r, "weight", -1000, 1000, &weight))
            return false;
        if (m->n_reasons == ANALYSIS_MAX_REASONS)
            continue;
        struct reason *x = &m->reasons[m->n_reasons++];
        utf8_sanitize(text, x->text, sizeof x->text);
        x->weight = (int)weight;
    }
    return true;
}

static bool read_analysis(const json_t *o, struct msg_analysis *m)
{
    long long score = 0;
    const char *level = NULL, *category = NULL, *cause = NULL;
    const json_t *q = json_object_get(o, "question");
    if (!get_int(o, "score", 0, 100, &score) || !get_string(o, "level", &level) ||
        !get_string(o, "category", &category) || !get_string(o, "cause", &cause) ||
        !get_number(o, "category_confidence", &m->category_confidence))
        return false;
    if (q && !json_is_null(q) && !json_is_boolean(q))
        return false;
    m->score = (int)score;
    if (!level || !parse_level(level, &m->level))
        m->level = conflict_level_of(m->score);
    if (category)
        utf8_sanitize(category, m->category, sizeof m->category);
    m->cause = cause ? parse_cause(cause) : CAUSE_NONE;
    m->question = json_is_true(q);
    return read_sentiment(o, m) && read_emotions(o, m) && read_triggers(o, m) &&
           read_reasons(o, m);
}

enum terr analysis_from_json(const char *json, struct msg_analysis *out)
{
    if (!json)
        return TERR_INVALID;
    json_t *o = json_loads(json, 0, NULL);
    if (!o)
        return TERR_INVALID;
    struct msg_analysis m;
    memset(&m, 0, sizeof m);
    bool ok = json_is_object(o) && read_analysis(o, &m);
    json_decref(o);
    if (ok)
        *out = m;
    return ok ? TERR_OK : TERR_INVALID;
}
