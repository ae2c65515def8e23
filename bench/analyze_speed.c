/*
 * Full analysis throughput on one core: analyze_message() over every text
 * of a CSV column, repeated until about BENCH_SECONDS (default 3) have
 * passed, the way the server runs it on each message.
 *
 *   analyze_speed DATA_DIR MODELS_DIR FILE.csv COLUMN
 *
 * Prints messages/s and the mean bytes per message.  Pin it to one core with
 * taskset (bench/analysis.sh does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/analysis.h"
#include "util/alloc.h"
#include "util/csv.h"
#include "util/utf8.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: analyze_speed DATA_DIR MODELS_DIR FILE.csv COLUMN\n");
        return 2;
    }
    FILE *f = fopen(argv[3], "rb");
    if (!f) {
        fprintf(stderr, "analyze_speed: unable to open '%s'\n", argv[3]);
        return 1;
    }
    char **texts = NULL;
    size_t n = 0, cap = 0, bytes = 0;
    struct csv c;
    csv_init(&c, f, ',');
    int col = -1, got;
    while (csv_next(&c, &got) == TERR_OK && got) {
        if (col < 0) {
            if ((col = csv_column(&c, argv[4])) < 0) {
                fprintf(stderr, "analyze_speed: '%s' has no column '%s'\n", argv[3], argv[4]);
                return 1;
            }
            continue;
        }
        if ((size_t)col >= c.n_fields)
            continue;
        const char *t = csv_field(&c, (size_t)col);
        if (!utf8_valid(t, strlen(t)))
            continue;
        if (n == cap)
            texts = xrealloc(texts, (cap = cap ? cap * 2 : 1024) * sizeof *texts);
        texts[n++] = xstrdup(t);
        bytes += strlen(t);
    }
    csv_release(&c);
    fclose(f);
    if (n == 0) {
        fprintf(stderr, "analyze_speed: no text in '%s'\n", argv[3]);
        return 1;
    }

    char err[256];
    struct analysis_data *d = analysis_data_load(argv[1], argv[2], err, sizeof err);
    if (!d) {
        fprintf(stderr, "analyze_speed: %s\n", err);
        return 1;
    }
    struct analyzer *a = analyzer_new(d);
    struct msg_analysis m;
    const char *secs = getenv("BENCH_SECONDS");
    double budget = secs ? strtod(secs, NULL) : 3.0;
    size_t done = 0;
    long checksum = 0;
    double t0 = now_s(), t1 = t0;
    while (t1 - t0 < budget) {
        for (size_t i = 0; i < n; i++) {
            if (analyze_message(a, texts[i], strlen(texts[i]), &m) == TERR_OK)
                checksum += m.score;
        }
        done += n;
        t1 = now_s();
    }
    printf("%.0f messages/s (%zu messages of %.0f bytes on average, %.2f s, score sum %ld)\n",
           (double)done / (t1 - t0), n, (double)bytes / (double)n, t1 - t0, checksum);
    analyzer_free(a);
    analysis_data_free(d);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    return 0;
}
