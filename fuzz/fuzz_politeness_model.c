/*
 * libFuzzer target for the politeness model reader (politeness_load,
 * politeness.c), which also parses the word lists the model carries.
 *
 * An input is one control byte and then the file's bytes, written to a
 * temporary file and loaded.  With the control byte's low bit set the
 * target first writes the right checksum over the file's last 8 bytes, so
 * the fuzzer gets past the checksum into the header, weight and list
 * checks; clear, the bytes go as they are, and a flipped byte must be
 * refused.
 *
 * Invariants: politeness_load refuses with a reason or loads; a loaded
 * model scores a fixed text with a finite probability in 0..1, finite
 * strategy weights and non-negative strategy counts, and saves to a file
 * that loads again with the same score.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/model_int.h"
#include "analysis/politeness.h"
#include "fuzz.h"
#include "text/tokenize.h"

static char path[64], path2[80];
static struct tokens toks;
static const char text[] = "Hi, could you please check it? Why not?? Thanks a lot, sorry :)";

static void init(void)
{
    snprintf(path, sizeof path, "/tmp/truce-fuzz-polite-%ld", (long)getpid());
    snprintf(path2, sizeof path2, "%s.again", path);
    tokens_init(&toks);
    FUZZ_ASSERT(tokenize(text, sizeof text - 1, &toks) == TERR_OK);
    negation_mark(&toks);
}

static double check_model(const struct politeness_model *m)
{
    struct politeness_result r;
    politeness_predict(m, &toks, text, sizeof text - 1, NULL, &r);
    FUZZ_ASSERT(isfinite(r.probability) && r.probability >= 0 && r.probability <= 1);
    for (int i = 0; i < N_POLITENESS_STRATEGIES; i++) {
        FUZZ_ASSERT(isfinite(r.weight[i]));
        FUZZ_ASSERT(r.present[i] >= 0);
    }
    return r.probability;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0])
        init();
    if (size < 1)
        return 0;
    int fix_sum = data[0] & 1;
    data++, size--;
    unsigned char *file = malloc(size ? size : 1);
    FUZZ_ASSERT(file != NULL);
    memcpy(file, data, size);
    if (fix_sum && size >= 8) {
        uint64_t sum = model_file_checksum(file, size - 8);
        memcpy(file + size - 8, &sum, 8);
    }
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f != NULL);
    FUZZ_ASSERT(fwrite(file, 1, size, f) == size);
    FUZZ_ASSERT(fclose(f) == 0);
    free(file);

    char err[256];
    err[0] = '\0';
    struct politeness_model *m = politeness_load(path, err, sizeof err);
    if (!m) {
        FUZZ_ASSERT(err[0] != '\0');
    } else {
        double p = check_model(m);
        FUZZ_ASSERT(politeness_save(m, path2, err, sizeof err) == TERR_OK);
        struct politeness_model *again = politeness_load(path2, err, sizeof err);
        FUZZ_ASSERT(again != NULL);
        FUZZ_ASSERT(check_model(again) == p);
        politeness_free(again);
        politeness_free(m);
        unlink(path2);
    }
    unlink(path);
    return 0;
}
