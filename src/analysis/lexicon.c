/*
 * The valence lexicon: an open-addressing hash table (linear probing) from
 * normalised key to valence.
 *
 *   slots[0..mask]   power-of-two array; a slot with len == 0 is empty (no key
 *                    is empty).  At most half full, so a probe ends quickly.
 *   keys[0..keys_len) every key's bytes, one after the other (not NUL-
 *                    terminated); a slot names its key by offset and length.
 *
 * Keys are text_fold()ed (NFC, case-folded) at load, as token normal forms
 * are, so a lookup is one hash and usually one memcmp.  The table is built
 * once and never changes afterwards: lookups from many threads are safe.
 *
 * VADER's files have quirks the loader settles the way VADER itself does:
 *   - a word listed twice ("lol") keeps its later valence (a Python dict);
 *   - keys that differ only in case (":D" and ":d") collide once folded:
 *     VADER looks words up in lower case, so the key written in lower case
 *     wins whatever the order;
 *   - an emoji is scored by VADER as the words of its description ("face
 *     with tears of joy"), each word adding its valence to the sum; here the
 *     emoji gets that sum at once (clamped to -4..4), so one token carries
 *     what VADER's several description words would.
 */
#include "analysis/lexicon.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/normalize.h"
#include "util/alloc.h"
#include "util/buf.h"

/* Larger lexicon files are refused: VADER's is 0.4 MB. */
#define LEXICON_MAX_FILE (16u << 20)
/* Longest key, in bytes once folded (VADER's longest is 21). */
#define LEXICON_MAX_KEY 255u

struct lex_slot {
    uint32_t hash;
    uint32_t key;   /* offset into keys */
    uint8_t len;    /* 0: empty slot */
    uint8_t lower;  /* the key was written in lower case in the file */
    float valence;
};

struct lexicon {
    struct lex_slot *slots;
    size_t mask;
    size_t n;
    char *keys;
    size_t keys_len, keys_cap;
};

/* FNV-1a: short keys, no adversary (the keys are our own files). */
static uint32_t hash_key(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static struct lex_slot *find_slot(const struct lexicon *lx, const char *w, size_t len,
                                  uint32_t h)
{
    size_t i = h & lx->mask;
    for (;;) {
        struct lex_slot *sl = &lx->slots[i];
        if (sl->len == 0)
            return sl;
        if (sl->hash == h && sl->len == len && memcmp(lx->keys + sl->key, w, len) == 0)
            return sl;
        i = (i + 1) & lx->mask;
    }
}

static void grow_table(struct lexicon *lx)
{
    size_t old_cap = lx->mask + 1;
    struct lex_slot *old = lx->slots;
    size_t cap = old_cap * 2;
    lx->slots = xcalloc(cap, sizeof *lx->slots);
    lx->mask = cap - 1;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].len == 0)
            continue;
        size_t j = old[i].hash & lx->mask;
        while (lx->slots[j].len != 0)
            j = (j + 1) & lx->mask;
        lx->slots[j] = old[i];
    }
    free(old);
}

/* Sets key w (already folded) to valence v.  lower says the file wrote the
 * key in lower case: such a key is never replaced by one that was not. */
static void put(struct lexicon *lx, const char *w, size_t len, double v, bool lower)
{
    if ((lx->n + 1) * 2 > lx->mask + 1)
        grow_table(lx);
    uint32_t h = hash_key(w, len);
    struct lex_slot *sl = find_slot(lx, w, len, h);
    if (sl->len != 0) {
        if (sl->lower && !lower)
            return;
        sl->valence = (float)v;
        sl->lower = lower;
        return;
    }
    if (lx->keys_len + len > lx->keys_cap) {
        size_t cap = lx->keys_cap ? lx->keys_cap * 2 : 4096;
        while (cap < lx->keys_len + len)
            cap *= 2;
        lx->keys = xrealloc(lx->keys, cap);
        lx->keys_cap = cap;
    }
    memcpy(lx->keys + lx->keys_len, w, len);
    sl->hash = h;
    sl->key = (uint32_t)lx->keys_len;
    sl->len = (uint8_t)len;
    sl->lower = lower;
    sl->valence = (float)v;
    lx->keys_len += len;
    lx->n++;
}

bool lexicon_get(const struct lexicon *lx, const char *w, size_t len, double *valence)
{
    if (!lx || len == 0 || len > LEXICON_MAX_KEY)
        return false;
    const struct lex_slot *sl = find_slot(lx, w, len, hash_key(w, len));
    if (sl->len == 0)
        return false;
    *valence = sl->valence;
    return true;
}

size_t lexicon_size(const struct lexicon *lx)
{
    return lx ? lx->n : 0;
}

void lexicon_free(struct lexicon *lx)
{
    if (!lx)
        return;
    free(lx->slots);
    free(lx->keys);
    free(lx);
}

/* Reads the whole file at path into out (NUL-terminated); false with a reason
 * in err when it cannot be read or is over LEXICON_MAX_FILE. */
static bool read_file(const char *path, struct buf *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return false;
    }
    buf_init(out, LEXICON_MAX_FILE);
    char chunk[16384];
    size_t n;
    bool ok = true;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_add(out, chunk, n) != TERR_OK) {
            snprintf(err, errlen, "'%s' is over %u bytes", path, LEXICON_MAX_FILE);
            ok = false;
            break;
        }
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "cannot read '%s'", path);
        ok = false;
    }
    fclose(f);
    if (ok && buf_add(out, "", 0) != TERR_OK) { /* an empty file still gets its NUL */
        snprintf(err, errlen, "'%s' is over %u bytes", path, LEXICON_MAX_FILE);
        ok = false;
    }
    if (!ok)
        buf_release(out);
    return ok;
}

/* Cuts the next line from *p (up to '\n' or the end, without a trailing
 * '\r') and advances *p past it.  False at the end of the text. */
static bool next_line(const char **p, const char *end, const char **line, size_t *len)
{
    if (*p >= end)
        return false;
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *e = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    if (e > s && e[-1] == '\r')
        e--;
    *line = s;
    *len = (size_t)(e - s);
    return true;
}

/* Folds s[0..len) into key; false with a reason in err when it is not valid
 * UTF-8 or too long. */
static bool fold_key(const char *s, size_t len, struct buf *key, const char *path,
                     size_t lineno, char *err, size_t errlen)
{
    buf_reset(key);
    enum terr e = text_fold(s, len, key);
    if (e == TERR_BAD_UTF8) {
        snprintf(err, errlen, "'%s' line %zu: the token is not valid UTF-8", path, lineno);
        return false;
    }
    if (e != TERR_OK || key->len > LEXICON_MAX_KEY) {
        snprintf(err, errlen, "'%s' line %zu: the token is over %u bytes", path, lineno,
                 LEXICON_MAX_KEY);
        return false;
    }
    return true;
}

static bool is_lower(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return false;
    return true;
}

/* token<TAB>mean[<TAB>anything]: VADER's format (std and ratings follow). */
static bool load_words(struct lexicon *lx, const char *path, char *err, size_t errlen)
{
    struct buf text, key;
    if (!read_file(path, &text, err, errlen))
        return false;
    buf_init(&key, LEXICON_MAX_KEY * 4);
    const char *p = text.data, *end = text.data + text.len;
    const char *line;
    size_t len, lineno = 0;
    bool ok = true;
    while (ok && next_line(&p, end, &line, &len)) {
        lineno++;
        if (len == 0)
            continue;
        const char *tab = memchr(line, '\t', len);
        if (!tab || tab == line) {
            snprintf(err, errlen, "'%s' line %zu: expected token<TAB>valence", path, lineno);
            ok = false;
            break;
        }
        const char *num = tab + 1, *line_end = line + len;
        const char *num_end = memchr(num, '\t', (size_t)(line_end - num));
        if (!num_end)
            num_end = line_end;
        char field[32];
        size_t flen = (size_t)(num_end - num);
        double v = NAN;
        if (flen > 0 && flen < sizeof field) {
            memcpy(field, num, flen);
            field[flen] = '\0';
            char *stop;
            v = strtod(field, &stop);
            if (*stop != '\0')
                v = NAN;
        }
        if (!(v >= -4.0 && v <= 4.0)) {
            snprintf(err, errlen, "'%s' line %zu: the valence '%.*s' is not a number in -4..4",
                     path, lineno, (int)(flen < 20 ? flen : 20), num);
            ok = false;
            break;
        }
        size_t tlen = (size_t)(tab - line);
        if (!fold_key(line, tlen, &key, path, lineno, err, errlen)) {
            ok = false;
            break;
        }
        put(lx, key.data, key.len, v, is_lower(line, tlen));
    }
    buf_release(&key);
    buf_release(&text);
    return ok;
}

static bool is_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

/* VADER's special cases that are whole emoji descriptions: in a sentence,
 * VADER gives the second word this valence instead of its own ("broken"
 * -2.1 then "heart" -2.9, not +3.2). */
static const struct {
    const char *description, *word;
    double valence;
} description_idioms[] = {
    {"broken heart", "heart", -2.9},
    {"beating heart", "heart", 3.1},
};

/* The valence VADER gives the words of an emoji's description: each word,
 * stripped of surrounding punctuation unless that leaves two characters or
 * fewer (VADER's _strip_punc_if_word), looked up and summed.  False when no
 * word is in the lexicon. */
static bool description_valence(const struct lexicon *lx, const char *d, size_t len,
                                struct buf *key, double *out)
{
    double sum = 0;
    bool any = false;
    size_t i = 0;
    while (i < len) {
        while (i < len && d[i] == ' ')
            i++;
        size_t s = i;
        while (i < len && d[i] != ' ')
            i++;
        size_t e = i;
        size_t ss = s, se = e;
        while (ss < se && is_punct(d[ss]))
            ss++;
        while (se > ss && is_punct(d[se - 1]))
            se--;
        if (se - ss > 2) {
            s = ss;
            e = se;
        }
        if (e == s)
            continue;
        buf_reset(key);
        double v = 0;
        bool idiom = false;
        for (size_t k = 0; k < sizeof description_idioms / sizeof *description_idioms; k++) {
            const char *di = description_idioms[k].description;
            const char *dw = description_idioms[k].word;
            if (strlen(di) == len && memcmp(di, d, len) == 0 && strlen(dw) == e - s &&
                memcmp(dw, d + s, e - s) == 0) {
                v = description_idioms[k].valence;
                idiom = true;
            }
        }
        if (idiom || (text_fold(d + s, e - s, key) == TERR_OK &&
                      lexicon_get(lx, key->data, key->len, &v))) {
            sum += v;
            any = true;
        }
    }
    if (sum > 4.0)
        sum = 4.0;
    if (sum < -4.0)
        sum = -4.0;
    *out = sum;
    return any;
}

/* emoji<TAB>description, one a line. */
static bool load_emoji(struct lexicon *lx, const char *path, char *err, size_t errlen)
{
    struct buf text, key, word;
    if (!read_file(path, &text, err, errlen))
        return false;
    buf_init(&key, LEXICON_MAX_KEY * 4);
    buf_init(&word, LEXICON_MAX_KEY * 4);
    /* Collected first, put afterwards: a description is scored by the word
     * lexicon alone, whatever emoji came before it. */
    struct pending {
        uint32_t key, len;
        double v;
    } *todo = NULL;
    size_t n_todo = 0, cap_todo = 0;
    struct buf keys;
    buf_init(&keys, LEXICON_MAX_FILE);
    const char *p = text.data, *end = text.data + text.len;
    const char *line;
    size_t len, lineno = 0;
    bool ok = true;
    while (ok && next_line(&p, end, &line, &len)) {
        lineno++;
        if (len == 0)
            continue;
        const char *tab = memchr(line, '\t', len);
        if (!tab || tab == line || tab + 1 == line + len) {
            snprintf(err, errlen, "'%s' line %zu: expected emoji<TAB>description", path,
                     lineno);
            ok = false;
            break;
        }
        if (!fold_key(line, (size_t)(tab - line), &key, path, lineno, err, errlen)) {
            ok = false;
            break;
        }
        const char *d = tab + 1;
        const char *d_end = memchr(d, '\t', (size_t)(line + len - d));
        if (!d_end)
            d_end = line + len;
        double v;
        if (!description_valence(lx, d, (size_t)(d_end - d), &word, &v))
            continue;
        if (n_todo == cap_todo) {
            cap_todo = cap_todo ? cap_todo * 2 : 256;
            todo = xrealloc(todo, cap_todo * sizeof *todo);
        }
        todo[n_todo].key = (uint32_t)keys.len;
        todo[n_todo].len = (uint32_t)key.len;
        todo[n_todo].v = v;
        n_todo++;
        (void)buf_add(&keys, key.data, key.len); /* within the file's own size */
    }
    for (size_t i = 0; ok && i < n_todo; i++)
        put(lx, keys.data + todo[i].key, todo[i].len, todo[i].v, true);
    free(todo);
    buf_release(&keys);
    buf_release(&word);
    buf_release(&key);
    buf_release(&text);
    return ok;
}

struct lexicon *lexicon_load(const char *path, const char *emoji_path, char *err,
                             size_t errlen)
{
    struct lexicon *lx = xcalloc(1, sizeof *lx);
    lx->slots = xcalloc(1024, sizeof *lx->slots);
    lx->mask = 1023;
    if (!load_words(lx, path, err, errlen) ||
        (emoji_path && !load_emoji(lx, emoji_path, err, errlen))) {
        lexicon_free(lx);
        return NULL;
    }
    return lx;
}
