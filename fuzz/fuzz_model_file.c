/*
 * libFuzzer target for the model file reader (model_load, model_file.c).
 *
 * An input is one control byte and then the file's bytes, written to a
 * temporary file and loaded.  With the control byte's low bit set the
 * target first writes the right checksum over the file's last 8 bytes, so
 * the fuzzer gets past the checksum into the header and label checks;
 * clear, the bytes go as
 * they are, and a flipped byte must be refused.
 *
 * Invariants: model_load refuses with a reason or loads; a loaded model has
 * 1..MODEL_MAX_LABELS non-empty UTF-8 labels, a feature configuration that
 * passes feat_config_check, and finite weights within +-MODEL_MAX_WEIGHT;
 * model_predict_tokens on a fixed text returns a label index in range and
 * finite probabilities in 0..1 that sum to 1.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/features.h"
#include "analysis/model.h"
#include "util/utf8.h"
#include "analysis/model_int.h"
#include "fuzz.h"
#include "text/stem.h"
#include "text/tokenize.h"

static char path[64];
static struct tokens toks;
static struct featvec fv;

static void init(void)
{
    snprintf(path, sizeof path, "/tmp/truce-fuzz-model-%ld", (long)getpid());
    tokens_init(&toks);
    featvec_init(&fv);
    static const char text[] = "I was charged twice and the app crashes!! Not happy :(";
    struct stemmer *st = stemmer_new("english");
    FUZZ_ASSERT(st != NULL);
    FUZZ_ASSERT(tokenize(text, sizeof text - 1, &toks) == TERR_OK);
    tokens_stem(&toks, st);
    negation_mark(&toks);
    stemmer_free(st);
}

/* True when the model's numbers are finite and within the loader's bound,
 * so that no sum over a message overflows a float. */
static int sane_weights(const struct model *m)
{
    size_t n = m->n_labels;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(m->bias[i]) || fabsf(m->bias[i]) > MODEL_MAX_WEIGHT)
            return 0;
    n *= model_n_buckets(m);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(m->w[i]) || fabsf(m->w[i]) > MODEL_MAX_WEIGHT)
            return 0;
    return 1;
}

static void check_model(const struct model *m)
{
    size_t L = model_n_labels(m);
    FUZZ_ASSERT(L >= 1 && L <= MODEL_MAX_LABELS);
    for (size_t i = 0; i < L; i++) {
        const char *label = model_label(m, i);
        FUZZ_ASSERT(label && label[0] && strlen(label) <= MODEL_MAX_LABEL_LEN);
        FUZZ_ASSERT(utf8_valid(label, strlen(label)));
    }
    FUZZ_ASSERT(feat_config_check(model_features(m)) == NULL);

    float *probs = calloc(L, sizeof *probs);
    FUZZ_ASSERT(probs != NULL);
    size_t best = model_predict_tokens(m, &toks, NULL, &fv, probs);
    FUZZ_ASSERT(best < L);
    FUZZ_ASSERT(sane_weights(m));
    double sum = 0;
    for (size_t i = 0; i < L; i++) {
        FUZZ_ASSERT(isfinite(probs[i]) && probs[i] >= 0 && probs[i] <= 1);
        sum += probs[i];
    }
    FUZZ_ASSERT(fabs(sum - 1) < 1e-3);
    FUZZ_ASSERT(probs[best] >= probs[0]);
    free(probs);
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
    struct model *m = model_load(path, err, sizeof err);
    if (!m) {
        FUZZ_ASSERT(err[0] != '\0');
    } else {
        check_model(m);
        model_free(m);
    }
    unlink(path);
    return 0;
}
