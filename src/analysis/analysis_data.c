/*
 * Loading the analysis data (lexicons, trigger lists, the category map and
 * the models) once, and the per-thread analyzers that borrow it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/emotion.h"
#include "analysis/lexicon.h"
#include "analysis/model.h"
#include "analysis/triggers.h"
#include "text/stem.h"
#include "util/alloc.h"

static bool cause_parse(const char *s, enum cause *out)
{
    for (int c = CAUSE_COMMUNICATION; c <= CAUSE_HUMAN_FACTORS; c++)
        if (strcmp(s, cause_name((enum cause)c)) == 0) {
            *out = (enum cause)c;
            return true;
        }
    return false;
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* data/categories.txt: "<category> <cause>  # comment" per line. */
static bool load_causes(struct analysis_data *d, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "unable to open '%s'", path);
        return false;
    }
    char line[512];
    size_t lineno = 0, cap = 0;
    bool ok = true;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char cat[ANALYSIS_CATEGORY_MAX], cause[32], extra[2];
        int n = sscanf(line, "%127s %31s %1s", cat, cause, extra);
        if (n <= 0)
            continue;
        enum cause c;
        if (n != 2 || !cause_parse(cause, &c)) {
            snprintf(err, errlen,
                     "'%s' line %zu: expected '<category> <communication|product_service|"
                     "human_factors>'",
                     path, lineno);
            ok = false;
            break;
        }
        if (d->n_causes == cap) {
            cap = cap ? cap * 2 : 16;
            d->causes = xrealloc(d->causes, cap * sizeof *d->causes);
        }
        d->causes[d->n_causes].category = xstrdup(cat);
        d->causes[d->n_causes].cause = c;
        d->n_causes++;
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "unable to read '%s'", path);
        ok = false;
    }
    fclose(f);
    return ok;
}

/* A model file that is absent is fine (the feature is off); one that is
 * present must load. */
static bool load_optional_model(const char *dir, const char *name, struct model **out,
                                char *err, size_t errlen)
{
    *out = NULL;
    if (!dir)
        return true;
    char *path = path_join(dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        free(path);
        return true;
    }
    fclose(f);
    *out = model_load(path, err, errlen);
    free(path);
    return *out != NULL;
}

struct analysis_data *analysis_data_load(const char *dir, const char *models_dir, char *err,
                                         size_t errlen)
{
    struct analysis_data *d = xcalloc(1, sizeof *d);
    snprintf(d->stem_lang, sizeof d->stem_lang, "english");
    char *lex = path_join(dir, "lexicons/vader_lexicon.txt");
    char *emoji = path_join(dir, "lexicons/vader_emoji_utf8_lexicon.txt");
    char *cues = path_join(dir, "lexicons/emotion_cues.txt");
    char *cats = path_join(dir, "categories.txt");
    struct stemmer *st = stemmer_new(d->stem_lang);
    bool ok = st != NULL;
    if (!ok)
        snprintf(err, errlen, "no stemmer for '%s'", d->stem_lang);
    if (ok)
        ok = (d->lexicon = lexicon_load(lex, emoji, err, errlen)) != NULL;
    if (ok)
        ok = (d->cues = emotion_cues_load(cues, err, errlen)) != NULL;
    if (ok)
        ok = (d->triggers = triggers_load(dir, st, err, errlen)) != NULL;
    if (ok)
        ok = load_causes(d, cats, err, errlen);
    if (ok)
        ok = load_optional_model(models_dir, "category.model", &d->category_model, err, errlen);
    if (ok)
        ok = load_optional_model(models_dir, "emotion.model", &d->emotion_model, err, errlen);
    stemmer_free(st);
    free(lex);
    free(emoji);
    free(cues);
    free(cats);
    if (!ok) {
        analysis_data_free(d);
        return NULL;
    }
    return d;
}

void analysis_data_free(struct analysis_data *d)
{
    if (!d)
        return;
    lexicon_free(d->lexicon);
    triggers_free(d->triggers);
    emotion_cues_free(d->cues);
    for (size_t i = 0; i < d->n_causes; i++)
        free(d->causes[i].category);
    free(d->causes);
    model_free(d->category_model);
    model_free(d->emotion_model);
    free(d);
}

struct analyzer *analyzer_new(const struct analysis_data *d)
{
    struct analyzer *a = xcalloc(1, sizeof *a);
    a->d = d;
    a->stemmer = stemmer_new(d->stem_lang);
    if (!a->stemmer)
        BUG("stemmer '%s' vanished after loading", d->stem_lang);
    tokens_init(&a->tokens);
    featvec_init(&a->features);
    size_t n = 1;
    if (d->category_model && model_n_labels(d->category_model) > n)
        n = model_n_labels(d->category_model);
    if (d->emotion_model && model_n_labels(d->emotion_model) > n)
        n = model_n_labels(d->emotion_model);
    a->probs = xcalloc(n, sizeof *a->probs);
    return a;
}

void analyzer_free(struct analyzer *a)
{
    if (!a)
        return;
    stemmer_free(a->stemmer);
    tokens_release(&a->tokens);
    featvec_release(&a->features);
    free(a->probs);
    free(a);
}
