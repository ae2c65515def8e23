/*
 * The coach's rules (coach_int.h), driven by the lists in data/coach/.
 *
 * Data structure.  Every list file (lists[] below) adds its phrases to one
 * stemmed phrase_set, or to an unstemmed one for lines written "=phrase";
 * a phrase's value indexes entries[], which says its list, an optional
 * severity of its own and an optional suggestion ("phrase => suggestion").
 * "!phrase" is an exception: hits of its list that overlap it are dropped.
 * Each list file may set "%severity", "%message" and "%suggest" for its
 * hits.  settings.txt holds the numeric thresholds, stopwords.txt the words
 * the paraphrase rule ignores.
 *
 * Two kinds of rule:
 *   - phrase rules (blame, defensive, condescending, hollow apology,
 *     negative phrasing, jargon): each surviving hit is a finding on its
 *     span;
 *   - evidence rules (acknowledgement, apology, thanks, next step,
 *     greeting, closing, paraphrase, open question, name): the finding is
 *     the absence of evidence, raised only when the thread calls for it
 *     (the customer showed emotion, the company is at fault, first reply).
 * A hit survives when its words are not all quoted and, unless the phrase
 * carries its own negator, none of its words is negated ("we do not blame
 * you" is not blame).
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/coach_int.h"
#include "analysis/datafile.h"
#include "analysis/lexicon.h"
#include "text/stem.h"
#include "util/alloc.h"

enum list {
    L_HOLLOW,
    L_BLAME,
    L_DEFENSIVE,
    L_CONDESCENDING,
    L_NEGATIVE,
    L_JARGON,
    L_VAGUE,
    L_ACK,
    L_APOLOGY,
    L_THANKS,
    L_NEXT_STEP,
    L_GREETING,
    L_CLOSING,
    L_ASK,
    L_FAULT,
    L_VAGUE_NEED,
    N_LISTS
};

/* The file of each list and the finding it raises (phrase rules) or -1. */
static const struct {
    const char *file;
    int kind;
    enum coach_severity severity;
} lists[N_LISTS] = {
    [L_HOLLOW] = {"hollow_apology.txt", COACH_HOLLOW_APOLOGY, COACH_WARN},
    [L_BLAME] = {"blame.txt", COACH_BLAME, COACH_ERROR},
    [L_DEFENSIVE] = {"defensive.txt", COACH_DEFENSIVE, COACH_WARN},
    [L_CONDESCENDING] = {"condescending.txt", COACH_CONDESCENDING, COACH_ERROR},
    [L_NEGATIVE] = {"negative_phrasing.txt", COACH_NEGATIVE_PHRASING, COACH_WARN},
    [L_JARGON] = {"jargon.txt", COACH_JARGON, COACH_WARN},
    [L_VAGUE] = {"vague_step.txt", -1, COACH_WARN},
    [L_ACK] = {"acknowledgement.txt", -1, COACH_WARN},
    [L_APOLOGY] = {"apology.txt", -1, COACH_WARN},
    [L_THANKS] = {"thanks.txt", -1, COACH_WARN},
    [L_NEXT_STEP] = {"next_step.txt", -1, COACH_WARN},
    [L_GREETING] = {"greeting.txt", -1, COACH_WARN},
    [L_CLOSING] = {"closing.txt", -1, COACH_WARN},
    [L_ASK] = {"question.txt", -1, COACH_WARN},
    [L_FAULT] = {"company_fault.txt", -1, COACH_WARN},
    [L_VAGUE_NEED] = {"vague_need.txt", -1, COACH_WARN},
};

struct entry {
    uint8_t list;
    int8_t severity; /* -1: the list's */
    bool except, has_negator;
    char *suggestion; /* NULL: the list's */
};

struct list_info {
    enum coach_severity severity;
    char *message;
    char *suggestion;
};

struct settings {
    double short_reply_words;   /* below: tweet-style, no greeting or closing expected */
    double wall_words;          /* a draft longer than this is a wall of text */
    double paragraph_words;     /* so is one paragraph longer than this */
    double long_sentence_words; /* a sentence longer than this is hard to read */
    double hard_ease;           /* Flesch ease below this (with enough words) is hard */
    double hard_ease_min_words;
    double emotion_threshold;    /* an emotion this strong calls for acknowledgement */
    double shouting_words;       /* this many words in capitals in a row is shouting */
    double exclamations;         /* a run of this many '!' is shouting */
    double paraphrase_min_words; /* the customer wrote at least this many content words */
    double vague_need_max_words; /* a need this short (content words) is unclear */
};

struct coach_rules {
    struct phrase_set *stemmed, *exact;
    struct entry *entries;
    size_t n_entries, cap_entries;
    struct list_info info[N_LISTS];
    struct settings set;
    char **stopwords; /* sorted stems */
    size_t n_stopwords;
    char **acronyms; /* sorted, case-folded: capitals that are not jargon or shouting */
    size_t n_acronyms;
};

/* --- loading ------------------------------------------------------------ */

struct loader {
    struct coach_rules *r;
    struct datafile df;
    struct tokens tok;
};

static bool add_phrase(struct loader *ld, enum list l, char *s)
{
    struct coach_rules *r = ld->r;
    struct entry en = {.list = (uint8_t)l, .severity = -1};
    en.except = s[0] == '!';
    if (en.except)
        s++;
    bool exact = s[0] == '=';
    if (exact)
        s++;
    char *arrow = strstr(s, "=>");
    if (arrow) {
        char *sug = arrow + 2;
        while (*sug == ' ' || *sug == '\t')
            sug++;
        if (!*sug)
            return datafile_fail(&ld->df, "%s", "'=>' without a suggestion");
        if (strlen(sug) >= COACH_SUGGESTION_MAX)
            return datafile_fail(&ld->df, "suggestion longer than %d bytes",
                                 COACH_SUGGESTION_MAX - 1);
        en.suggestion = xstrdup(sug);
        *arrow = '\0';
    }
    /* A trailing "@info", "@warn" or "@error" sets this phrase's severity. */
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    char *at = strrchr(s, '@');
    if (at && at > s && at[-1] == ' ') {
        if (strcmp(at, "@info") == 0)
            en.severity = COACH_INFO;
        else if (strcmp(at, "@warn") == 0)
            en.severity = COACH_WARN;
        else if (strcmp(at, "@error") == 0)
            en.severity = COACH_ERROR;
        if (en.severity >= 0) {
            *at = '\0';
            for (n = strlen(s); n && s[n - 1] == ' '; n--)
                s[n - 1] = '\0';
        }
    }
    bool ok = true;
    if (tokenize(s, strlen(s), &ld->tok) != TERR_OK || ld->tok.n == 0)
        ok = datafile_fail(&ld->df, "phrase '%s' has no words", s);
    for (size_t i = 0; ok && i < ld->tok.n; i++)
        if (ld->tok.v[i].flags & TOK_NEGATOR)
            en.has_negator = true;
    if (ok && phrase_set_add(exact ? r->exact : r->stemmed, s, (uint32_t)r->n_entries) != TERR_OK)
        ok = datafile_fail(&ld->df, "phrase '%s' has no words or more than %d", s,
                           PHRASE_MAX_TOKENS);
    if (!ok) {
        free(en.suggestion);
        return false;
    }
    if (r->n_entries == r->cap_entries) {
        r->cap_entries = r->cap_entries ? 2 * r->cap_entries : 256;
        r->entries = xrealloc(r->entries, r->cap_entries * sizeof r->entries[0]);
    }
    r->entries[r->n_entries++] = en;
    return true;
}

static bool directive(struct loader *ld, enum list l, char *s)
{
    struct list_info *in = &ld->r->info[l];
    char *val = s + strcspn(s, " \t");
    if (*val)
        *val++ = '\0';
    while (*val == ' ' || *val == '\t')
        val++;
    if (strcmp(s, "%severity") == 0) {
        if (strcmp(val, "info") == 0)
            in->severity = COACH_INFO;
        else if (strcmp(val, "warn") == 0)
            in->severity = COACH_WARN;
        else if (strcmp(val, "error") == 0)
            in->severity = COACH_ERROR;
        else
            return datafile_fail(&ld->df, "severity '%s' is not info, warn or error", val);
        return true;
    }
    char **slot = strcmp(s, "%message") == 0   ? &in->message
                  : strcmp(s, "%suggest") == 0 ? &in->suggestion
                                               : NULL;
    if (!slot)
        return datafile_fail(&ld->df, "unknown directive '%s'", s);
    if (!*val)
        return datafile_fail(&ld->df, "%s without a value", s);
    size_t max = slot == &in->message ? COACH_MESSAGE_MAX : COACH_SUGGESTION_MAX;
    if (strlen(val) >= max)
        return datafile_fail(&ld->df, "%s longer than %zu bytes", s, max - 1);
    free(*slot);
    *slot = xstrdup(val);
    return true;
}

static bool load_list(struct loader *ld, const char *dir, enum list l, char *err, size_t errlen)
{
    ld->r->info[l].severity = lists[l].severity;
    if (!datafile_open(&ld->df, dir, lists[l].file, err, errlen))
        return false;
    char *s;
    bool ok = true;
    while (ok && (s = datafile_next(&ld->df)))
        ok = s[0] == '%' ? directive(ld, l, s) : add_phrase(ld, l, s);
    ok = ok && !ld->df.failed;
    datafile_close(&ld->df);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file of single words, one per line, kept sorted (stemmed when s). */
static bool load_words(struct loader *ld, const char *dir, const char *file, struct stemmer *s,
                       char ***out, size_t *n_out, char *err, size_t errlen)
{
    if (!datafile_open(&ld->df, dir, file, err, errlen))
        return false;
    char *w;
    size_t cap = 0;
    while ((w = datafile_next(&ld->df))) {
        if (strcspn(w, " \t") != strlen(w)) {
            datafile_fail(&ld->df, "'%s' is more than one word", w);
            break;
        }
        for (char *p = w; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        size_t len = strlen(w);
        const char *st = s ? stemmer_stem(s, w, len, &len) : w;
        if (*n_out == cap) {
            cap = cap ? cap * 2 : 128;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n_out)++] = xstrndup(st, len);
    }
    bool ok = !ld->df.failed;
    datafile_close(&ld->df);
    if (*n_out)
        qsort(*out, *n_out, sizeof **out, cmp_str);
    return ok;
}

static bool load_settings(struct loader *ld, const char *dir, char *err, size_t errlen)
{
    static const struct {
        const char *key;
        size_t off;
        double lo, hi;
    } keys[] = {
#define K(name, lo, hi) {#name, offsetof(struct settings, name), lo, hi}
        K(short_reply_words, 1, 1000),
        K(wall_words, 10, 100000),
        K(paragraph_words, 10, 100000),
        K(long_sentence_words, 5, 1000),
        K(hard_ease, 0, 120),
        K(hard_ease_min_words, 1, 100000),
        K(emotion_threshold, 0, 1),
        K(shouting_words, 1, 100),
        K(exclamations, 2, 100),
        K(paraphrase_min_words, 1, 100),
        K(vague_need_max_words, 0, 100),
#undef K
    };
    bool seen[sizeof keys / sizeof keys[0]] = {0};
    if (!datafile_open(&ld->df, dir, "settings.txt", err, errlen))
        return false;
    char *s;
    while ((s = datafile_next(&ld->df))) {
        char *val = s + strcspn(s, " \t=");
        if (*val)
            *val++ = '\0';
        val += strspn(val, " \t=");
        size_t k = 0;
        while (k < sizeof keys / sizeof keys[0] && strcmp(keys[k].key, s) != 0)
            k++;
        if (k == sizeof keys / sizeof keys[0]) {
            datafile_fail(&ld->df, "unknown setting '%s'", s);
            break;
        }
        errno = 0;
        char *end;
        double v = strtod(val, &end);
        if (errno || end == val || *end || !(v >= keys[k].lo && v <= keys[k].hi)) {
            datafile_fail(&ld->df, "%s must be a number from %g to %g", s, keys[k].lo, keys[k].hi);
            break;
        }
        memcpy((char *)&ld->r->set + keys[k].off, &v, sizeof v);
        seen[k] = true;
    }
    bool ok = !ld->df.failed;
    for (size_t k = 0; ok && k < sizeof keys / sizeof keys[0]; k++)
        if (!seen[k])
            ok = datafile_fail(&ld->df, "setting '%s' is missing", keys[k].key);
    datafile_close(&ld->df);
    return ok;
}

struct coach_rules *coach_rules_load(const char *dir, struct stemmer *s, char *err, size_t errlen)
{
    struct coach_rules *r = xcalloc(1, sizeof *r);
    r->stemmed = phrase_set_new(s);
    r->exact = phrase_set_new(NULL);
    struct loader ld = {.r = r};
    tokens_init(&ld.tok);
    bool ok = true;
    for (size_t l = 0; ok && l < N_LISTS; l++)
        ok = load_list(&ld, dir, (enum list)l, err, errlen);
    if (ok)
        ok = load_words(&ld, dir, "stopwords.txt", s, &r->stopwords, &r->n_stopwords, err, errlen);
    if (ok)
        ok = load_words(&ld, dir, "acronyms.txt", NULL, &r->acronyms, &r->n_acronyms, err, errlen);
    if (ok)
        ok = load_settings(&ld, dir, err, errlen);
    tokens_release(&ld.tok);
    if (!ok) {
        coach_rules_free(r);
        return NULL;
    }
    phrase_set_build(r->stemmed);
    phrase_set_build(r->exact);
    return r;
}

void coach_rules_free(struct coach_rules *r)
{
    if (!r)
        return;
    phrase_set_free(r->stemmed);
    phrase_set_free(r->exact);
    for (size_t i = 0; i < r->n_entries; i++)
        free(r->entries[i].suggestion);
    free(r->entries);
    for (size_t l = 0; l < N_LISTS; l++) {
        free(r->info[l].message);
        free(r->info[l].suggestion);
    }
    for (size_t i = 0; i < r->n_stopwords; i++)
        free(r->stopwords[i]);
    free(r->stopwords);
    for (size_t i = 0; i < r->n_acronyms; i++)
        free(r->acronyms[i]);
    free(r->acronyms);
    free(r);
}

/* --- matching ------------------------------------------------------------ */

#define HITS_MAX 1024

struct hit {
    uint32_t first, last; /* token indexes, inclusive */
    uint32_t entry;
};

struct matches {
    struct hit v[HITS_MAX];
    size_t n;
    unsigned present; /* bit per list with a surviving hit */
};

static bool all_quoted(const struct tokens *t, uint32_t first, uint32_t last)
{
    for (uint32_t i = first; i <= last; i++)
        if (!(t->v[i].flags & TOK_QUOTED))
            return false;
    return true;
}

static bool any_negated(const struct tokens *t, uint32_t first, uint32_t last)
{
    for (uint32_t i = first; i <= last; i++)
        if (t->v[i].flags & TOK_NEGATED)
            return true;
    return false;
}

static void collect(const struct coach_rules *r, const struct phrase_set *ps,
                    const struct tokens *t, struct phrase_hit *buf, size_t cap, struct matches *m)
{
    size_t n = phrase_set_match(ps, t, buf, cap);
    if (n > cap)
        n = cap;
    for (size_t i = 0; i < n && m->n < HITS_MAX; i++) {
        const struct entry *en = &r->entries[buf[i].value];
        /* What the customer reports stands even negated or quoted: "never
         * had worse service" still complains about service, and quoting
         * staff ("they said 'we don't care'") is the complaint. */
        bool customer_list = en->list == L_FAULT || en->list == L_VAGUE_NEED;
        if (!en->except && !customer_list &&
            (all_quoted(t, buf[i].first, buf[i].last) ||
             (!en->has_negator && any_negated(t, buf[i].first, buf[i].last))))
            continue;
        m->v[m->n++] = (struct hit){buf[i].first, buf[i].last, buf[i].value};
    }
}

/* By first token, the longer of two hits first: a list's longest phrase
 * wins where its phrases overlap ("as per our policy" over "per our policy"). */
static int cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    if (x->last != y->last)
        return x->last > y->last ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* All surviving hits of the rules' phrases in t; exceptions removed. */
static void match(struct coach *c, const struct tokens *t, struct matches *m)
{
    const struct coach_rules *r = c->d->rules;
    if (c->hits_cap < HITS_MAX) {
        c->hits_cap = HITS_MAX;
        c->hits = xrealloc(c->hits, c->hits_cap * sizeof *c->hits);
    }
    m->n = 0;
    collect(r, r->stemmed, t, c->hits, c->hits_cap, m);
    collect(r, r->exact, t, c->hits, c->hits_cap, m);
    /* Drop the hits an exception of their list overlaps, then the exceptions. */
    size_t kept = 0;
    for (size_t i = 0; i < m->n; i++) {
        const struct entry *en = &r->entries[m->v[i].entry];
        bool drop = en->except;
        for (size_t j = 0; j < m->n && !drop; j++) {
            const struct entry *ex = &r->entries[m->v[j].entry];
            drop = ex->except && ex->list == en->list && m->v[j].first <= m->v[i].last &&
                   m->v[i].first <= m->v[j].last;
        }
        if (!drop)
            m->v[kept++] = m->v[i];
    }
    m->n = kept;
    qsort(m->v, m->n, sizeof m->v[0], cmp_hit);
    m->present = 0;
    for (size_t i = 0; i < m->n; i++)
        m->present |= 1u << r->entries[m->v[i].entry].list;
}

static bool has(const struct matches *m, enum list l)
{
    return (m->present >> l) & 1u;
}

static bool is_stopword(const struct coach_rules *r, const char *stem)
{
    return bsearch(&stem, r->stopwords, r->n_stopwords, sizeof *r->stopwords, cmp_str) != NULL;
}

static bool is_acronym(const struct coach_rules *r, const char *norm)
{
    return bsearch(&norm, r->acronyms, r->n_acronyms, sizeof *r->acronyms, cmp_str) != NULL;
}

/* A content word: a word (or id, number) whose stem is not a stopword. */
static bool content_word(const struct coach_rules *r, const struct tokens *t, size_t i)
{
    const struct token *k = &t->v[i];
    if (k->kind == TOK_ID)
        return true;
    return k->kind == TOK_WORD && k->stem_len >= 3 && !is_stopword(r, tok_stem(t, i));
}

/* What customer message t says of the need: its concrete words (for the
 * paraphrase rule) and whether it says what the customer needs.  One clear
 * message anywhere in the thread makes the need clear.  Returns whether the
 * message gives facts (ids, numbers). */
static bool read_need(const struct coach_rules *r, struct coach_context *x, const struct tokens *t,
                      const struct matches *m)
{
    size_t content = 0;
    bool facts = false;
    for (size_t i = 0; i < t->n; i++) {
        facts |= t->v[i].kind == TOK_ID || t->v[i].kind == TOK_NUMBER;
        if (!content_word(r, t, i))
            continue;
        content++;
        bool vague = false; /* "worst", "joke": how bad, not what */
        for (size_t j = 0; j < m->n && !vague; j++)
            vague = r->entries[m->v[j].entry].list == L_VAGUE_NEED && m->v[j].first <= i &&
                    i <= m->v[j].last;
        x->concrete_words += !vague;
    }
    /* Unclear when the message says little, or only how bad it is. */
    bool unclear = !facts && ((double)content <= r->set.vague_need_max_words ||
                              (has(m, L_VAGUE_NEED) && content <= 8));
    x->need_clear |= !unclear;
    x->need_unclear = !x->need_clear;
    return facts;
}

void coach_rules_read_customer(struct coach *c, const struct tokens *t)
{
    struct matches m;
    match(c, t, &m);
    c->ctx.company_fault |= has(&m, L_FAULT);
    c->ctx.facts |= read_need(c->d->rules, &c->ctx, t, &m);
}

static bool has_clear(const struct coach_rules *r, const struct matches *m, enum list l,
                      enum list without);

void coach_rules_read_earlier(struct coach *c, enum thread_author author, const struct tokens *t)
{
    struct matches m;
    match(c, t, &m);
    if (author == THREAD_CUSTOMER) {
        c->ctx.fault_earlier |= has(&m, L_FAULT);
        (void)read_need(c->d->rules, &c->ctx, t, &m);
    } else if (author == THREAD_AGENT) {
        c->ctx.apologised_before |= has_clear(c->d->rules, &m, L_APOLOGY, L_HOLLOW);
    }
}

/* --- findings ------------------------------------------------------------ */

/* Copies src (NULL: "") into dst[0..cap), cut on a UTF-8 character
 * boundary so the JSON of a finding is always valid. */
static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static void add(struct coach_review *out, enum coach_kind kind, enum coach_severity sev,
                uint32_t start, uint32_t end, const char *message, const char *suggestion)
{
    if (out->n_findings == COACH_MAX_FINDINGS)
        return;
    struct coach_finding *f = &out->findings[out->n_findings++];
    f->kind = kind;
    f->severity = sev;
    f->start = start;
    f->end = end;
    copy_text(f->message, sizeof f->message, message);
    copy_text(f->suggestion, sizeof f->suggestion, suggestion);
}

/* The list's own message, or fallback when the file sets none. */
static const char *msg(const struct coach_rules *r, enum list l, const char *fallback)
{
    return r->info[l].message ? r->info[l].message : fallback;
}

static const char *sug(const struct coach_rules *r, enum list l, const char *fallback)
{
    return r->info[l].suggestion ? r->info[l].suggestion : fallback;
}

/* Phrase rules: a finding per hit of a list that raises one. */
static void phrase_findings(const struct coach_rules *r, const struct tokens *t,
                            const struct matches *m, struct coach_review *out)
{
    uint32_t last_end[N_LISTS] = {0};
    for (size_t i = 0; i < m->n; i++) {
        const struct entry *en = &r->entries[m->v[i].entry];
        if (lists[en->list].kind < 0)
            continue;
        uint32_t start = t->v[m->v[i].first].start, end = t->v[m->v[i].last].end;
        if (start < last_end[en->list] ||
            (last_end[en->list] && last_end[en->list] + 1 >= start && out->n_findings &&
             out->findings[out->n_findings - 1].kind == (enum coach_kind)lists[en->list].kind)) {
            /* Overlaps or touches the previous finding of its list: one finding
             * ("as stated in" + "our conditions of carriage"). */
            struct coach_finding *prev = &out->findings[out->n_findings - 1];
            if (prev->kind == (enum coach_kind)lists[en->list].kind && end > prev->end) {
                prev->end = end;
                last_end[en->list] = end;
            }
            continue;
        }
        last_end[en->list] = end;
        enum coach_severity sev =
            en->severity >= 0 ? (enum coach_severity)en->severity : r->info[en->list].severity;
        add(out, (enum coach_kind)lists[en->list].kind, sev, start, end,
            msg(r, (enum list)en->list, ""),
            en->suggestion ? en->suggestion : sug(r, (enum list)en->list, ""));
    }
}

/* Hits of list l that do not overlap a hit of list without. */
static bool has_clear(const struct coach_rules *r, const struct matches *m, enum list l,
                      enum list without)
{
    for (size_t i = 0; i < m->n; i++) {
        if (r->entries[m->v[i].entry].list != l)
            continue;
        bool overlapped = false;
        for (size_t j = 0; j < m->n && !overlapped; j++)
            overlapped = r->entries[m->v[j].entry].list == without &&
                         m->v[j].first <= m->v[i].last && m->v[i].first <= m->v[j].last;
        if (!overlapped)
            return true;
    }
    return false;
}

static uint32_t first_hit_start(const struct coach_rules *r, const struct tokens *t,
                                const struct matches *m, enum list l, uint32_t *end)
{
    for (size_t i = 0; i < m->n; i++)
        if (r->entries[m->v[i].entry].list == l) {
            *end = t->v[m->v[i].last].end;
            return t->v[m->v[i].first].start;
        }
    *end = 0;
    return 0;
}

/* Capitals: runs of words in capitals (acronyms aside) and runs of '!'. */
static void shouting(const struct coach_rules *r, const struct tokens *t, struct coach_review *out)
{
    size_t run = 0;
    uint32_t run_start = 0;
    for (size_t i = 0; i <= t->n; i++) {
        const struct token *k = i < t->n ? &t->v[i] : NULL;
        bool caps =
            k && k->kind == TOK_WORD && (k->flags & TOK_ALLCAPS) && !is_acronym(r, tok_norm(t, i));
        if (caps) {
            if (!run)
                run_start = k->start;
            run++;
            continue;
        }
        if (k && k->kind != TOK_WORD && run)
            continue; /* punctuation inside a shouted run */
        if ((double)run >= r->set.shouting_words)
            add(out, COACH_SHOUTING, COACH_WARN, run_start, t->v[i - 1].end,
                "Words in capitals read as shouting, and shouting escalates.",
                "Write it in normal case; stress one word with care if you must.");
        run = 0;
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        bool inside = out->n_findings &&
                      out->findings[out->n_findings - 1].kind == COACH_SHOUTING &&
                      k->end <= out->findings[out->n_findings - 1].end;
        if (k->kind == TOK_PUNCT && tok_norm(t, i)[0] == '!' && !inside &&
            (double)k->norm_len >= r->set.exclamations)
            add(out, COACH_SHOUTING, COACH_WARN, k->start, k->end,
                "A row of exclamation marks reads as raised voice or sarcasm.",
                "Use one full stop.");
    }
}

static bool last_word(const struct tokens *t, size_t i)
{
    for (size_t j = i + 1; j < t->n; j++)
        if (t->v[j].kind == TOK_WORD)
            return false;
    return true;
}

/* Capitals outside a shouted run.  An everyday word in capitals ("VERY",
 * "NOT", "PLEASE": a stopword or a lexicon word) is emphasis, and two of
 * them read as a raised voice.  Any other short string of capitals is an
 * acronym the customer may not know, unless acronyms.txt lists it, the
 * jargon list already has it, or brackets explain it. */
static void capitals(const struct coach_rules *r, const struct lexicon *lx, const char *draft,
                     const char *customer_name, const struct tokens *t, const struct matches *m,
                     struct coach_review *out)
{
    size_t emphasis = 0;
    uint32_t first_start = 0, first_end = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        size_t n = k->end - k->start;
        if (k->kind != TOK_WORD || !(k->flags & TOK_ALLCAPS) || n < 2 ||
            is_acronym(r, tok_norm(t, i)))
            continue;
        if ((i > 0 && (t->v[i - 1].flags & TOK_ALLCAPS)) ||
            (i + 1 < t->n && (t->v[i + 1].flags & TOK_ALLCAPS)))
            continue; /* part of a shouted run: shouting() has it */
        double val;
        if (is_stopword(r, tok_stem(t, i)) ||
            (lx && lexicon_get(lx, tok_norm(t, i), k->norm_len, &val))) {
            if (!emphasis++) {
                first_start = k->start;
                first_end = k->end;
            }
            continue;
        }
        if (n > 5)
            continue;
        if ((i + 1 < t->n && draft[t->v[i + 1].start] == '(') ||
            (i > 0 && draft[t->v[i - 1].start] == '('))
            continue;
        if ((k->start > 0 && strchr("^-~/", draft[k->start - 1])) || last_word(t, i))
            continue; /* an agent's initials: "-KC", "^JK", "... Thanks, AB" */
        if (i + 1 < t->n && (t->v[i + 1].flags & TOK_CAPITALISED))
            continue; /* part of a name: "PS Plus", "BA Club" */
        if (customer_name && strncasecmp(customer_name, draft + k->start, n) == 0 &&
            !isalnum((unsigned char)customer_name[n]))
            continue; /* the customer's name, written in capitals */
        bool listed = false;
        for (size_t j = 0; j < m->n && !listed; j++)
            listed = r->entries[m->v[j].entry].list == L_JARGON && m->v[j].first <= i &&
                     i <= m->v[j].last;
        if (!listed)
            add(out, COACH_JARGON, COACH_WARN, k->start, k->end,
                "An acronym the customer may not know.", "Spell it out, or say it in plain words.");
    }
    if (emphasis >= 2)
        add(out, COACH_SHOUTING, COACH_WARN, first_start, first_end,
            "Words in capitals for emphasis read as a raised voice.",
            "Write them in normal case; let the facts carry the weight.");
}

static bool draft_names(const char *draft, size_t len, const char *name)
{
    /* The first name is enough: "Dana" for "Dana Whitfield". */
    size_t n = strcspn(name, " \t");
    if (!n)
        return true;
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(draft + i, name, n) == 0 &&
            (i == 0 || !isalnum((unsigned char)draft[i - 1])) &&
            (i + n == len || !isalnum((unsigned char)draft[i + n])))
            return true;
    return false;
}

/* Words of the draft that echo the customer's content words, hyphens
 * aside: "check-in" (two words) echoes "checkin". */
static size_t echoes(const struct coach_rules *r, const struct coach_context *x, const char *draft,
                     const struct tokens *t)
{
    size_t n = 0;
    char word[64];
    for (size_t i = 0; i < t->n; i++) {
        if (!content_word(r, t, i))
            continue;
        const char *s = tok_stem(t, i);
        size_t len = 0;
        for (size_t j = 0; s[j] && len + 1 < sizeof word; j++)
            if (s[j] != '-')
                word[len++] = s[j];
        word[len] = '\0';
        if (coach_thread_has_stem(x, word)) {
            n++;
            continue;
        }
        if (i + 1 < t->n && t->v[i + 1].start == t->v[i].end + 1 && draft[t->v[i].end] == '-' &&
            t->v[i + 1].kind == TOK_WORD &&
            (size_t)t->v[i].norm_len + t->v[i + 1].norm_len < sizeof word) {
            memcpy(word, tok_norm(t, i), t->v[i].norm_len);
            memcpy(word + t->v[i].norm_len, tok_norm(t, i + 1), t->v[i + 1].norm_len + 1u);
            n += coach_thread_has_stem(x, word);
        }
    }
    return n;
}

/* Paragraphs (split at blank lines) and sentences that are too long. */
static void length_findings(const struct coach_rules *r, const char *draft, size_t len,
                            const struct tokens *t, struct coach_review *out)
{
    const struct settings *s = &r->set;
    if ((double)out->words > s->wall_words) {
        add(out, COACH_WALL_OF_TEXT, COACH_WARN, 0, (uint32_t)len,
            "A reply this long is skimmed, not read: the answer gets lost.",
            "Lead with the answer and the next step; cut the rest or move it to a link.");
    } else {
        size_t words = 0;
        uint32_t pstart = 0;
        for (size_t i = 0; i <= t->n; i++) {
            bool brk = i == t->n;
            if (!brk && i > 0) {
                /* a blank line between the tokens ends a paragraph */
                const char *gap = draft + t->v[i - 1].end;
                size_t glen = t->v[i].start - t->v[i - 1].end;
                const char *nl = memchr(gap, '\n', glen);
                brk = nl && memchr(nl + 1, '\n', glen - (size_t)(nl + 1 - gap));
            }
            if (brk) {
                if ((double)words > s->paragraph_words) {
                    add(out, COACH_WALL_OF_TEXT, COACH_WARN, pstart, t->v[i - 1].end,
                        "One block this long is hard to take in.",
                        "Break it into short paragraphs, one point each.");
                }
                words = 0;
                if (i < t->n)
                    pstart = t->v[i].start;
            }
            if (i < t->n && (t->v[i].kind == TOK_WORD || t->v[i].kind == TOK_NUMBER))
                words++;
        }
    }
    size_t words = 0, first = 0;
    for (size_t i = 0; i <= t->n; i++) {
        if (i == t->n || (i > 0 && t->v[i].sentence != t->v[i - 1].sentence)) {
            if ((double)words > s->long_sentence_words)
                add(out, COACH_HARD_TO_READ, COACH_WARN, t->v[first].start, t->v[i - 1].end,
                    "A sentence this long makes the reader work to follow it.",
                    "Split it into two or three short sentences.");
            words = 0;
            first = i;
        }
        if (i < t->n && (t->v[i].kind == TOK_WORD || t->v[i].kind == TOK_NUMBER))
            words++;
    }
    if ((double)out->words >= s->hard_ease_min_words && out->reading_ease < s->hard_ease)
        add(out, COACH_HARD_TO_READ, COACH_INFO, 0, (uint32_t)len,
            "Long words and long sentences: this reads like a policy, not a person.",
            "Use everyday words and shorter sentences.");
}

/* A sentence that opens with a question word and ends in '?': "What
 * happened at the gate?", "Which card did you use?" ask for what the agent
 * needs to act; "did you get it?" or a guess with a '?' does not. */
static bool asks_open_question(const struct tokens *t)
{
    static const char *const openers[] = {"what", "which", "when",  "where", "who",
                                          "how",  "why",   "could", "would", "can"};
    for (size_t i = 0; i < t->n; i++) {
        if (i > 0 && t->v[i].sentence == t->v[i - 1].sentence)
            continue;
        bool opener = false;
        for (size_t k = 0; k < sizeof openers / sizeof openers[0] && !opener; k++)
            opener = strcmp(tok_norm(t, i), openers[k]) == 0;
        if (!opener)
            continue;
        for (size_t j = i; j < t->n && t->v[j].sentence == t->v[i].sentence; j++)
            if (t->v[j].kind == TOK_PUNCT && strchr(tok_norm(t, j), '?'))
                return true;
    }
    return false;
}

/* Triggers that show a customer's feelings, whatever the emotion scores. */
#define FEELING_TRIGGERS                                                                           \
    ((1u << TRIG_CHURN) | (1u << TRIG_LEGAL) | (1u << TRIG_PUBLIC) | (1u << TRIG_ESCALATION) |     \
     (1u << TRIG_REPEAT) | (1u << TRIG_SHOUTING) | (1u << TRIG_PROFANITY) | (1u << TRIG_ABUSE) |   \
     (1u << TRIG_SAFETY))

/* The customer showed emotion somewhere in the thread: a tense message, a
 * strong negative emotion or sentiment, a trigger that carries feeling, or
 * something we got wrong (nobody is calm about a lost bag). */
static bool upset(const struct coach_rules *r, const struct coach_context *x)
{
    if (x->thread_level >= CONFLICT_TENSE || x->company_fault || x->fault_earlier ||
        (x->all_triggers & FEELING_TRIGGERS) || x->thread_compound <= -0.4)
        return true;
    for (size_t e = 0; e < N_EMOTIONS; e++)
        if (e != EMO_JOY && x->emotion_peak[e] >= r->set.emotion_threshold)
            return true;
    return false;
}

void coach_rules_run(struct coach *c, const char *draft, size_t len, struct coach_review *out)
{
    const struct coach_rules *r = c->d->rules;
    const struct coach_context *x = &c->ctx;
    const struct tokens *t = &c->draft;
    const struct settings *s = &r->set;
    struct matches m;
    match(c, t, &m);

    phrase_findings(r, t, &m, out);
    shouting(r, t, out);
    capitals(r, c->d->analysis->lexicon, draft, x->customer_name, t, &m, out);
    length_findings(r, draft, len, t, out);

    bool apology = has_clear(r, &m, L_APOLOGY, L_HOLLOW);
    bool long_reply = (double)out->words >= s->short_reply_words;
    uint32_t end_of_text = (uint32_t)len;

    if (x->has_customer) {
        bool fault = x->company_fault || (x->fault_earlier && !x->apologised_before);
        /* A sincere apology for what happened acknowledges it too. */
        bool feelings = upset(r, x);
        out->customer_upset = feelings;
        out->company_fault = fault;
        if (feelings && !has(&m, L_ACK) && !apology)
            add(out, COACH_NO_ACKNOWLEDGEMENT, COACH_WARN, 0, 0,
                msg(r, L_ACK, "The customer is upset and the reply does not say so."),
                sug(r, L_ACK,
                    "Name the feeling first: \"I can see how frustrating this has been.\""));
        if (fault && !apology)
            add(out, COACH_NO_APOLOGY, COACH_WARN, 0, 0,
                msg(r, L_APOLOGY,
                    "Something went wrong on our side and the reply does not apologise for it."),
                sug(r, L_APOLOGY, "Own it in plain words: \"I'm sorry we got this wrong.\""));
        if (x->first_reply && !has(&m, L_THANKS))
            add(out, COACH_NO_THANKS, COACH_WARN, 0, 0,
                msg(r, L_THANKS, "A first reply that does not thank the customer for writing."),
                sug(r, L_THANKS, "\"Thank you for letting us know.\""));
        /* A question for the details is a step too: the agent is working
         * on it.  Praise or small talk needs no step. */
        bool asks_detail = asks_open_question(t);
        bool needs_step =
            feelings || fault || x->customer_questions > 0 || x->latest.sentiment.compound < 0.3;
        if (needs_step && !asks_detail && !has_clear(r, &m, L_NEXT_STEP, L_VAGUE)) {
            uint32_t vend, vstart = first_hit_start(r, t, &m, L_VAGUE, &vend);
            add(out, COACH_NO_NEXT_STEP, COACH_WARN, vstart, vend,
                msg(r, L_NEXT_STEP,
                    "The reply does not say what happens next, who does it, or when."),
                sug(r, L_NEXT_STEP,
                    "Give one concrete step with a time: \"I've asked the team to ... and I'll "
                    "update you by ...\""));
        }
        /* A reply to a problem should reflect it; a short request for the
         * details ("DM us your booking number") is not judged on it. */
        bool asks_for_details = asks_detail || has_clear(r, &m, L_NEXT_STEP, L_VAGUE);
        /* Nor is a reply that asks what happened when the customer has not
         * said yet: there is nothing concrete to reflect. */
        if (needs_step && !(out->words < 12 && asks_for_details) &&
            !(x->need_unclear && asks_detail) &&
            (double)x->concrete_words >= s->paraphrase_min_words && echoes(r, x, draft, t) == 0)
            add(out, COACH_NO_PARAPHRASE, COACH_WARN, 0, 0,
                "The reply does not reflect what the customer wrote about.",
                "Restate the problem in a few words so they know you read it.");
        bool asks = has(&m, L_ASK);
        for (size_t i = 0; i < t->n && !asks; i++)
            asks = t->v[i].kind == TOK_PUNCT && strchr(tok_norm(t, i), '?') != NULL;
        if (x->need_unclear && !asks)
            add(out, COACH_NO_OPEN_QUESTION, COACH_WARN, 0, 0,
                "It is not yet clear what the customer needs, and the reply asks nothing.",
                "Ask one open question: \"Could you tell me what happened when you tried?\"");
    }
    if (x->customer_name && !draft_names(draft, len, x->customer_name))
        add(out, COACH_NO_NAME, COACH_WARN, 0, 0,
            "The customer's name is known and the reply does not use it.", "Address them by name.");
    if (long_reply) {
        bool greets = false;
        for (size_t i = 0; i < m.n && !greets; i++)
            greets =
                r->entries[m.v[i].entry].list == L_GREETING && t->v[m.v[i].first].sentence == 0;
        if (!greets)
            add(out, COACH_NO_GREETING, COACH_WARN, 0, 0,
                "A longer reply that starts without a greeting feels abrupt.",
                x->customer_name ? "Open with \"Hi\" and their name." : "Open with \"Hello,\".");
        bool closes = false;
        size_t last_sentence = t->n ? t->v[t->n - 1].sentence : 0;
        for (size_t i = 0; i < m.n && !closes; i++)
            closes = r->entries[m.v[i].entry].list == L_CLOSING &&
                     (size_t)t->v[m.v[i].last].sentence + 2 >= last_sentence;
        if (!closes)
            add(out, COACH_NO_CLOSING, COACH_WARN, end_of_text, end_of_text,
                "A longer reply that stops without a closing line feels cut off.",
                "End with an offer of help and your name: \"If anything else comes up, just reply "
                "here. - Sam\"");
    }
}
