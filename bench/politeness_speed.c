/*
 * politeness_predict() on a 100-word reply, on one core (bench/politeness.sh).
 *
 *   politeness_speed MODEL LEXICON
 *
 * The text is tokenized and negation-marked once, as the coach hands it
 * over; the loop times the prediction alone, then tokenizing plus
 * prediction.  Prints "<us per predict> <us per tokenize+predict>".
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analysis/lexicon.h"
#include "analysis/politeness.h"
#include "text/tokenize.h"

static const char reply[] =
    "Hi Maria, thank you for getting in touch, and I'm really sorry that your parcel "
    "still hasn't arrived. I can see why that is frustrating, especially after you "
    "were promised it by Friday. I've opened a trace with the courier this morning, "
    "and I'll email you by Thursday with what they find. If it can't be found, we "
    "will send a replacement at no cost, or refund you in full if you prefer. Could "
    "you let me know which you would like? Thanks again for your patience, and "
    "please reply here if anything else comes up.";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: politeness_speed MODEL LEXICON\n", stderr);
        return 2;
    }
    char err[512];
    struct politeness_model *m = politeness_load(argv[1], err, sizeof err);
    struct lexicon *lx = m ? lexicon_load(argv[2], NULL, err, sizeof err) : NULL;
    if (!m || !lx) {
        fprintf(stderr, "politeness_speed: %s\n", err);
        return 1;
    }
    struct tokens t;
    tokens_init(&t);
    size_t len = strlen(reply);
    tokenize(reply, len, &t);
    negation_mark(&t);
    struct politeness_result r;
    double sink = 0;
    int n = 200000;
    double t0 = now();
    for (int i = 0; i < n; i++) {
        politeness_predict(m, &t, reply, len, lx, &r);
        sink += r.probability;
    }
    double t1 = now();
    int n2 = 50000;
    for (int i = 0; i < n2; i++) {
        tokenize(reply, len, &t);
        negation_mark(&t);
        politeness_predict(m, &t, reply, len, lx, &r);
        sink += r.probability;
    }
    double t2 = now();
    printf("%.2f %.2f (%zu tokens, p=%.3f, check %.0f)\n", (t1 - t0) / n * 1e6,
           (t2 - t1) / n2 * 1e6, t.n, r.probability, sink);
    tokens_release(&t);
    lexicon_free(lx);
    politeness_free(m);
    return 0;
}
