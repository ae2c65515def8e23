/*
 * The model file: what `truce model train` writes and model_load() maps.
 *
 *   offset  size  field
 *   0       8     magic "TRUCEMDL"
 *   8       4     format version (MODEL_FORMAT_VERSION)
 *   12      4     byte-order mark 0x01020304 (files are little-endian)
 *   16      1+1+1+1+1  word_ngrams, char_min, char_max, lexicon, log2_buckets
 *   21      3     zero
 *   24      4     hashing seed
 *   28      4     n_labels
 *   32      4     labels_len: bytes of the label block, a multiple of 8
 *   36      4     zero
 *   40      8     file size, checksum included
 *   48      16    zero
 *   64      labels_len   labels, each NUL-terminated, zero-padded
 *   then    bias float32[n_labels], zero-padded to a multiple of 64 bytes
 *   then    weights float32[2^log2_buckets][n_labels], at a 64-byte offset
 *   end-8   8     checksum of every byte before it (model_file_checksum())
 *
 * Everything the loader reads is checked before it is trusted: the size is
 * recomputed from the header and must equal the file's, and the checksum
 * covers the whole file, so a flipped byte anywhere is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/model.h"
#include "analysis/model_int.h"
#include "util/alloc.h"
#include "util/utf8.h"

#define MODEL_MAGIC "TRUCEMDL"
#define MODEL_FORMAT_VERSION 1u
#define MODEL_BYTE_ORDER 0x01020304u
#define HEADER_BYTES 64u

/* FNV-1a-64 over 64-bit little-endian words, with a shift after each
 * multiply so high bits feed back into low ones.  Each step is a bijection
 * of the state for a given word, so any change to one word changes the
 * result.  About 5 bytes per cycle: a 16 MB model checks in a few ms. */
uint64_t model_file_checksum(const unsigned char *p, size_t n)
{
    const uint64_t prime = 0x100000001b3ULL;
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * prime;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * prime;
    h ^= n;
    return h ^ (h >> 32);
}

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

struct layout {
    size_t labels_off, bias_off, w_off, sum_off, size;
};

/* Offsets for a model with these counts; false when they are absurd. */
static int layout_of(size_t n_labels, size_t labels_len, unsigned log2_buckets,
                     struct layout *out)
{
    if (n_labels < 1 || n_labels > MODEL_MAX_LABELS || labels_len % 8 ||
        labels_len > n_labels * (MODEL_MAX_LABEL_LEN + 1) + 8 ||
        log2_buckets < FEAT_MIN_LOG2_BUCKETS || log2_buckets > FEAT_MAX_LOG2_BUCKETS)
        return 0;
    out->labels_off = HEADER_BYTES;
    out->bias_off = out->labels_off + labels_len;
    out->w_off = round_up(out->bias_off + n_labels * sizeof(float), 64);
    out->sum_off = out->w_off + ((size_t)1 << log2_buckets) * n_labels * sizeof(float);
    out->size = out->sum_off + 8;
    return 1;
}

enum terr model_save(const struct model *m, const char *path, char *err, size_t errlen)
{
    size_t labels_len = 0;
    for (size_t i = 0; i < m->n_labels; i++)
        labels_len += strlen(m->labels[i]) + 1;
    labels_len = round_up(labels_len, 8);
    struct layout lo;
    if (!layout_of(m->n_labels, labels_len, m->cfg.log2_buckets, &lo))
        BUG("model_save: a model with impossible sizes");

    unsigned char *p = xcalloc(1, lo.size);
    memcpy(p, MODEL_MAGIC, 8);
    put32(p + 8, MODEL_FORMAT_VERSION);
    put32(p + 12, MODEL_BYTE_ORDER);
    p[16] = m->cfg.word_ngrams;
    p[17] = m->cfg.char_min;
    p[18] = m->cfg.char_max;
    p[19] = m->cfg.lexicon;
    p[20] = m->cfg.log2_buckets;
    put32(p + 24, m->cfg.seed);
    put32(p + 28, (uint32_t)m->n_labels);
    put32(p + 32, (uint32_t)labels_len);
    uint64_t size = lo.size;
    memcpy(p + 40, &size, 8);
    size_t at = lo.labels_off;
    for (size_t i = 0; i < m->n_labels; i++) {
        size_t n = strlen(m->labels[i]) + 1;
        memcpy(p + at, m->labels[i], n);
        at += n;
    }
    memcpy(p + lo.bias_off, m->bias, m->n_labels * sizeof(float));
    memcpy(p + lo.w_off, m->w, lo.sum_off - lo.w_off);
    uint64_t sum = model_file_checksum(p, lo.sum_off);
    memcpy(p + lo.sum_off, &sum, 8);

    /* Written beside the target and renamed, so a reader never maps half a file. */
    size_t tlen = strlen(path) + 16;
    char *tmp = xmalloc(tlen);
    snprintf(tmp, tlen, "%s.tmp%ld", path, (long)getpid());
    enum terr e = TERR_OK;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        e = TERR_IO;
    } else {
        int bad = fwrite(p, 1, lo.size, f) != lo.size;
        bad |= fclose(f) != 0;
        if (bad || rename(tmp, path) != 0) {
            snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            unlink(tmp);
            e = TERR_IO;
        }
    }
    free(tmp);
    free(p);
    return e;
}

/* True when the n floats at p are finite and within +-MODEL_MAX_WEIGHT. */
static int weights_in_range(const unsigned char *p, size_t n)
{
    const float *f = (const float *)(const void *)p;
    for (size_t i = 0; i < n; i++)
        if (!(f[i] >= -MODEL_MAX_WEIGHT && f[i] <= MODEL_MAX_WEIGHT)) /* NaN fails too */
            return 0;
    return 1;
}

/* Fills m from the mapped bytes p[0..n) or says why not (without the path). */
static const char *parse(const unsigned char *p, size_t n, struct model *m)
{
    if (n < 8 || memcmp(p, MODEL_MAGIC, 8) != 0)
        return "not a truce model";
    if (n < HEADER_BYTES)
        return "truncated truce model";
    if (get32(p + 12) != MODEL_BYTE_ORDER)
        return "truce model of another byte order";
    if (get32(p + 8) != MODEL_FORMAT_VERSION)
        return "truce model of another format version";
    struct feat_config c = {
        .word_ngrams = p[16],
        .char_min = p[17],
        .char_max = p[18],
        .lexicon = p[19],
        .log2_buckets = p[20],
        .seed = get32(p + 24),
    };
    size_t n_labels = get32(p + 28), labels_len = get32(p + 32);
    uint64_t size = get64(p + 40);
    struct layout lo;
    if (feat_config_check(&c) || !layout_of(n_labels, labels_len, c.log2_buckets, &lo) ||
        size != lo.size)
        return "truce model with an impossible header";
    if (n < lo.size)
        return "truncated truce model";
    if (n > lo.size)
        return "truce model with trailing bytes";
    if (model_file_checksum(p, lo.sum_off) != get64(p + lo.sum_off))
        return "corrupt truce model (checksum mismatch)";

    /* The weights: finite and bounded, so no sum over a message's features
     * can overflow into infinities and NaN probabilities.  Training with L2
     * never comes near the bound; a file past it was not made by truce. */
    if (!weights_in_range(p + lo.bias_off, n_labels) ||
        !weights_in_range(p + lo.w_off, ((size_t)1 << c.log2_buckets) * n_labels))
        return "truce model with weights out of range";

    /* The labels: n_labels non-empty NUL-terminated UTF-8 strings inside the
     * block. */
    const char **labels = xcalloc(n_labels, sizeof(*labels));
    const char *s = (const char *)p + lo.labels_off, *end = s + labels_len;
    for (size_t i = 0; i < n_labels; i++) {
        const char *nul = memchr(s, '\0', (size_t)(end - s));
        if (!nul || nul == s || (size_t)(nul - s) > MODEL_MAX_LABEL_LEN ||
            !utf8_valid(s, (size_t)(nul - s))) {
            free(labels);
            return "truce model with broken labels";
        }
        labels[i] = s;
        s = nul + 1;
    }
    m->cfg = c;
    m->n_labels = n_labels;
    m->labels = labels;
    m->bias = (const float *)(const void *)(p + lo.bias_off);
    m->w = (const float *)(const void *)(p + lo.w_off);
    return NULL;
}

struct model *model_load(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "'%s': not a truce model (not a regular file)", path);
        close(fd);
        return NULL;
    }
    if (st.st_size == 0 || (uint64_t)st.st_size > (uint64_t)1 << 34) {
        snprintf(err, errlen, "'%s': not a truce model (%s)", path,
                 st.st_size ? "too large" : "empty");
        close(fd);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    void *map = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(err, errlen, "cannot map '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct model *m = xcalloc(1, sizeof(*m));
    const char *why = parse(map, n, m);
    if (why) {
        snprintf(err, errlen, "'%s': %s", path, why);
        munmap(map, n);
        free(m);
        return NULL;
    }
    m->map = map;
    m->map_len = n;
    return m;
}
