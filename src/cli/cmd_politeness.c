/*
 * truce politeness train|eval|predict: the politeness model from the
 * command line (analysis/politeness.h).
 *
 * Rows are read whole into memory (a --score column needs every score
 * before the quartiles are known), labelled polite or impolite, tokenized
 * and negation-marked as the coach does, and turned into the model's
 * features once; cross-validation then trains K times on those.  The
 * valence lexicon of the data directory feeds the lexicon strategies when
 * it is there, in training and in use alike.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../analysis/lexicon.h"
#include "../analysis/politeness.h"
#include "../text/tokenize.h"
#include "../util/buf.h"
#include "../util/csv.h"
#include "../util/utf8.h"
#include "cli.h"

#define DEFAULT_LISTS   "politeness/strategies.txt" /* in the data directory */
#define DEFAULT_LEXICON "lexicons/vader_lexicon.txt"
#define EMOJI_LEXICON   "vader_emoji_utf8_lexicon.txt"

static const char usage[] =
    "usage: truce politeness train --csv FILE --text COL (--label COL | --score COL)\n"
    "                              -o MODEL [--seed N] [--cv K] [--epochs N]\n"
    "                              [--lr X] [--l2 X] [--l2-words X] [--bits N]\n"
    "                              [--lists FILE] [--lexicon FILE | --no-lexicon]\n"
    "       truce politeness eval --model MODEL --csv FILE --text COL\n"
    "                             (--label COL | --score COL) [--json] [--lexicon FILE]\n"
    "       truce politeness predict --model MODEL [--lexicon FILE]\n\n"
    "train learns how polite a text reads from labelled rows: --label names a\n"
    "column of 'polite' or 'impolite' (empty rows are skipped); --score a\n"
    "numeric column, of which the top quartile counts as polite and the bottom\n"
    "quartile as impolite, the middle half left out (the binary task of\n"
    "Danescu-Niculescu-Mizil et al. 2013).  The strategies' word lists come\n"
    "from --lists (default " DEFAULT_LISTS " of the data directory) and\n"
    "are stored in the model.  --cv K writes no model: it prints the accuracy\n"
    "of a K-fold cross-validation.  Defaults: 15 epochs, lr 0.1, l2 1e-4 on\n"
    "the strategies, 1e-3 on the word features, 2^12 word buckets, seed 1.\n"
    "eval prints n, accuracy, and precision and recall of 'polite'.\n"
    "predict prints, for each line of standard input, the probability that it\n"
    "reads as polite.\n";

/* ---- Texts and their features --------------------------------------------- */

struct reader {
    struct lexicon *lx;
    struct tokens toks;
    char *clean;
    size_t clean_cap, n_bad_utf8;
};

static void reader_release(struct reader *z)
{
    lexicon_free(z->lx);
    tokens_release(&z->toks);
    free(z->clean);
}

/* The lexicon at path, or the data directory's when path is NULL and it is
 * there; none with --no-lexicon.  0, or 1 after printing why. */
static int load_lexicon(struct reader *z, const char *path, bool none)
{
    z->lx = NULL;
    if (none)
        return 0;
    char dflt[PATH_MAX + 64];
    struct stat st;
    if (!path) {
        char dir[PATH_MAX];
        cli_data_dir(NULL, dir, sizeof dir);
        snprintf(dflt, sizeof dflt, "%s/%s", dir, DEFAULT_LEXICON);
        if (stat(dflt, &st) != 0)
            return 0;
        path = dflt;
    }
    size_t n = strlen(path) + sizeof(EMOJI_LEXICON) + 1;
    char *emoji = xmalloc(n);
    const char *slash = strrchr(path, '/');
    snprintf(emoji, n, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, EMOJI_LEXICON);
    char err[256];
    z->lx = lexicon_load(path, stat(emoji, &st) == 0 ? emoji : NULL, err, sizeof err);
    free(emoji);
    return z->lx ? 0 : fail(1, "%s", err);
}

/* Tokenizes text into z->toks as the coach does (bad UTF-8 read as '?'). */
static void read_text(struct reader *z, const char *text)
{
    size_t len = strlen(text);
    if (len > TOKENIZE_MAX_BYTES || !utf8_valid(text, len)) {
        if (!utf8_valid(text, len))
            z->n_bad_utf8++;
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
        z->toks.n = 0;
    negation_mark(&z->toks);
}

static void warn_bad_utf8(const struct reader *z)
{
    if (z->n_bad_utf8)
        fprintf(stderr, "truce: warning: %zu texts were not valid UTF-8; bad bytes read as '?'\n",
                z->n_bad_utf8);
}

/* ---- Labelled rows ------------------------------------------------------ */

struct rows {
    char **text;
    double *score; /* --score: the value; --label: 1 polite, 0 impolite */
    size_t n, cap, n_skipped;
};

static void rows_release(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->text[i]);
    free(r->text);
    free(r->score);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads path's text column and its label or score column into r; with a
 * score, keeps only the top and bottom quartiles, labelled 1 and 0. */
static int read_rows(const char *path, const char *text_col, const char *label_col,
                     const char *score_col, struct rows *r)
{
    memset(r, 0, sizeof *r);
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f)
        return fail(1, "cannot open '%s': %s", path, strerror(errno));
    struct csv c;
    csv_init(&c, f, ',');
    int got, rc = 0, tc = -1, lc = -1;
    const char *lname = label_col ? label_col : score_col;
    if (csv_next(&c, &got) != TERR_OK)
        rc = fail(1, "'%s': %s", path, c.err);
    else if (!got)
        rc = fail(1, "'%s': empty file (a header line is needed)", path);
    else if ((tc = csv_column(&c, text_col)) < 0)
        rc = fail(1, "'%s': no column '%s'", path, text_col);
    else if ((lc = csv_column(&c, lname)) < 0)
        rc = fail(1, "'%s': no column '%s'", path, lname);
    size_t n_header = c.n_fields;
    while (!rc) {
        if (csv_next(&c, &got) != TERR_OK) {
            rc = fail(1, "'%s': %s", path, c.err);
            break;
        }
        if (!got)
            break;
        if (csv_require(&c, (size_t)tc, text_col, n_header) ||
            csv_require(&c, (size_t)lc, lname, n_header)) {
            rc = fail(1, "'%s': %s", path, c.err);
            break;
        }
        const char *v = csv_field(&c, (size_t)lc);
        double s;
        if (!v[0]) {
            r->n_skipped++;
            continue;
        }
        if (label_col) {
            if (strcasecmp(v, "polite") == 0)
                s = 1;
            else if (strcasecmp(v, "impolite") == 0)
                s = 0;
            else {
                rc = fail(1, "'%s': line %zu: label '%s' is neither 'polite' nor 'impolite'", path,
                          c.line, v);
                break;
            }
        } else {
            char *end;
            errno = 0;
            s = strtod(v, &end);
            if (errno || end == v || *end || !isfinite(s)) {
                rc = fail(1, "'%s': line %zu: score '%s' is not a number", path, c.line, v);
                break;
            }
        }
        if (r->n == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 1024;
            r->text = xrealloc(r->text, r->cap * sizeof(*r->text));
            r->score = xrealloc(r->score, r->cap * sizeof(*r->score));
        }
        r->text[r->n] = xstrdup(csv_field(&c, (size_t)tc));
        r->score[r->n++] = s;
    }
    csv_release(&c);
    if (f != stdin)
        fclose(f);
    if (rc || label_col || r->n < 4)
        return rc;

    /* The quartiles: scores at or past the top quartile's cut are polite,
     * at or below the bottom one's impolite, the rest dropped. */
    double *sorted = xmalloc(r->n * sizeof(double));
    memcpy(sorted, r->score, r->n * sizeof(double));
    qsort(sorted, r->n, sizeof(double), cmp_double);
    double lo = sorted[r->n / 4 - 1], hi = sorted[r->n - r->n / 4];
    free(sorted);
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->score[i] >= hi || r->score[i] <= lo) {
            r->text[k] = r->text[i];
            r->score[k++] = r->score[i] >= hi ? 1 : 0;
        } else {
            free(r->text[i]);
            r->n_skipped++;
        }
    }
    r->n = k;
    return 0;
}

static struct politeness_set *featurize(struct reader *z, const struct politeness_model *m,
                                        const struct rows *r)
{
    struct politeness_set *s = politeness_set_new();
    for (size_t i = 0; i < r->n; i++) {
        read_text(z, r->text[i]);
        politeness_set_add(s, m, &z->toks, z->lx, r->score[i] > 0.5);
    }
    return s;
}

/* ---- Scores ------------------------------------------------------------ */

struct tally {
    size_t n, right, tp, fp, fn;
};

static void tally_add(struct tally *t, bool truth, double p)
{
    bool said = p >= 0.5;
    t->n++;
    t->right += said == truth;
    t->tp += said && truth;
    t->fp += said && !truth;
    t->fn += !said && truth;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0;
}

/* ---- train --------------------------------------------------------------- */

/* K-fold cross-validation: rows shuffled by the seed, fold = position % K. */
static void cross_validate(struct politeness_model *m, const struct politeness_set *s,
                           unsigned long k, const struct politeness_train_opts *o)
{
    size_t n = politeness_set_size(s);
    size_t *perm = xmalloc(n * sizeof(*perm)), *train = xmalloc(n * sizeof(*train));
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    unsigned long long st = 88172645463325252ULL ^ o->seed;
    for (size_t i = n; i > 1; i--) {
        st ^= st << 13, st ^= st >> 7, st ^= st << 17;
        size_t j = (size_t)(st % i), t = perm[i - 1];
        perm[i - 1] = perm[j], perm[j] = t;
    }
    struct tally all = {0};
    double sum = 0, sum2 = 0;
    for (unsigned long f = 0; f < k; f++) {
        size_t nt = 0;
        for (size_t i = 0; i < n; i++)
            if (i % k != f)
                train[nt++] = perm[i];
        politeness_train(m, s, train, nt, o);
        struct tally t = {0};
        for (size_t i = f; i < n; i += k) {
            double p = politeness_set_predict(m, s, perm[i]);
            tally_add(&t, politeness_set_label(s, perm[i]), p);
            tally_add(&all, politeness_set_label(s, perm[i]), p);
        }
        double a = ratio(t.right, t.n);
        sum += a, sum2 += a * a;
        printf("fold %lu: accuracy %.3f (n %zu)\n", f + 1, a, t.n);
    }
    double mean = sum / (double)k, var = sum2 / (double)k - mean * mean;
    printf("%lu-fold cross-validation: accuracy %.3f (sd %.3f), polite precision %.3f "
           "recall %.3f, n %zu\n",
           k, mean, var > 0 ? sqrt(var) : 0, ratio(all.tp, all.tp + all.fp),
           ratio(all.tp, all.tp + all.fn), all.n);
    free(perm);
    free(train);
}

static int run_train(int argc, char **argv)
{
    const char *csv = NULL, *text = NULL, *label = NULL, *score = NULL, *out = NULL, *seed = NULL,
               *cv = NULL, *epochs = NULL, *lr = NULL, *l2 = NULL, *l2w = NULL, *bits = NULL,
               *lists = NULL, *lexicon = NULL;
    bool no_lexicon = false;
    const struct cli_opt opts[] = {
        {"csv", &csv, NULL},     {"text", &text, NULL},       {"label", &label, NULL},
        {"score", &score, NULL}, {"o", &out, NULL},           {"seed", &seed, NULL},
        {"cv", &cv, NULL},       {"epochs", &epochs, NULL},   {"lr", &lr, NULL},
        {"l2", &l2, NULL},       {"l2-words", &l2w, NULL},    {"bits", &bits, NULL},
        {"lists", &lists, NULL}, {"lexicon", &lexicon, NULL}, {"no-lexicon", NULL, &no_lexicon},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "politeness train");
    if (rc >= 0)
        return rc;
    if (!csv || !text || !label == !score || (!out && !cv))
        return fail(EXIT_USAGE, "train needs --csv, --text, one of --label and --score, and "
                                "-o MODEL (or --cv K); see 'truce politeness --help'");
    rc = 0;
    struct politeness_train_opts o;
    politeness_train_defaults(&o);
    unsigned long v, k = 0, b = POLITENESS_DEFAULT_LOG2_BUCKETS;
    if (seed && (rc = cli_parse_uint("seed", seed, 0, UINT_MAX, &v)) == 0)
        o.seed = (unsigned)v;
    if (!rc && epochs && (rc = cli_parse_uint("epochs", epochs, 1, 1000, &v)) == 0)
        o.epochs = (unsigned)v;
    if (!rc && cv)
        rc = cli_parse_uint("cv", cv, 2, 100, &k);
    if (!rc && bits)
        rc = cli_parse_uint("bits", bits, POLITENESS_MIN_LOG2_BUCKETS, POLITENESS_MAX_LOG2_BUCKETS,
                            &b);
    if (!rc && lr)
        rc = cli_parse_double("lr", lr, 1e-6, 10, &o.lr);
    if (!rc && l2)
        rc = cli_parse_double("l2", l2, 0, 10, &o.l2);
    if (!rc && l2w)
        rc = cli_parse_double("l2-words", l2w, 0, 10, &o.l2_words);
    if (rc)
        return rc;

    char dflt[PATH_MAX + 64], err[512];
    if (!lists) {
        char dir[PATH_MAX];
        cli_data_dir(NULL, dir, sizeof dir);
        snprintf(dflt, sizeof dflt, "%s/%s", dir, DEFAULT_LISTS);
        lists = dflt;
    }
    struct politeness_model *m = politeness_new(lists, (unsigned)b, err, sizeof err);
    if (!m)
        return fail(1, "%s", err);
    struct reader z = {0};
    tokens_init(&z.toks);
    struct rows r;
    rc = load_lexicon(&z, lexicon, no_lexicon);
    if (!rc)
        rc = read_rows(csv, text, label, score, &r);
    else
        memset(&r, 0, sizeof r);
    size_t n_polite = 0;
    for (size_t i = 0; !rc && i < r.n; i++)
        n_polite += r.score[i] > 0.5;
    if (!rc && (n_polite == 0 || n_polite == r.n))
        rc = fail(1, "'%s': training needs polite and impolite rows (%zu polite of %zu)", csv,
                  n_polite, r.n);
    struct politeness_set *s = rc ? NULL : featurize(&z, m, &r);
    if (!rc) {
        warn_bad_utf8(&z);
        printf("%zu rows: %zu polite, %zu impolite (%zu skipped)\n", r.n, n_polite, r.n - n_polite,
               r.n_skipped);
        if (k) {
            if (k > r.n)
                rc = fail(EXIT_USAGE, "--cv %lu is more folds than the %zu rows", k, r.n);
            else
                cross_validate(m, s, k, &o);
        }
    }
    if (!rc && out) {
        politeness_train(m, s, NULL, 0, &o);
        struct tally t = {0};
        for (size_t i = 0; i < r.n; i++)
            tally_add(&t, politeness_set_label(s, i), politeness_set_predict(m, s, i));
        struct politeness_result pr;
        read_text(&z, "");
        politeness_predict(m, &z.toks, "", 0, z.lx, &pr);
        printf("training accuracy %.3f; the strategies' weights:\n", ratio(t.right, t.n));
        for (int i = 0; i < N_POLITENESS_STRATEGIES; i++)
            printf("  %-22s %+.3f\n", politeness_strategy_name(i), pr.weight[i]);
        if (politeness_save(m, out, err, sizeof err) != TERR_OK)
            rc = fail(1, "%s", err);
        else
            printf("wrote '%s'\n", out);
    }
    politeness_set_free(s);
    rows_release(&r);
    reader_release(&z);
    politeness_free(m);
    return rc;
}

/* ---- eval and predict ----------------------------------------------------- */

static int run_eval(int argc, char **argv)
{
    const char *model = NULL, *csv = NULL, *text = NULL, *label = NULL, *score = NULL,
               *lexicon = NULL;
    bool json = false, no_lexicon = false;
    const struct cli_opt opts[] = {
        {"model", &model, NULL},     {"csv", &csv, NULL},
        {"text", &text, NULL},       {"label", &label, NULL},
        {"score", &score, NULL},     {"json", NULL, &json},
        {"lexicon", &lexicon, NULL}, {"no-lexicon", NULL, &no_lexicon},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "politeness eval");
    if (rc >= 0)
        return rc;
    if (!model || !csv || !text || !label == !score)
        return fail(EXIT_USAGE, "eval needs --model, --csv, --text and one of --label and "
                                "--score; see 'truce politeness --help'");
    char err[512];
    struct politeness_model *m = politeness_load(model, err, sizeof err);
    if (!m)
        return fail(1, "%s", err);
    struct reader z = {0};
    tokens_init(&z.toks);
    struct rows r = {0};
    rc = 0;
    rc = load_lexicon(&z, lexicon, no_lexicon);
    if (!rc)
        rc = read_rows(csv, text, label, score, &r);
    if (!rc && r.n == 0)
        rc = fail(1, "'%s': no labelled rows to evaluate", csv);
    if (!rc) {
        struct tally t = {0};
        struct politeness_result pr;
        for (size_t i = 0; i < r.n; i++) {
            read_text(&z, r.text[i]);
            politeness_predict(m, &z.toks, r.text[i], strlen(r.text[i]), z.lx, &pr);
            tally_add(&t, r.score[i] > 0.5, pr.probability);
        }
        warn_bad_utf8(&z);
        double acc = ratio(t.right, t.n), prec = ratio(t.tp, t.tp + t.fp),
               rec = ratio(t.tp, t.tp + t.fn);
        if (json)
            printf("{\"n\":%zu,\"accuracy\":%.4f,\"precision\":%.4f,\"recall\":%.4f}\n", t.n, acc,
                   prec, rec);
        else
            printf("n %zu  accuracy %.3f  polite: precision %.3f recall %.3f\n", t.n, acc, prec,
                   rec);
    }
    rows_release(&r);
    reader_release(&z);
    politeness_free(m);
    return rc;
}

static int run_predict(int argc, char **argv)
{
    const char *model = NULL, *lexicon = NULL;
    bool no_lexicon = false;
    const struct cli_opt opts[] = {
        {"model", &model, NULL},
        {"lexicon", &lexicon, NULL},
        {"no-lexicon", NULL, &no_lexicon},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "politeness predict");
    if (rc >= 0)
        return rc;
    if (!model)
        return fail(EXIT_USAGE, "predict needs --model; see 'truce politeness --help'");
    char err[512];
    struct politeness_model *m = politeness_load(model, err, sizeof err);
    if (!m)
        return fail(1, "%s", err);
    struct reader z = {0};
    tokens_init(&z.toks);
    rc = load_lexicon(&z, lexicon, no_lexicon);
    /* Only the first TOKENIZE_MAX_BYTES of a text are read: a longer line
     * is held only that far (and still gets its score). */
    struct buf line;
    buf_init(&line, BUF_NO_LIMIT);
    bool cut;
    while (!rc && cli_read_line(stdin, &line, TOKENIZE_MAX_BYTES + 1, &cut)) {
        size_t n = cli_line_text(&line);
        read_text(&z, line.data);
        struct politeness_result pr;
        politeness_predict(m, &z.toks, line.data, n, z.lx, &pr);
        printf("%.4f\n", pr.probability);
    }
    buf_release(&line);
    if (ferror(stdin) && !rc)
        rc = fail(1, "reading standard input: %s", strerror(errno));
    warn_bad_utf8(&z);
    reader_release(&z);
    politeness_free(m);
    return rc;
}

int cmd_politeness(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"train", run_train},
        {"eval", run_eval},
        {"predict", run_predict},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "politeness");
}
