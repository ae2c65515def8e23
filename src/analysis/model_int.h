/*
 * The insides of struct model, shared by model.c, model_file.c and
 * model_train.c.
 *
 * Weights are float32 laid out [bucket][label]: one feature's weights for
 * every label are adjacent, so a feature touches one cache line (for up to
 * 16 labels).  bias[label] is added to every score.  A loaded model points
 * into its read-only mapping; a trained one owns its storage.
 */
#ifndef TRUCE_MODEL_INT_H
#define TRUCE_MODEL_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analysis/features.h"

struct model {
    struct feat_config cfg;
    size_t n_labels;
    const char **labels; /* owned array; the strings in map or in own_text */
    const float *bias;   /* [n_labels] */
    const float *w;      /* [(1 << cfg.log2_buckets) * n_labels] */
    void *map;           /* the mmapped file, or NULL */
    size_t map_len;
    char *own_text;    /* trained: the label strings */
    float *own_floats; /* trained: bias then weights */
};

static inline size_t model_n_buckets(const struct model *m)
{
    return (size_t)1 << m->cfg.log2_buckets;
}

/* Little-endian fields of the model files (model_file.c, politeness.c):
 * memcpy, so any alignment is fine. */
static inline void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static inline uint32_t get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t get64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The checksum a model file ends with, over its bytes p[0..n) before it
 * (model_file.c; the fuzz target uses it to forge valid files). */
uint64_t model_file_checksum(const unsigned char *p, size_t n);

#endif
