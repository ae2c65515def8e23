/*
 * truce model train|predict|eval: the learnt classifier from the command line.
 *
 * Texts go through the same path as in the desk: UTF-8 checked (bad bytes
 * become '?', and the caller hears about it), tokenized, negation-marked,
 * hashed into features (analysis/features.h) with the valence lexicon when
 * it is found.  train keeps its rows in memory (the bucket count depends on
 * the number of labels, known only at the end); predict and eval stream.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../analysis/features.h"
#include "../analysis/lexicon.h"
#include "../analysis/model.h"
#include "../text/tokenize.h"
#include "../util/buf.h"
#include "../util/csv.h"
#include "../util/utf8.h"
#include "cli.h"

#define DEFAULT_LEXICON "lexicons/vader_lexicon.txt" /* in the data directory */
#define EMOJI_LEXICON   "vader_emoji_utf8_lexicon.txt"

static const char usage[] =
    "usage: truce model train --csv FILE --text COL --label COL [--dev FILE] -o MODEL\n"
    "                         [--epochs N] [--lr X] [--l2 X] [--seed N] [--buckets N]\n"
    "                         [--word-ngrams N] [--char-ngrams MIN-MAX] [--balanced]\n"
    "                         [--lexicon FILE | --no-lexicon] [--cv K]\n"
    "                         [--label-map FILE]\n"
    "       truce model predict --model MODEL [--csv FILE --text COL]\n"
    "                           [--format labels|jsonl] [--lexicon FILE]\n"
    "       truce model eval --model MODEL --csv FILE --text COL --label COL [--json]\n"
    "                        [--lexicon FILE]\n\n"
    "train learns a classifier from labelled rows of a CSV file (rows with an\n"
    "empty label are skipped); with --dev it keeps the epoch that scores best\n"
    "on the dev file and stops when it no longer improves.  Defaults: 20 epochs,\n"
    "lr 0.1, l2 1e-6, seed 1, word bigrams, character 3-4-grams, as many buckets\n"
    "as fit a 16 MB model, the lexicon " DEFAULT_LEXICON " of the data\n"
    "directory ($TRUCE_DATA, else the repository's data/) if present.\n"
    "--label-map FILE trains on groups of labels: '<label> <group>' lines,\n"
    "'* <group>' for every label not listed (else it stays as it is).\n"
    "--cv K writes no model: it prints each epoch's mean scores over a K-fold\n"
    "cross-validation of the training file, to choose options without a dev file.\n"
    "predict prints one label per input text, in order: the --text column of\n"
    "the CSV file, or each line of standard input.\n"
    "eval prints accuracy, macro-F1, per-label precision/recall/F1 and the\n"
    "confusion matrix of the model on a labelled CSV file.\n";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Turning text into features -------------------------------------- */

struct featurizer {
    struct feat_config cfg;
    struct lexicon *lx;
    struct tokens toks;
    struct featvec fv;
    char *clean; /* sanitized copy of a text with bad UTF-8 */
    size_t clean_cap;
    size_t n_bad_utf8;
    size_t first_bad_line;
};

static void featurizer_release(struct featurizer *z)
{
    lexicon_free(z->lx);
    tokens_release(&z->toks);
    featvec_release(&z->fv);
    free(z->clean);
}

/* Loads the lexicon: path given, or the default when it exists.  want is
 * false for --no-lexicon.  Returns 0, or 1 after printing why not. */
static int load_lexicon(struct featurizer *z, const char *path, bool want, bool required)
{
    z->lx = NULL;
    if (!want)
        return 0;
    struct stat st;
    char dflt[PATH_MAX + 64];
    if (!path) {
        char dir[PATH_MAX];
        cli_data_dir(NULL, dir, sizeof(dir));
        snprintf(dflt, sizeof(dflt), "%s/%s", dir, DEFAULT_LEXICON);
        if (stat(dflt, &st) != 0) {
            if (required)
                return fail(1,
                            "the model uses lexicon features and '%s' is missing; "
                            "give --lexicon FILE",
                            dflt);
            return 0;
        }
        path = dflt;
    }
    /* The emoji lexicon is taken from beside the word lexicon when there. */
    size_t n = strlen(path) + sizeof(EMOJI_LEXICON) + 1;
    char *emoji = xmalloc(n);
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0;
    snprintf(emoji, n, "%.*s%s", (int)dir, path, EMOJI_LEXICON);
    char err[256];
    z->lx = lexicon_load(path, stat(emoji, &st) == 0 ? emoji : NULL, err, sizeof(err));
    free(emoji);
    if (!z->lx)
        return fail(1, "%s", err);
    return 0;
}

/* Features of text into z->fv; line is for the warning about bad UTF-8. */
static void featurize(struct featurizer *z, const char *text, size_t line)
{
    size_t len = strlen(text);
    if (len > TOKENIZE_MAX_BYTES || !utf8_valid(text, len)) {
        if (!utf8_valid(text, len) && z->n_bad_utf8++ == 0)
            z->first_bad_line = line;
        size_t cap = (len < TOKENIZE_MAX_BYTES ? len : TOKENIZE_MAX_BYTES) + 1;
        if (z->clean_cap < cap) {
            free(z->clean);
            z->clean = xmalloc(cap);
            z->clean_cap = cap;
        }
        utf8_sanitize(text, z->clean, cap);
        text = z->clean;
        len = strlen(text);
    }
    if (tokenize(text, len, &z->toks) != TERR_OK)
        z->toks.n = 0; /* cannot happen after sanitizing; an empty text then */
    negation_mark(&z->toks);
    features_extract(&z->cfg, &z->toks, z->lx, &z->fv);
}

static void warn_bad_utf8(const struct featurizer *z, const char *what)
{
    if (z->n_bad_utf8)
        fprintf(stderr,
                "truce: warning: %zu texts of %s were not valid UTF-8 (first on line "
                "%zu); bad bytes read as '?'\n",
                z->n_bad_utf8, what, z->first_bad_line);
}

/* ---- Reading labelled CSV files ----------------------------------------- */

struct csv_in {
    const char *path;
    FILE *f;
    struct csv c;
    int text_col, label_col; /* label_col -1 when not asked for */
    const char *text_name, *label_name;
    size_t n_header;
};

/* Lists the header's columns into buf for the "no column" error. */
static void list_columns(const struct csv *c, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->n_fields && at + 8 < len; i++) {
        int n = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", csv_field(c, i));
        if (n < 0 || (size_t)n >= len - at) {
            snprintf(buf + (len > 5 ? len - 5 : 0), 5, "...");
            break;
        }
        at += (size_t)n;
    }
}

/* Opens path ("-" for standard input) and finds the columns in its header. */
static int csv_open(struct csv_in *in, const char *path, const char *text_col,
                    const char *label_col)
{
    in->path = path;
    in->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in->f)
        return fail(1, "cannot open '%s': %s", path, strerror(errno));
    csv_init(&in->c, in->f, ',');
    int got;
    if (csv_next(&in->c, &got) != TERR_OK)
        return fail(1, "'%s': %s", path, in->c.err);
    if (!got)
        return fail(1, "'%s': empty file (a header line is needed)", path);
    char cols[200];
    list_columns(&in->c, cols, sizeof(cols));
    in->n_header = in->c.n_fields;
    in->text_name = text_col;
    in->label_name = label_col;
    in->text_col = csv_column(&in->c, text_col);
    if (in->text_col < 0)
        return fail(1, "'%s': no column '%s' (columns: %s)", path, text_col, cols);
    in->label_col = -1;
    if (label_col) {
        in->label_col = csv_column(&in->c, label_col);
        if (in->label_col < 0)
            return fail(1, "'%s': no column '%s' (columns: %s)", path, label_col, cols);
    }
    return 0;
}

static void csv_close(struct csv_in *in)
{
    csv_release(&in->c);
    if (in->f && in->f != stdin)
        fclose(in->f);
    in->f = NULL;
}

/* The next record's text and label (NULL without a label column).
 * Returns 1 with a record, 0 at the end, -1 after printing an error. */
static int csv_row(struct csv_in *in, const char **text, const char **label)
{
    int got;
    if (csv_next(&in->c, &got) != TERR_OK) {
        fail(1, "'%s': %s", in->path, in->c.err);
        return -1;
    }
    if (!got)
        return 0;
    if (csv_require(&in->c, (size_t)in->text_col, in->text_name, in->n_header) ||
        (in->label_col >= 0 &&
         csv_require(&in->c, (size_t)in->label_col, in->label_name, in->n_header))) {
        fail(1, "'%s': %s", in->path, in->c.err);
        return -1;
    }
    *text = csv_field(&in->c, (size_t)in->text_col);
    *label = in->label_col >= 0 ? csv_field(&in->c, (size_t)in->label_col) : NULL;
    return 1;
}

/* Labelled rows kept in memory for training. */
struct rows {
    char **text, **label;
    size_t *line;
    size_t n, cap, n_unlabelled;
};

static void rows_release(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->text[i]);
        free(r->label[i]);
    }
    free(r->text);
    free(r->label);
    free(r->line);
}

/* --label-map FILE: "<label> <group>" lines ('#' comments) that train on
 * groups of labels; "* <group>" sends every unlisted label to that group,
 * otherwise unlisted labels stay as they are. */
struct label_map {
    char **from, **to;
    size_t n;
    char *other; /* NULL: keep unlisted labels */
};

static void label_map_release(struct label_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->from[i]);
        free(m->to[i]);
    }
    free(m->from);
    free(m->to);
    free(m->other);
}

static int label_map_load(const char *path, struct label_map *m)
{
    memset(m, 0, sizeof(*m));
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(1, "unable to open '%s'", path);
    char line[1024];
    size_t lineno = 0;
    int rc = 0;
    while (!rc && fgets(line, sizeof(line), f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = fail(1, "'%s': line %zu: longer than %zu bytes", path, lineno, sizeof(line) - 2);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char a[MODEL_MAX_LABEL_LEN + 1], b[MODEL_MAX_LABEL_LEN + 1], extra[2];
        /* A longer word would fill the buffer: the check below refuses it. */
        int n = sscanf(line, "%127s %127s %1s", a, b, extra);
        if (n <= 0)
            continue;
        if (n != 2 || strlen(a) == MODEL_MAX_LABEL_LEN || strlen(b) == MODEL_MAX_LABEL_LEN) {
            rc = fail(1, "'%s': line %zu: expected '<label> <group>', each under %d bytes", path,
                      lineno, MODEL_MAX_LABEL_LEN);
        } else if (strcmp(a, "*") == 0) {
            free(m->other);
            m->other = xstrdup(b);
        } else {
            m->from = xrealloc(m->from, (m->n + 1) * sizeof(*m->from));
            m->to = xrealloc(m->to, (m->n + 1) * sizeof(*m->to));
            m->from[m->n] = xstrdup(a);
            m->to[m->n++] = xstrdup(b);
        }
    }
    fclose(f);
    if (rc)
        label_map_release(m);
    return rc;
}

static const char *label_map_apply(const struct label_map *m, const char *label)
{
    if (!m)
        return label;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->from[i], label) == 0)
            return m->to[i];
    return m->other ? m->other : label;
}

static int read_rows(const char *path, const char *text_col, const char *label_col,
                     const struct label_map *map, struct rows *r)
{
    struct csv_in in = {0};
    memset(r, 0, sizeof(*r));
    int rc = csv_open(&in, path, text_col, label_col);
    const char *text, *label;
    int got = 0;
    while (!rc && (got = csv_row(&in, &text, &label)) > 0) {
        if (!label[0]) {
            r->n_unlabelled++;
            continue;
        }
        if (strlen(label) > MODEL_MAX_LABEL_LEN) {
            rc = fail(1, "'%s': line %zu: label longer than %u bytes", path, in.c.line,
                      MODEL_MAX_LABEL_LEN);
            break;
        }
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 1024;
            r->text = xrealloc(r->text, r->cap * sizeof(*r->text));
            r->label = xrealloc(r->label, r->cap * sizeof(*r->label));
            r->line = xrealloc(r->line, r->cap * sizeof(*r->line));
        }
        r->text[r->n] = xstrdup(text);
        r->label[r->n] = xstrdup(label_map_apply(map, label));
        r->line[r->n++] = in.c.line;
    }
    if (got < 0)
        rc = 1;
    csv_close(&in);
    return rc;
}

/* Features of every row into a new trainset, or NULL after printing why. */
static struct trainset *featurize_rows(struct featurizer *z, const struct rows *r, const char *path)
{
    struct trainset *ts = trainset_new();
    for (size_t i = 0; i < r->n; i++) {
        featurize(z, r->text[i], r->line[i]);
        enum terr e = trainset_add(ts, &z->fv, r->label[i]);
        if (e) {
            fail(1, "'%s': line %zu: %s", path, r->line[i],
                 e == TERR_TOO_LARGE ? "more labels or features than a model can hold"
                                     : "bad label");
            trainset_free(ts);
            return NULL;
        }
    }
    return ts;
}

/* ---- Options ------------------------------------------------------------- */

/* ---- train ------------------------------------------------------------ */

struct train_view {
    bool tty;
    double started;
};

static void progress(void *arg, unsigned epoch, size_t done, size_t total)
{
    const struct train_view *v = arg;
    if (!v->tty)
        return;
    int width = 30, filled = total ? (int)((double)done / (double)total * width) : width;
    fprintf(stderr, "\repoch %2u [%.*s%*s] %3d%%", epoch, filled, "##############################",
            width - filled, "", total ? (int)(100.0 * (double)done / (double)total) : 100);
    fflush(stderr);
}

static void epoch_done(void *arg, unsigned epoch, double loss, const struct model_scores *dev)
{
    const struct train_view *v = arg;
    if (v->tty)
        fputs("\r\033[K", stderr);
    if (dev)
        printf("epoch %2u: loss %.4f, dev accuracy %.4f, macro-F1 %.4f (%.1fs)\n", epoch, loss,
               scores_accuracy(dev), scores_macro_f1(dev), now() - v->started);
    else
        printf("epoch %2u: loss %.4f (%.1fs)\n", epoch, loss, now() - v->started);
    fflush(stdout);
}

/* Per-epoch dev scores summed over the folds of a cross-validation. */
struct cv_sums {
    double acc[1001], f1[1001];
    unsigned last;
};

static void cv_epoch(void *arg, unsigned epoch, double loss, const struct model_scores *dev)
{
    (void)loss;
    struct cv_sums *c = arg;
    c->acc[epoch] += scores_accuracy(dev);
    c->f1[epoch] += scores_macro_f1(dev);
    c->last = epoch > c->last ? epoch : c->last;
}

/* k-fold cross-validation on ts (example i in fold i % k after a seeded
 * shuffle): every epoch's mean held-out accuracy and macro-F1, to choose
 * the number of epochs and the features without looking at a dev file. */
static int cross_validate(struct train_opts *o, const struct trainset *ts, unsigned k)
{
    size_t n = trainset_size(ts);
    size_t *fold = xmalloc(n * sizeof(*fold));
    uint64_t rng = o->seed ^ 0xc0ffee;
    for (size_t i = 0; i < n; i++)
        fold[i] = i % k;
    for (size_t i = n; i > 1; i--) { /* a seeded shuffle of the fold numbers */
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t j = (size_t)((rng >> 33) % i), t = fold[i - 1];
        fold[i - 1] = fold[j];
        fold[j] = t;
    }
    struct cv_sums *sums = xcalloc(1, sizeof(*sums));
    struct train_opts fo = *o;
    fo.patience = o->epochs; /* every epoch is scored */
    fo.progress = NULL;
    fo.epoch_done = cv_epoch;
    fo.arg = sums;
    int rc = 0;
    for (unsigned f = 0; f < k && !rc; f++) {
        struct trainset *tr = trainset_new(), *te = trainset_new();
        struct featvec v;
        for (size_t i = 0; i < n; i++) {
            trainset_example(ts, i, &v);
            trainset_add(fold[i] == f ? te : tr, &v,
                         trainset_label(ts, trainset_example_label(ts, i)));
        }
        char err[256];
        struct model *m = model_train(&fo, tr, te, err, sizeof(err));
        if (!m)
            rc = fail(1, "fold %u: %s", f + 1, err);
        model_free(m);
        trainset_free(tr);
        trainset_free(te);
    }
    for (unsigned e = 1; !rc && e <= sums->last; e++)
        printf("cv %u folds, epoch %2u: accuracy %.4f, macro-F1 %.4f\n", k, e, sums->acc[e] / k,
               sums->f1[e] / k);
    free(sums);
    free(fold);
    return rc;
}

static int model_train_cmd(int argc, char **argv)
{
    const char *csv = NULL, *dev_path = NULL, *text_col = NULL, *label_col = NULL;
    const char *out = NULL, *seed_s = NULL, *epochs_s = NULL, *lr_s = NULL, *l2_s = NULL;
    const char *buckets_s = NULL, *wng_s = NULL, *cng_s = NULL, *lexicon = NULL;
    const char *cv_s = NULL, *map_path = NULL;
    bool balanced = false, no_lexicon = false;
    const struct cli_opt opts[] = {
        {"csv", &csv, NULL},
        {"text", &text_col, NULL},
        {"label", &label_col, NULL},
        {"dev", &dev_path, NULL},
        {"o", &out, NULL},
        {"seed", &seed_s, NULL},
        {"epochs", &epochs_s, NULL},
        {"lr", &lr_s, NULL},
        {"l2", &l2_s, NULL},
        {"buckets", &buckets_s, NULL},
        {"word-ngrams", &wng_s, NULL},
        {"char-ngrams", &cng_s, NULL},
        {"balanced", NULL, &balanced},
        {"lexicon", &lexicon, NULL},
        {"no-lexicon", NULL, &no_lexicon},
        {"cv", &cv_s, NULL},
        {"label-map", &map_path, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "model train");
    if (rc >= 0)
        return rc;
    unsigned long folds = 0;
    if (cv_s && cli_parse_uint("cv", cv_s, 2, 20, &folds))
        return EXIT_USAGE;
    if (!csv || !text_col || !label_col || (!out && !folds))
        return fail(EXIT_USAGE,
                    "model train needs --csv FILE, --text COL, --label COL and -o MODEL");

    struct train_opts o;
    train_opts_default(&o);
    unsigned long u;
    if (seed_s && cli_parse_uint("seed", seed_s, 0, UINT32_MAX, &u))
        return EXIT_USAGE;
    if (seed_s)
        o.seed = u;
    if (epochs_s && cli_parse_uint("epochs", epochs_s, 1, 1000, &u))
        return EXIT_USAGE;
    if (epochs_s)
        o.epochs = (unsigned)u;
    if (lr_s && cli_parse_double("lr", lr_s, 1e-6, 100, &o.lr))
        return EXIT_USAGE;
    if (l2_s && cli_parse_double("l2", l2_s, 0, 1, &o.l2))
        return EXIT_USAGE;
    if (wng_s && cli_parse_uint("word-ngrams", wng_s, 1, FEAT_MAX_WORD_NGRAMS, &u))
        return EXIT_USAGE;
    if (wng_s)
        o.feat.word_ngrams = (uint8_t)u;
    if (cng_s) {
        unsigned lo = 0, hi = 0;
        char tail;
        int n = sscanf(cng_s, "%u-%u%c", &lo, &hi, &tail);
        if (strcmp(cng_s, "0") == 0 || strcmp(cng_s, "none") == 0)
            n = 2;
        if (n != 2 || (lo && (lo > hi || hi > FEAT_MAX_CHAR_NGRAM)))
            return fail(EXIT_USAGE,
                        "--char-ngrams must be MIN-MAX with 1 <= MIN <= MAX <= %d, "
                        "or 0 for none, not '%s'",
                        FEAT_MAX_CHAR_NGRAM, cng_s);
        o.feat.char_min = (uint8_t)(lo ? lo : 0);
        o.feat.char_max = (uint8_t)(lo ? hi : 0);
    }
    unsigned long buckets = 0;
    if (buckets_s && cli_parse_uint("buckets", buckets_s, 1ul << FEAT_MIN_LOG2_BUCKETS,
                                    1ul << FEAT_MAX_LOG2_BUCKETS, &buckets))
        return EXIT_USAGE;
    o.balanced = balanced;
    o.feat.seed = (uint32_t)o.seed * 0x9e3779b1u ^ 0x7275ceu;

    double t0 = now();
    struct rows train = {0}, dev = {0};
    struct label_map map = {0};
    if (map_path && label_map_load(map_path, &map))
        return 1;
    const struct label_map *mp = map_path ? &map : NULL;
    int bad = read_rows(csv, text_col, label_col, mp, &train) ||
              (dev_path && read_rows(dev_path, text_col, label_col, mp, &dev));
    label_map_release(&map);
    if (!bad && dev_path && dev.n == 0)
        bad = fail(1, "'%s': no labelled rows to choose the epoch on", dev_path);
    if (bad) {
        rows_release(&train);
        rows_release(&dev);
        return 1;
    }
    /* The bucket count: asked for (rounded up to a power of two), or as many
     * as fit the size budget for this many labels. */
    size_t n_labels = 0;
    {
        struct trainset *probe = trainset_new();
        struct featvec none;
        featvec_init(&none);
        for (size_t i = 0; i < train.n && n_labels < MODEL_MAX_LABELS; i++) {
            if (trainset_add(probe, &none, train.label[i]))
                break;
        }
        n_labels = trainset_n_labels(probe);
        trainset_free(probe);
    }
    if (buckets) {
        unsigned b = FEAT_MIN_LOG2_BUCKETS;
        while (((unsigned long)1 << b) < buckets)
            b++;
        o.feat.log2_buckets = (uint8_t)b;
    } else {
        o.feat.log2_buckets = (uint8_t)model_auto_log2_buckets(n_labels, 16u << 20);
    }

    struct featurizer z = {0};
    if (load_lexicon(&z, lexicon, !no_lexicon, false)) {
        rows_release(&train);
        rows_release(&dev);
        return 1;
    }
    o.feat.lexicon = z.lx != NULL;
    z.cfg = o.feat;
    struct trainset *ts = featurize_rows(&z, &train, csv);
    warn_bad_utf8(&z, csv);
    z.n_bad_utf8 = 0;
    struct trainset *ds = ts && dev_path ? featurize_rows(&z, &dev, dev_path) : NULL;
    if (dev_path)
        warn_bad_utf8(&z, dev_path);
    rc = !ts || (dev_path && !ds);
    if (!rc) {
        printf("%zu examples, %zu labels from '%s'", trainset_size(ts), trainset_n_labels(ts), csv);
        if (train.n_unlabelled)
            printf(" (%zu rows without a label skipped)", train.n_unlabelled);
        if (ds)
            printf("; dev: %zu examples from '%s'", trainset_size(ds), dev_path);
        printf("\n");
        fflush(stdout);
        struct train_view view = {.tty = isatty(2) != 0, .started = t0};
        if (folds) {
            rc = cross_validate(&o, ts, (unsigned)folds);
            goto done;
        }
        o.progress = progress;
        o.epoch_done = epoch_done;
        o.arg = &view;
        char err[256];
        struct model *m = model_train(&o, ts, ds, err, sizeof(err));
        if (!m) {
            rc = fail(1, "'%s': %s", csv, err);
        } else if (model_save(m, out, err, sizeof(err))) {
            rc = fail(1, "%s", err);
        } else {
            struct stat st;
            double mb = stat(out, &st) == 0 ? (double)st.st_size / 1048576.0 : 0;
            printf("kept epoch %u; wrote '%s' (%.1f MB, 2^%u buckets) in %.1fs\n", o.best_epoch,
                   out, mb, o.feat.log2_buckets, now() - t0);
        }
        model_free(m);
    }
done:
    trainset_free(ts);
    trainset_free(ds);
    featurizer_release(&z);
    rows_release(&train);
    rows_release(&dev);
    return rc;
}

/* ---- predict ------------------------------------------------------------ */

/* Loads the model and, when its features need it, the lexicon. */
static struct model *open_model(const char *path, const char *lexicon, struct featurizer *z)
{
    char err[256];
    struct model *m = model_load(path, err, sizeof(err));
    if (!m) {
        fail(1, "%s", err);
        return NULL;
    }
    z->cfg = *model_features(m);
    if (load_lexicon(z, lexicon, z->cfg.lexicon, true)) {
        model_free(m);
        return NULL;
    }
    return m;
}

static void print_prediction(const struct model *m, size_t best, const float *probs, bool jsonl)
{
    if (!jsonl) {
        fputs(model_label(m, best), stdout);
        putchar('\n');
        return;
    }
    json_t *o = json_object(), *p = json_object();
    json_object_set_new(o, "label", json_string(model_label(m, best)));
    json_object_set_new(o, "confidence", json_real(round(probs[best] * 1e4) / 1e4));
    for (size_t l = 0; l < model_n_labels(m); l++)
        json_object_set_new(p, model_label(m, l), json_real(round(probs[l] * 1e4) / 1e4));
    json_object_set_new(o, "probabilities", p);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(o);
}

static int model_predict_cmd(int argc, char **argv)
{
    const char *model = NULL, *csv = NULL, *text_col = NULL, *format = "labels";
    const char *lexicon = NULL;
    const struct cli_opt opts[] = {
        {"model", &model, NULL},   {"csv", &csv, NULL},         {"text", &text_col, NULL},
        {"format", &format, NULL}, {"lexicon", &lexicon, NULL}, {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "model predict");
    if (rc >= 0)
        return rc;
    rc = 0;
    if (!model)
        return fail(EXIT_USAGE, "model predict needs --model MODEL");
    if (!csv != !text_col)
        return fail(EXIT_USAGE, "--csv FILE and --text COL go together");
    bool jsonl = strcmp(format, "jsonl") == 0;
    if (!jsonl && strcmp(format, "labels") != 0)
        return fail(EXIT_USAGE, "--format must be labels or jsonl, not '%s'", format);

    struct featurizer z = {0};
    struct model *m = open_model(model, lexicon, &z);
    if (!m)
        return 1;
    float *probs = xmalloc(model_n_labels(m) * sizeof(float));
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    if (csv) {
        struct csv_in in = {0};
        rc = csv_open(&in, csv, text_col, NULL);
        const char *text, *label;
        int got;
        while (!rc && (got = csv_row(&in, &text, &label)) != 0) {
            if (got < 0) {
                rc = 1;
                break;
            }
            featurize(&z, text, in.c.line);
            size_t best = model_predict_features(m, &z.fv, probs);
            print_prediction(m, best, probs, jsonl);
        }
        csv_close(&in);
    } else {
        /* Features read the first TOKENIZE_MAX_BYTES of a text: a longer
         * line is held only that far (and still gets its label). */
        struct buf line;
        buf_init(&line, BUF_NO_LIMIT);
        size_t n = 0;
        bool cut;
        while (cli_read_line(stdin, &line, TOKENIZE_MAX_BYTES + 1, &cut)) {
            n++;
            cli_line_text(&line);
            featurize(&z, line.data, n);
            size_t best = model_predict_features(m, &z.fv, probs);
            print_prediction(m, best, probs, jsonl);
        }
        buf_release(&line);
        if (ferror(stdin))
            rc = fail(1, "reading standard input: %s", strerror(errno));
    }
    if (fflush(stdout) != 0 && !rc)
        rc = fail(1, "writing the predictions: %s", strerror(errno));
    warn_bad_utf8(&z, csv ? csv : "standard input");
    free(probs);
    model_free(m);
    featurizer_release(&z);
    return rc;
}

/* ---- eval ----------------------------------------------------------------- */

static void print_scores(const struct model *m, const struct model_scores *s, const char *csv)
{
    size_t L = model_n_labels(m);
    printf("%s: %zu examples\naccuracy %.4f\nmacro-F1 %.4f\n", csv, s->n, scores_accuracy(s),
           scores_macro_f1(s));
    if (s->n_unknown)
        printf("(%zu examples have a label the model does not know: counted as wrong)\n",
               s->n_unknown);
    size_t w = 5;
    for (size_t l = 0; l < L; l++)
        w = strlen(model_label(m, l)) > w ? strlen(model_label(m, l)) : w;
    printf("\n%-*s  precision  recall     F1  support\n", (int)w, "label");
    for (size_t l = 0; l < L; l++) {
        double p, r, f;
        size_t support = 0;
        for (size_t j = 0; j < L; j++)
            support += s->confusion[l * L + j];
        scores_class(s, l, &p, &r, &f);
        printf("%-*s  %9.4f  %6.4f  %6.4f  %7zu\n", (int)w, model_label(m, l), p, r, f, support);
    }
    printf("\nconfusion (rows: true label, columns: predicted, in the order above)\n");
    for (size_t l = 0; l < L; l++) {
        printf("%-*s", (int)w, model_label(m, l));
        for (size_t j = 0; j < L; j++)
            printf(" %6zu", s->confusion[l * L + j]);
        printf("\n");
    }
}

static void print_scores_json(const struct model *m, const struct model_scores *s)
{
    size_t L = model_n_labels(m);
    json_t *o = json_object(), *classes = json_array(), *conf = json_array(),
           *labels = json_array();
    json_object_set_new(o, "examples", json_integer((json_int_t)s->n));
    json_object_set_new(o, "unknown_labels", json_integer((json_int_t)s->n_unknown));
    json_object_set_new(o, "accuracy", json_real(scores_accuracy(s)));
    json_object_set_new(o, "macro_f1", json_real(scores_macro_f1(s)));
    for (size_t l = 0; l < L; l++) {
        double p, r, f;
        size_t support = 0;
        json_t *row = json_array();
        for (size_t j = 0; j < L; j++) {
            support += s->confusion[l * L + j];
            json_array_append_new(row, json_integer((json_int_t)s->confusion[l * L + j]));
        }
        scores_class(s, l, &p, &r, &f);
        json_t *c = json_object();
        json_object_set_new(c, "label", json_string(model_label(m, l)));
        json_object_set_new(c, "precision", json_real(p));
        json_object_set_new(c, "recall", json_real(r));
        json_object_set_new(c, "f1", json_real(f));
        json_object_set_new(c, "support", json_integer((json_int_t)support));
        json_array_append_new(classes, c);
        json_array_append_new(conf, row);
        json_array_append_new(labels, json_string(model_label(m, l)));
    }
    json_object_set_new(o, "classes", classes);
    json_object_set_new(o, "labels", labels);
    json_object_set_new(o, "confusion", conf);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
    json_decref(o);
}

static int model_eval_cmd(int argc, char **argv)
{
    const char *model = NULL, *csv = NULL, *text_col = NULL, *label_col = NULL;
    const char *lexicon = NULL;
    bool as_json = false;
    const struct cli_opt opts[] = {
        {"model", &model, NULL},     {"csv", &csv, NULL},      {"text", &text_col, NULL},
        {"label", &label_col, NULL}, {"json", NULL, &as_json}, {"lexicon", &lexicon, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "model eval");
    if (rc >= 0)
        return rc;
    if (!model || !csv || !text_col || !label_col)
        return fail(EXIT_USAGE,
                    "model eval needs --model MODEL, --csv FILE, --text COL and --label COL");
    struct featurizer z = {0};
    struct model *m = open_model(model, lexicon, &z);
    if (!m)
        return 1;
    struct model_scores s;
    scores_init(&s, model_n_labels(m));
    float *probs = xmalloc(model_n_labels(m) * sizeof(float));
    struct csv_in in = {0};
    rc = csv_open(&in, csv, text_col, label_col);
    const char *text, *label;
    int got;
    size_t unlabelled = 0;
    while (!rc && (got = csv_row(&in, &text, &label)) != 0) {
        if (got < 0) {
            rc = 1;
            break;
        }
        if (!label[0]) {
            unlabelled++;
            continue;
        }
        featurize(&z, text, in.c.line);
        size_t best = model_predict_features(m, &z.fv, probs);
        long gold = model_label_index(m, label);
        scores_add(&s, gold < 0 ? (size_t)-1 : (size_t)gold, best);
    }
    csv_close(&in);
    warn_bad_utf8(&z, csv);
    if (!rc && s.n == 0)
        rc = fail(1, "'%s': no labelled rows to evaluate", csv);
    if (!rc) {
        if (as_json)
            print_scores_json(m, &s);
        else
            print_scores(m, &s, csv);
        if (unlabelled && !as_json)
            printf("(%zu rows without a label skipped)\n", unlabelled);
    }
    scores_release(&s);
    free(probs);
    model_free(m);
    featurizer_release(&z);
    return rc;
}

int cmd_model(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"train", model_train_cmd},
        {"predict", model_predict_cmd},
        {"eval", model_eval_cmd},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "model");
}
