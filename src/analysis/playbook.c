/*
 * De-escalation playbooks (playbook.h): loading data/playbooks/, choosing,
 * and the merged, personalised JSON view.
 *
 * Data.  struct playbooks holds one struct playbook per level above calm
 * (level[l - 1]) and one per trigger kind that has a playbook (trigger[k],
 * has_trigger[k]).  A playbook owns its title and its items, kept per
 * section in file order, at most PLAYBOOK_ITEMS_MAX each; the steps keep
 * their kind (first/ack/act/tone) beside their text, the tag cut off.  After
 * a successful load every file of the table below is present, every
 * required section is non-empty and every playbook has a concrete step, so
 * choosing and merging never meet a hole.  Read-only afterwards.
 *
 * Merging.  The picked playbooks' items are gathered in pick order into
 * fixed arrays of borrowed pointers, each text once (exact comparison: the
 * files reuse a sentence word for word where two playbooks give the same
 * advice, so it shows once).  The style decides which steps and in what
 * order (README.md in data/playbooks has the table).
 */
#include "analysis/playbook.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/datafile.h"
#include "util/alloc.h"

#define PLAYBOOK_ITEMS_MAX 16 /* per section: a playbook is a checklist, not a manual */
#define N_LEVELS           3  /* tense, heated, hostile; calm has none */

/*
 * Style thresholds, on the customer's latest emotions (0..1).  Distraught:
 * disappointment or anxiety clearly present, or anger that comes with some
 * disappointment (hurt rather than only cross).  Wants facts: asks or gives
 * concrete things while no negative emotion is more than faint; a calm
 * question about a refund date wants the date, not sympathy.  Distraught
 * wins over wanting facts.
 */
#define DISTRESS_MIN   0.5 /* disappointment or anxiety at least this: distraught */
#define ANGER_HIGH     0.5 /* anger at least this ... */
#define ANGER_HURT     0.3 /* ... with disappointment at least this: distraught */
#define FACTS_CALM_MAX 0.4 /* wants facts only when every negative emotion is below this */

enum section {
    SEC_STEPS,
    SEC_EMPATHETIC,
    SEC_DIRECT,
    SEC_AVOID,
    SEC_PHRASINGS,
    SEC_INVOLVE,
    N_SECTIONS
};
static const char *const section_names[N_SECTIONS] = {"steps", "empathetic", "direct",
                                                      "avoid", "phrasings",  "involve"};
static const bool section_required[N_SECTIONS] = {true, false, false, true, true, true};

enum step_kind { STEP_FIRST, STEP_ACK, STEP_ACT, STEP_TONE, N_STEP_KINDS };
static const char *const step_tags[N_STEP_KINDS] = {"first", "ack", "act", "tone"};

struct playbook {
    char file[64]; /* "hostile.txt" */
    int trigger;   /* its trigger kind, or -1 for a level's playbook */
    char *title;   /* owned */
    char *items[N_SECTIONS][PLAYBOOK_ITEMS_MAX]; /* owned; steps without their tag */
    size_t n[N_SECTIONS];
    enum step_kind kinds[PLAYBOOK_ITEMS_MAX]; /* of items[SEC_STEPS] */
};

struct playbooks {
    struct playbook level[N_LEVELS]; /* level[l - 1] for tense, heated, hostile */
    struct playbook trigger[N_TRIGGER_KINDS];
    bool has_trigger[N_TRIGGER_KINDS];
};

/* The triggers with a playbook, most serious first: danger to a person,
 * then legal exposure, then harm to the agent, then reputation, then the
 * relationship, then the handling of the case. */
static const enum trigger_kind by_seriousness[] = {
    TRIG_SAFETY, TRIG_LEGAL, TRIG_ABUSE, TRIG_PUBLIC, TRIG_CHURN, TRIG_ESCALATION, TRIG_REPEAT,
};
#define N_PLAYBOOK_TRIGGERS (sizeof by_seriousness / sizeof by_seriousness[0])

const char *playbook_style_name(enum playbook_style s)
{
    static const char *const names[] = {"standard", "empathetic", "direct"};
    return (unsigned)s < 3 ? names[s] : "standard";
}

const char *playbook_file(const struct playbook *pb)
{
    return pb->file;
}

const char *playbook_title(const struct playbook *pb)
{
    return pb->title;
}

static char *skip_blanks(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* "[name]" -> the section, or false with the error recorded. */
static bool parse_header(struct datafile *df, char *line, enum section *out)
{
    size_t len = strlen(line);
    if (len < 2 || line[len - 1] != ']')
        return datafile_fail(df, "section header '%s' lacks its closing ']'", line);
    line[len - 1] = '\0';
    for (size_t i = 0; i < N_SECTIONS; i++)
        if (strcmp(line + 1, section_names[i]) == 0) {
            *out = (enum section)i;
            return true;
        }
    return datafile_fail(df,
                         "unknown section '[%s]' (known: [steps], [empathetic], [direct], "
                         "[avoid], [phrasings], [involve])",
                         line + 1);
}

/* "ack: text" -> kind and text, or false with the error recorded. */
static bool parse_step(struct datafile *df, char *line, enum step_kind *kind, char **text)
{
    char *colon = strchr(line, ':');
    if (colon) {
        for (size_t i = 0; i < N_STEP_KINDS; i++) {
            size_t n = strlen(step_tags[i]);
            if ((size_t)(colon - line) == n && memcmp(line, step_tags[i], n) == 0) {
                *kind = (enum step_kind)i;
                *text = skip_blanks(colon + 1);
                if (!**text)
                    return datafile_fail(df, "step '%s:' has no text", step_tags[i]);
                return true;
            }
        }
    }
    return datafile_fail(df, "step without its kind: start it with 'first:', 'ack:', 'act:' or "
                             "'tone:'");
}

/* The section opened on line at is complete: it must not be empty. */
static bool close_section(struct datafile *df, const struct playbook *pb, int sec, unsigned at)
{
    if (sec < 0 || pb->n[sec] > 0)
        return true;
    unsigned line = df->line;
    df->line = at;
    datafile_fail(df, "section [%s] is empty", section_names[sec]);
    df->line = line;
    return false;
}

/* Reads dir/file into pb (zeroed by the caller).  False with "path:line:
 * why" in err; whatever was read stays in pb for playbooks_free(). */
static bool load_one(struct playbook *pb, const char *dir, const char *file, int trigger, char *err,
                     size_t errlen)
{
    snprintf(pb->file, sizeof pb->file, "%s", file);
    pb->trigger = trigger;
    struct datafile df;
    if (!datafile_open(&df, dir, file, err, errlen))
        return false;
    int sec = -1; /* the open section, -1 before the first */
    unsigned sec_line = 0;
    bool seen[N_SECTIONS] = {false};
    bool ok = true;
    char *line;
    while (ok && (line = datafile_next(&df)) != NULL) {
        if (line[0] == '[') {
            enum section s = SEC_STEPS;
            ok = close_section(&df, pb, sec, sec_line) && parse_header(&df, line, &s);
            if (ok && seen[s])
                ok = datafile_fail(&df, "section [%s] appears twice", section_names[s]);
            if (ok) {
                seen[s] = true;
                sec = (int)s;
                sec_line = df.line;
            }
        } else if (sec < 0) {
            if (strncmp(line, "title:", 6) != 0)
                ok = datafile_fail(&df, "line outside a section (only 'title:' may come before "
                                        "the first [section])");
            else if (pb->title)
                ok = datafile_fail(&df, "%s", "a second 'title:' line");
            else if (!*skip_blanks(line + 6))
                ok = datafile_fail(&df, "%s", "empty title");
            else
                pb->title = xstrdup(skip_blanks(line + 6));
        } else if (pb->n[sec] == PLAYBOOK_ITEMS_MAX) {
            ok = datafile_fail(&df, "more than %d items in [%s]", PLAYBOOK_ITEMS_MAX,
                               section_names[sec]);
        } else {
            char *text = line;
            if (sec == SEC_STEPS)
                ok = parse_step(&df, line, &pb->kinds[pb->n[sec]], &text);
            if (ok)
                pb->items[sec][pb->n[sec]++] = xstrdup(text);
        }
    }
    if (ok && df.failed) /* the reader's own error (long line, bad UTF-8...) */
        ok = false;
    if (ok)
        ok = close_section(&df, pb, sec, sec_line);
    if (ok && !pb->title)
        ok = datafile_fail(&df, "%s", "no 'title:' line");
    for (size_t i = 0; ok && i < N_SECTIONS; i++)
        if (section_required[i] && !seen[i])
            ok = datafile_fail(&df, "no [%s] section", section_names[i]);
    if (ok) {
        bool concrete = false;
        for (size_t i = 0; i < pb->n[SEC_STEPS]; i++)
            concrete |= pb->kinds[i] == STEP_ACT || pb->kinds[i] == STEP_FIRST;
        if (!concrete)
            ok = datafile_fail(&df, "%s",
                               "no 'act:' or 'first:' step: the direct style would "
                               "have nothing concrete to show");
    }
    datafile_close(&df);
    return ok;
}

struct playbooks *playbooks_load(const char *dir, char *err, size_t errlen)
{
    struct playbooks *p = xcalloc(1, sizeof *p);
    char file[64];
    bool ok = true;
    for (int l = 1; ok && l <= N_LEVELS; l++) {
        snprintf(file, sizeof file, "%s.txt", conflict_level_name((enum conflict_level)l));
        ok = load_one(&p->level[l - 1], dir, file, -1, err, errlen);
    }
    for (size_t i = 0; ok && i < N_PLAYBOOK_TRIGGERS; i++) {
        enum trigger_kind k = by_seriousness[i];
        snprintf(file, sizeof file, "%s.txt", trigger_kind_name(k));
        ok = load_one(&p->trigger[k], dir, file, (int)k, err, errlen);
        p->has_trigger[k] = ok;
    }
    if (!ok) {
        playbooks_free(p);
        return NULL;
    }
    return p;
}

static void playbook_release(struct playbook *pb)
{
    free(pb->title);
    for (size_t s = 0; s < N_SECTIONS; s++)
        for (size_t i = 0; i < pb->n[s]; i++)
            free(pb->items[s][i]);
}

void playbooks_free(struct playbooks *p)
{
    if (!p)
        return;
    for (size_t l = 0; l < N_LEVELS; l++)
        playbook_release(&p->level[l]);
    for (size_t k = 0; k < N_TRIGGER_KINDS; k++)
        playbook_release(&p->trigger[k]);
    free(p);
}

static enum playbook_style style_of(const struct playbook_situation *s)
{
    const double *e = s->emotions;
    if (e[EMO_SADNESS] >= DISTRESS_MIN || e[EMO_FEAR] >= DISTRESS_MIN ||
        (e[EMO_ANGER] >= ANGER_HIGH && e[EMO_SADNESS] >= ANGER_HURT))
        return PLAYBOOK_EMPATHETIC;
    bool calm = e[EMO_ANGER] < FACTS_CALM_MAX && e[EMO_ANNOYANCE] < FACTS_CALM_MAX &&
                e[EMO_SADNESS] < FACTS_CALM_MAX && e[EMO_FEAR] < FACTS_CALM_MAX;
    if (calm && (s->facts || s->questions >= 1))
        return PLAYBOOK_DIRECT;
    return PLAYBOOK_STANDARD;
}

void playbook_choose(const struct playbooks *p, const struct playbook_situation *s,
                     struct playbook_choice *out)
{
    memset(out, 0, sizeof *out);
    out->level = s->level;
    out->style = style_of(s);
    if (!p)
        return;
    if (s->level > CONFLICT_CALM && s->level <= CONFLICT_HOSTILE)
        out->picked[out->n++] = &p->level[s->level - 1];
    for (size_t i = 0; i < N_PLAYBOOK_TRIGGERS && out->n < PLAYBOOK_MAX_PICKED; i++) {
        enum trigger_kind k = by_seriousness[i];
        if ((s->triggers & (1u << k)) && p->has_trigger[k])
            out->picked[out->n++] = &p->trigger[k];
    }
}

/* A merged list: borrowed texts, each once, in the order first added. */
#define MERGED_MAX (PLAYBOOK_MAX_PICKED * 3 * PLAYBOOK_ITEMS_MAX)
struct merged {
    const char *v[MERGED_MAX];
    size_t n;
};

static void merged_add(struct merged *m, const char *text)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i], text) == 0)
            return;
    if (m->n < MERGED_MAX) /* can't overflow: MERGED_MAX bounds what the picks hold */
        m->v[m->n++] = text;
}

/* Adds the steps of every picked playbook whose kind is in the mask. */
static void add_steps(struct merged *m, const struct playbook_choice *c, unsigned kinds)
{
    for (size_t p = 0; p < c->n; p++)
        for (size_t i = 0; i < c->picked[p]->n[SEC_STEPS]; i++)
            if (kinds & (1u << c->picked[p]->kinds[i]))
                merged_add(m, c->picked[p]->items[SEC_STEPS][i]);
}

static void add_section(struct merged *m, const struct playbook_choice *c, enum section sec)
{
    for (size_t p = 0; p < c->n; p++)
        for (size_t i = 0; i < c->picked[p]->n[sec]; i++)
            merged_add(m, c->picked[p]->items[sec][i]);
}

static json_t *merged_json(const struct merged *m)
{
    json_t *a = json_array();
    for (size_t i = 0; i < m->n; i++)
        json_array_append_new(a, json_string(m->v[i]));
    return a;
}

#define KIND(k) (1u << (k))

json_t *playbook_choice_to_json(const struct playbook_choice *c)
{
    if (!c || c->n == 0)
        return json_null();
    struct merged steps = {.n = 0};
    add_steps(&steps, c, KIND(STEP_FIRST));
    switch (c->style) {
    case PLAYBOOK_EMPATHETIC:
        add_steps(&steps, c, KIND(STEP_ACK));
        add_section(&steps, c, SEC_EMPATHETIC);
        add_steps(&steps, c, KIND(STEP_ACT) | KIND(STEP_TONE));
        break;
    case PLAYBOOK_DIRECT:
        add_section(&steps, c, SEC_DIRECT);
        add_steps(&steps, c, KIND(STEP_ACT));
        break;
    case PLAYBOOK_STANDARD:
    default:
        add_steps(&steps, c, KIND(STEP_ACK) | KIND(STEP_ACT) | KIND(STEP_TONE));
        break;
    }
    struct merged lists[3] = {{.n = 0}, {.n = 0}, {.n = 0}};
    add_section(&lists[0], c, SEC_AVOID);
    add_section(&lists[1], c, SEC_PHRASINGS);
    add_section(&lists[2], c, SEC_INVOLVE);

    json_t *triggers = json_array(), *sources = json_array();
    for (size_t p = 0; p < c->n; p++) {
        if (c->picked[p]->trigger >= 0)
            json_array_append_new(
                triggers, json_string(trigger_kind_name((enum trigger_kind)c->picked[p]->trigger)));
        json_array_append_new(sources, json_string(c->picked[p]->file));
    }
    json_t *o = json_object();
    json_object_set_new(o, "style", json_string(playbook_style_name(c->style)));
    json_object_set_new(o, "level", json_string(conflict_level_name(c->level)));
    json_object_set_new(o, "triggers", triggers);
    json_object_set_new(o, "steps", merged_json(&steps));
    json_object_set_new(o, "avoid", merged_json(&lists[0]));
    json_object_set_new(o, "phrasings", merged_json(&lists[1]));
    json_object_set_new(o, "involve", merged_json(&lists[2]));
    json_object_set_new(o, "sources", sources);
    return o;
}
