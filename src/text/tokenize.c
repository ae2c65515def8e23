/*
 * The tokenizer.
 *
 * One left-to-right pass over validated UTF-8.  At each position the first
 * rule that matches makes the token: URL, emoticon, @handle, #tag or #id,
 * currency amount, keycap emoji, e-mail, a run of letters and digits (words,
 * numbers, ids; hyphenated compounds), an emoji grapheme cluster, or a run of
 * one punctuation mark.  ASCII bytes are classified by a switch; other code
 * points by utf8proc's category and grapheme-boundary class.
 *
 * Invariants of struct tokens after tokenize(): v[0..n) have increasing,
 * non-overlapping [start, end) spans inside the text, each at most
 * TOKEN_MAX_BYTES long; each normal form is NUL-terminated in text[], and
 * stem == norm (tokens_stem() changes that); sentence numbers never
 * decrease and n_sentences is the last one plus one (0 without tokens).
 *
 * The normal form of an all-ASCII token is made here by a lowercase loop;
 * only tokens with other bytes go through utf8proc (text_norm_valid).
 */
#include "tokenize.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text_int.h"
#include "util/alloc.h"
#include "util/utf8.h"

/* Longer runs are cut into several tokens, so norm_len fits its 16 bits
 * even after case folding grows the text. */
#define TOKEN_MAX_BYTES 1024

void tokens_init(struct tokens *t)
{
    memset(t, 0, sizeof(*t));
}

void tokens_release(struct tokens *t)
{
    if (!t)
        return;
    free(t->v);
    free(t->text);
    memset(t, 0, sizeof(*t));
}

/* Character classes. */
enum cc {
    CC_SPACE,
    CC_BREAK,  /* line break: ends a sentence */
    CC_UPPER,  /* Lu, Lt */
    CC_LOWER,  /* Ll */
    CC_LETTER, /* Lm, Lo: letters without case */
    CC_MARK,   /* combining marks: part of the letter before them */
    CC_DIGIT,  /* Nd */
    CC_EMOJI,  /* starts an emoji grapheme cluster */
    CC_PUNCT,
    CC_IGNORE, /* controls and format characters outside a cluster */
};

static inline bool cc_alpha(enum cc c)
{
    return c == CC_UPPER || c == CC_LOWER || c == CC_LETTER || c == CC_MARK;
}

static inline bool cc_alnum(enum cc c)
{
    return cc_alpha(c) || c == CC_DIGIT;
}

static inline enum cc ascii_class(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return CC_LOWER;
    if (c >= 'A' && c <= 'Z')
        return CC_UPPER;
    if (c >= '0' && c <= '9')
        return CC_DIGIT;
    if (c == ' ' || c == '\t')
        return CC_SPACE;
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return CC_BREAK;
    if (c < 0x20 || c == 0x7f)
        return CC_IGNORE;
    return CC_PUNCT;
}

static enum cc uni_class(int32_t c)
{
    if (c == 0x85 || c == 0x2028 || c == 0x2029)
        return CC_BREAK;
    const utf8proc_property_t *p = utf8proc_get_property(c);
    switch (p->boundclass) {
    case UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC:
    case UTF8PROC_BOUNDCLASS_E_ZWG:
    case UTF8PROC_BOUNDCLASS_E_BASE:
    case UTF8PROC_BOUNDCLASS_E_BASE_GAZ:
    case UTF8PROC_BOUNDCLASS_E_MODIFIER:
    case UTF8PROC_BOUNDCLASS_GLUE_AFTER_ZWJ:
    case UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR:
        return CC_EMOJI;
    default:
        break;
    }
    switch (p->category) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        return CC_UPPER;
    case UTF8PROC_CATEGORY_LL:
        return CC_LOWER;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return CC_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CC_MARK;
    case UTF8PROC_CATEGORY_ND:
        return CC_DIGIT;
    case UTF8PROC_CATEGORY_ZS:
        return CC_SPACE;
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return CC_BREAK;
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
        return CC_IGNORE;
    default:
        return CC_PUNCT;
    }
}

/* The scanner's view of the text. */
struct scan {
    const unsigned char *s;
    size_t len;
    struct tokens *t;
    uint16_t sentence;
    bool pending_break; /* the next token starts a new sentence */
    size_t next_at;     /* where the next '@' is (len: none), for e-mail checks */
    long open_dq;       /* token index after an open '"', or -1 */
    long open_cq;       /* ... after an open U+201C */
    long open_sq;       /* ... after an open ' or U+2018 */
};

/* Decodes the code point at i (the text is valid UTF-8); *n gets its size. */
static inline int32_t cp_at(const struct scan *sc, size_t i, size_t *n)
{
    const unsigned char *p = sc->s + i;
    if (p[0] < 0x80) {
        *n = 1;
        return p[0];
    }
    if (p[0] < 0xE0) {
        *n = 2;
        return ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    }
    if (p[0] < 0xF0) {
        *n = 3;
        return ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
    *n = 4;
    return ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

static inline enum cc class_at(const struct scan *sc, size_t i, int32_t *out_cp, size_t *n)
{
    if (i >= sc->len) {
        *n = 0;
        *out_cp = -1;
        return CC_SPACE; /* the end of the text behaves like a space */
    }
    int32_t c = cp_at(sc, i, n);
    *out_cp = c;
    return c < 0x80 ? ascii_class((unsigned char)c) : uni_class(c);
}

static inline enum cc class_of(const struct scan *sc, size_t i)
{
    int32_t c;
    size_t n;
    return class_at(sc, i, &c, &n);
}

/* The class of the code point that ends just before i (CC_SPACE at 0). */
static enum cc class_before(const struct scan *sc, size_t i)
{
    if (i == 0)
        return CC_SPACE;
    size_t j = i - 1;
    while (j > 0 && (sc->s[j] & 0xC0) == 0x80)
        j--;
    return class_of(sc, j);
}

static inline bool is_ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static inline unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* ---- output ---- */

static void text_reserve(struct tokens *t, size_t extra)
{
    if (t->text_cap - t->text_len > extra)
        return;
    size_t cap = t->text_cap ? t->text_cap : 1024;
    while (cap - t->text_len <= extra)
        cap *= 2;
    t->text = xrealloc(t->text, cap);
    t->text_cap = cap;
}

/* Negators grouped by length, so a word is compared with a few at most. */
static bool is_negator(const char *w, size_t n)
{
    if (n >= 3 && w[n - 1] == 't' && w[n - 2] == '\'' && w[n - 3] == 'n')
        return true; /* "don't", "won't", "ain't" */
    static const char *const by_len[9] = {
        [2] = "no",
        [3] = "notnor",
        [4] = "nonedontwontcantisntaint",
        [5] = "neverdidntwasntarenthasnthadntshant",
        [6] = "nobodycannotdoesntwerenthaventmustntneednt",
        [7] = "nothingnowhereneitherwithoutcouldntwouldntmightnt",
        [8] = "shouldnt",
    };
    if (n < 2 || n > 8 || (w[0] != 'n' && w[0] != 'c' && w[0] != 'd' && w[0] != 'w' &&
                           w[0] != 's' && w[0] != 'i' && w[0] != 'a' && w[0] != 'h' &&
                           w[0] != 'm'))
        return false;
    for (const char *p = by_len[n]; *p; p += n) {
        if (memcmp(p, w, n) == 0)
            return true;
    }
    return false;
}

/* Appends a token for s[start..end) of kind with flags, and its normal form. */
static void emit(struct scan *sc, enum tok_kind kind, size_t start, size_t end, unsigned flags)
{
    struct tokens *t = sc->t;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    if (sc->pending_break && t->n > 0 && sc->sentence < UINT16_MAX)
        sc->sentence++;
    sc->pending_break = false;

    const unsigned char *p = sc->s + start;
    size_t len = end - start;
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        if (p[i] >= 0x80) {
            ascii = false;
            break;
        }
    }
    bool fold = kind != TOK_URL; /* a URL's path is case-sensitive */
    bool elong = kind == TOK_WORD;
    size_t norm = t->text_len;
    if (ascii) {
        text_reserve(t, len);
        char *o = t->text + t->text_len;
        size_t w = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = fold ? lower(p[i]) : p[i];
            if (elong && w >= 2 && c == (unsigned char)o[w - 1] &&
                c == (unsigned char)o[w - 2] && c >= 'a' && c <= 'z') {
                flags |= TOK_ELONGATED;
                continue;
            }
            o[w++] = (char)c;
        }
        o[w] = '\0';
        t->text_len += w + 1;
    } else {
        struct buf b = {t->text, t->text_len, t->text_cap, BUF_NO_LIMIT};
        bool cut = false;
        unsigned nf = NORM_APOS | (fold ? NORM_FOLD : 0) | (elong ? NORM_ELONG : 0);
        if (text_norm_valid((const char *)p, len, nf, &b, &cut) != TERR_OK) {
            /* Not reachable for validated text; keep the bytes as written. */
            b.len = t->text_len;
            buf_add(&b, p, len);
        }
        if (cut)
            flags |= TOK_ELONGATED;
        t->text = b.data;
        t->text_cap = b.cap;
        t->text_len = b.len + 1;
    }
    size_t nlen = t->text_len - 1 - norm;
    if (nlen > UINT16_MAX)
        nlen = UINT16_MAX; /* not reachable: tokens are at most TOKEN_MAX_BYTES */
    if (kind == TOK_WORD && is_negator(t->text + norm, nlen))
        flags |= TOK_NEGATOR;

    struct token *k = &t->v[t->n++];
    k->start = (uint32_t)start;
    k->end = (uint32_t)end;
    k->norm = k->stem = (uint32_t)norm;
    k->norm_len = k->stem_len = (uint16_t)nlen;
    k->sentence = sc->sentence;
    k->kind = (uint8_t)kind;
    k->flags = (uint8_t)flags;
}

/* ---- URLs, e-mail, handles, tags ---- */

static bool prefix_ci(const struct scan *sc, size_t i, const char *pre)
{
    size_t n = strlen(pre);
    if (sc->len - i < n)
        return false;
    for (size_t k = 0; k < n; k++) {
        if (lower(sc->s[i + k]) != (unsigned char)pre[k])
            return false;
    }
    return true;
}

/* The end of a URL starting at i, or 0 when none starts there. */
static size_t scan_url(const struct scan *sc, size_t i)
{
    size_t body;
    if (prefix_ci(sc, i, "https://"))
        body = i + 8;
    else if (prefix_ci(sc, i, "http://"))
        body = i + 7;
    else if (prefix_ci(sc, i, "www."))
        body = i + 4;
    else
        return 0;
    if (cc_alnum(class_before(sc, i)))
        return 0;
    size_t j = body;
    int parens = 0;
    while (j < sc->len && j - i < TOKEN_MAX_BYTES) {
        unsigned char c = sc->s[j];
        if (c < 0x80) {
            if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"')
                break;
            parens += c == '(' ? 1 : c == ')' ? -1 : 0;
            j++;
            continue;
        }
        int32_t cp;
        size_t n;
        enum cc k = class_at(sc, j, &cp, &n);
        if (!cc_alnum(k) || j + n - i > TOKEN_MAX_BYTES)
            break;
        j += n;
    }
    /* Sentence punctuation after a URL is not part of it. */
    while (j > body) {
        unsigned char c = sc->s[j - 1];
        if (c == ')' && parens < 0) {
            parens++;
            j--;
        } else if (strchr(".,;:!?'", (char)c)) {
            j--;
        } else {
            break;
        }
    }
    return j > body ? j : 0;
}

static inline bool email_local(unsigned char c)
{
    return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* The end of an e-mail address starting at i, or 0. */
static size_t scan_email(const struct scan *sc, size_t i)
{
    size_t j = i;
    while (j < sc->len && email_local(sc->s[j]) && j - i < 128)
        j++;
    if (j == i || j >= sc->len || sc->s[j] != '@')
        return 0;
    size_t d = ++j, last_label = j;
    int dots = 0;
    while (j < sc->len && j - i < 256) {
        unsigned char c = sc->s[j];
        if (is_ascii_alnum(c) || c == '-') {
            j++;
        } else if (c == '.' && j > d && sc->s[j - 1] != '.' && j + 1 < sc->len &&
                   is_ascii_alnum(sc->s[j + 1])) {
            dots++;
            last_label = ++j;
        } else {
            break;
        }
    }
    if (dots == 0 || j - last_label < 2)
        return 0;
    for (size_t k = last_label; k < j; k++) {
        if (!((sc->s[k] | 0x20) >= 'a' && (sc->s[k] | 0x20) <= 'z'))
            return 0;
    }
    return j;
}

/* @handle: letters, digits and '_' after an '@' that does not follow a letter. */
static size_t scan_handle(const struct scan *sc, size_t i)
{
    size_t j = i + 1;
    while (j < sc->len && (is_ascii_alnum(sc->s[j]) || sc->s[j] == '_') && j - i < 64)
        j++;
    if (j == i + 1 || cc_alnum(class_before(sc, i)))
        return 0;
    return j;
}

/* #tag or #123: letters, digits, marks and '_'; *all_digits for an id. */
static size_t scan_tag(const struct scan *sc, size_t i, bool *all_digits)
{
    size_t j = i + 1;
    *all_digits = true;
    while (j < sc->len && j - i < 140) {
        int32_t cp;
        size_t n;
        enum cc k = class_at(sc, j, &cp, &n);
        if (cp == '_')
            k = CC_LOWER;
        if (!cc_alnum(k))
            break;
        if (k != CC_DIGIT)
            *all_digits = false;
        j += n;
    }
    if (j == i + 1 || cc_alnum(class_before(sc, i)))
        return 0;
    return j;
}

/* ---- emoticons ---- */

struct emoticon {
    const char *s;
    size_t len;
};
#define EMO(x) {x, sizeof(x) - 1}
static const struct emoticon emoticons[] = {
    EMO(":)"),  EMO(":-)"), EMO(":("),  EMO(":-("), EMO(":'("), EMO(":'-("), EMO(":,("),
    EMO(":D"),  EMO(":-D"), EMO(";)"),  EMO(";-)"), EMO(";D"),  EMO(":/"),   EMO(":-/"),
    EMO(":\\"), EMO(":|"),  EMO(":-|"), EMO(":P"),  EMO(":-P"), EMO(":p"),   EMO(":-p"),
    EMO(";P"),  EMO(";p"),  EMO(":o"),  EMO(":O"),  EMO(":-O"), EMO(":-o"),  EMO(":*"),
    EMO(":-*"), EMO(":]"),  EMO(":["),  EMO(":@"),  EMO(":$"),  EMO("=)"),   EMO("=("),
    EMO("=D"),  EMO("=/"),  EMO(">:("), EMO(">:-("), EMO(">:)"), EMO("<3"),  EMO("</3"),
    EMO("xD"),  EMO("XD"),  EMO("xP"),  EMO("XP"),  EMO("^_^"), EMO("^^"),   EMO("^.^"),
    EMO("-_-"), EMO("T_T"), EMO(";_;"), EMO("o_O"), EMO("O_o"), EMO("o.O"),  EMO("O.o"),
    EMO(":'D"), EMO(":')"), EMO("8-)"),
};
#undef EMO

/* Whether an emoticon may start at i: its first character, and for a
 * letter or digit the mark after it ("xD", "o_O", "8-)"). */
static inline bool emoticon_start(const struct scan *sc, size_t i)
{
    switch (sc->s[i]) {
    case ':': case ';': case '=': case '<': case '>': case '^': case '-':
        return true;
    case 'x': case 'X': case 'o': case 'O': case 'T': case '8':
        if (i + 1 >= sc->len)
            return false;
        switch (sc->s[i + 1]) {
        case 'D': case 'P': case '_': case '.': case '-':
            return true;
        default:
            return false;
        }
    default:
        return false;
    }
}

/* The end of an emoticon at i, or 0.  A final ) ( D P [ ] may repeat (":)))"). */
static size_t scan_emoticon(const struct scan *sc, size_t i)
{
    size_t best = 0;
    for (size_t e = 0; e < sizeof(emoticons) / sizeof(emoticons[0]); e++) {
        const char *m = emoticons[e].s;
        size_t n = emoticons[e].len;
        if (n <= best || (unsigned char)m[0] != sc->s[i] || sc->len - i < n ||
            memcmp(sc->s + i, m, n) != 0)
            continue;
        best = n;
    }
    if (!best)
        return 0;
    unsigned char last = sc->s[i + best - 1];
    size_t j = i + best;
    if (strchr(")(DP[]", (char)last)) {
        while (j < sc->len && sc->s[j] == last && j - i < 32)
            j++;
    }
    /* Letters at either edge would make "xDrive" or "re:Pay" an emoticon. */
    if (cc_alnum(class_of(sc, j)))
        return 0;
    if (is_ascii_alnum(sc->s[i]) && cc_alnum(class_before(sc, i)))
        return 0;
    if ((sc->s[j - 1] == '/' || sc->s[j - 1] == '\\') && j < sc->len &&
        (sc->s[j] == '/' || sc->s[j] == '\\'))
        return 0; /* "ftp://" */
    return j;
}

/* ---- words, numbers, ids ---- */

/* One segment of an alphanumeric run; hyphens join segments. */
struct seg {
    size_t start, end;
    unsigned letters, digits, upper, lower;
    bool first_upper, rest_upper, digits_first;
    size_t digit_end; /* end of the leading number, when digits_first */
};

static bool is_apostrophe(int32_t c)
{
    return c == '\'' || c == 0x2019 || c == 0x02BC;
}

/* Scans one segment from i, which holds a letter, mark or digit. */
static size_t scan_segment(const struct scan *sc, size_t i, size_t limit, struct seg *g)
{
    memset(g, 0, sizeof(*g));
    g->start = i;
    size_t j = i;
    enum cc prev = CC_SPACE;
    bool in_number = false;
    while (j < limit) {
        int32_t c;
        size_t n;
        enum cc k;
        if (sc->s[j] < 0x80) {
            c = sc->s[j];
            n = 1;
            k = ascii_class(sc->s[j]);
        } else {
            k = class_at(sc, j, &c, &n);
            if (j + n > limit)
                break;
        }
        if (cc_alnum(k)) {
            if (k == CC_DIGIT) {
                if (j == i)
                    g->digits_first = in_number = true;
                g->digits++;
                if (in_number)
                    g->digit_end = j + n;
            } else if (k != CC_MARK) {
                in_number = false;
                if ((k == CC_UPPER) && g->letters == 0)
                    g->first_upper = true;
                else if (k == CC_UPPER)
                    g->rest_upper = true;
                g->letters++;
                g->upper += k == CC_UPPER;
                g->lower += k == CC_LOWER;
            }
            prev = k;
            j += n;
            continue;
        }
        /* Joiners: an apostrophe between letters ("don't"), and . , : /
         * between digits ("3.5", "1,200", "10:30", "24/7"). */
        size_t n2;
        int32_t c2;
        enum cc next = class_at(sc, j + n, &c2, &n2);
        if (is_apostrophe(c) && cc_alpha(prev) && prev != CC_DIGIT && cc_alpha(next) &&
            j + n + n2 <= limit) {
            j += n;
            prev = CC_PUNCT;
            continue;
        }
        if ((c == '.' || c == ',' || c == ':' || c == '/') && prev == CC_DIGIT &&
            next == CC_DIGIT && j + 2 <= limit) {
            if (c == ',') {
                /* a thousands separator has three digits after it */
                size_t d = j + 1;
                while (d < sc->len && d - j <= 4 && sc->s[d] >= '0' && sc->s[d] <= '9')
                    d++;
                if (d - j != 4)
                    break;
            }
            j += 1;
            prev = CC_PUNCT;
            continue;
        }
        break;
    }
    g->end = j;
    return j;
}

static bool is_unit_suffix(const unsigned char *p, size_t n)
{
    static const char *const units[] = {"st", "nd", "rd", "th", "am", "pm", "k",
                                        "h",  "hr", "hrs", "min", "mins", "x"};
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        size_t m = strlen(units[u]);
        if (m != n)
            continue;
        size_t k = 0;
        while (k < n && lower(p[k]) == (unsigned char)units[u][k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static unsigned word_flags(const struct seg *g)
{
    unsigned f = 0;
    if (g->letters >= 2 && g->lower == 0 && g->upper >= 2)
        f |= TOK_ALLCAPS;
    else if (g->first_upper && !g->rest_upper)
        f |= TOK_CAPITALISED;
    return f;
}

/* Emits the tokens of one segment that stands alone. */
static void emit_segment(struct scan *sc, const struct seg *g, size_t end)
{
    if (g->digits == 0) {
        emit(sc, TOK_WORD, g->start, end, word_flags(g));
    } else if (g->letters == 0) {
        emit(sc, TOK_NUMBER, g->start, end, 0);
    } else if (g->digits_first && g->digit_end > g->start &&
               is_unit_suffix(sc->s + g->digit_end, end - g->digit_end)) {
        emit(sc, TOK_NUMBER, g->start, end, 0); /* "3rd", "10am", "5k" */
    } else {
        emit(sc, TOK_ID, g->start, end, 0);
    }
}

#define MAX_SEGS 8

/* A run of segments joined by single hyphens: "follow-up", "AB-12-C".
 * A compound whose letters are all capitals or single letters and that has
 * digits is one id; otherwise each segment is its own token. */
static size_t scan_run(struct scan *sc, size_t i, size_t prefix_start)
{
    size_t limit = i + TOKEN_MAX_BYTES < sc->len ? i + TOKEN_MAX_BYTES : sc->len;
    struct seg segs[MAX_SEGS];
    size_t n = 0, j = i;
    for (;;) {
        j = scan_segment(sc, j, limit, &segs[n++]);
        if (n == MAX_SEGS || j + 1 >= limit || sc->s[j] != '-' ||
            !cc_alnum(class_of(sc, j + 1)) || class_of(sc, j + 1) == CC_MARK)
            break;
        j++;
    }
    /* "e.g.", "U.S.": single letters each followed by a dot form one word. */
    if (n == 1 && segs[0].letters == 1 && segs[0].digits == 0 && segs[0].end - i <= 4 &&
        j + 2 < limit && sc->s[j] == '.' && cc_alpha(class_of(sc, j + 1))) {
        size_t k = j;
        while (k + 1 < limit && sc->s[k] == '.' && cc_alpha(class_of(sc, k + 1))) {
            size_t e = k + 1;
            int32_t c;
            size_t cn;
            class_at(sc, e, &c, &cn);
            e += cn;
            if (e < limit && cc_alnum(class_of(sc, e)))
                break;
            k = e;
        }
        if (k > j && k < sc->len && sc->s[k] == '.') {
            emit(sc, TOK_WORD, i, k + 1, 0);
            return k + 1;
        }
    }
    unsigned digits = 0, letters = 0, lower_letters = 0;
    bool short_letters = true;
    for (size_t k = 0; k < n; k++) {
        digits += segs[k].digits;
        letters += segs[k].letters;
        lower_letters += segs[k].lower;
        if (segs[k].letters > 1 && segs[k].lower)
            short_letters = false;
    }
    size_t end = segs[n - 1].end;
    if (prefix_start < i || (n == 1 && end < sc->len && sc->s[end] == '%' && letters == 0)) {
        /* "$40", "40%" */
        if (end < sc->len && sc->s[end] == '%')
            end++;
        emit(sc, letters ? TOK_ID : TOK_NUMBER, prefix_start, end, 0);
        return end;
    }
    if (n > 1 && digits > 0 && (short_letters || letters == 0)) {
        emit(sc, TOK_ID, i, end, 0);
        return end;
    }
    (void)lower_letters;
    for (size_t k = 0; k < n; k++)
        emit_segment(sc, &segs[k], segs[k].end);
    return end;
}

/* ---- punctuation, quotes and sentences ---- */

static bool is_sentence_end(int32_t c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == 0x3002 || c == 0xFF01 ||
           c == 0xFF1F || c == 0x203C || c == 0x2047 || c == 0x2048 || c == 0x2049;
}

/* Abbreviations that a '.' follows without ending the sentence, grouped by
 * length like the negators. */
static bool is_abbreviation(const char *w, size_t n)
{
    static const char *const by_len[7] = {
        [2] = "mrmsdrsrjrstvsmtcoftlt",
        [3] = "mrsestincltdjanfebmaraprjunjulaugsepoctnovdecsgtgenrevfigref",
        [4] = "profdeptcorpseptcapt",
        [6] = "approx",
    };
    if (n < 2 || n > 6 || !by_len[n])
        return false;
    for (const char *p = by_len[n]; *p; p += n) {
        if (memcmp(p, w, n) == 0)
            return true;
    }
    return false;
}

/* True when the token before a '.' at i is an abbreviation such as "Mr". */
static bool after_abbreviation(const struct scan *sc, size_t i)
{
    const struct tokens *t = sc->t;
    if (t->n == 0)
        return false;
    const struct token *k = &t->v[t->n - 1];
    if (k->end != i || k->kind != TOK_WORD)
        return false;
    const char *w = t->text + k->norm;
    size_t n = k->norm_len;
    if (n == 1 && (k->flags & TOK_CAPITALISED) && w[0] != 'i')
        return true; /* an initial: "J. Smith" */
    /* "no." ends a sentence far more often than it abbreviates "number",
     * unless a digit follows ("No. 5"). */
    if (n == 2 && memcmp(w, "no", 2) == 0) {
        size_t j = i + 1;
        while (j < sc->len && sc->s[j] == ' ')
            j++;
        return j < sc->len && sc->s[j] >= '0' && sc->s[j] <= '9';
    }
    return is_abbreviation(w, n);
}

static void mark_quoted(struct tokens *t, long from, size_t to)
{
    for (size_t k = (size_t)from; k < to; k++)
        t->v[k].flags |= TOK_QUOTED;
}

/* Quotation marks: called for a punctuation token [i, j) of code point c,
 * before it is emitted (so t->n is the index it will get). */
static void handle_quote(struct scan *sc, int32_t c, size_t i, size_t j)
{
    size_t n = sc->t->n;
    if (c == '"') {
        if (sc->open_dq < 0) {
            sc->open_dq = (long)n + 1;
        } else {
            mark_quoted(sc->t, sc->open_dq, n);
            sc->open_dq = -1;
        }
    } else if (c == 0x201C || c == 0x201E) {
        sc->open_cq = (long)n + 1;
    } else if (c == 0x201D) {
        if (sc->open_cq >= 0)
            mark_quoted(sc->t, sc->open_cq, n);
        sc->open_cq = -1;
    } else if (c == '\'' || c == 0x2018 || c == 0x2019) {
        /* A single quote opens only before a letter after a space, and
         * closes only after a letter before a space, within one sentence
         * and a few words: "customers' bags" and "'til" stay apostrophes. */
        enum cc before = class_before(sc, i), after = class_of(sc, j);
        bool can_open = (before == CC_SPACE || before == CC_BREAK ||
                         (before == CC_PUNCT && i > 0 && strchr("([\"", sc->s[i - 1]))) &&
                        cc_alnum(after);
        bool can_close = cc_alnum(before) && !cc_alnum(after);
        if (can_close && sc->open_sq >= 0) {
            if (n > (size_t)sc->open_sq && n - (size_t)sc->open_sq <= 12 &&
                sc->t->v[sc->open_sq].sentence == sc->sentence)
                mark_quoted(sc->t, sc->open_sq, n);
            sc->open_sq = -1;
        } else if (can_open) {
            sc->open_sq = (long)n + 1;
        }
    }
}

/* A run of one punctuation mark (with any combining marks after it). */
static size_t scan_punct(struct scan *sc, size_t i)
{
    int32_t c;
    size_t n;
    class_at(sc, i, &c, &n);
    size_t j = i + n;
    bool quote = c == '"' || c == '\'' || (c >= 0x2018 && c <= 0x201E);
    while (!quote && j < sc->len && j - i < TOKEN_MAX_BYTES - 4) {
        int32_t c2;
        size_t n2;
        class_at(sc, j, &c2, &n2);
        if (c2 != c)
            break;
        j += n2;
    }
    while (j < sc->len && j - i < TOKEN_MAX_BYTES - 4) {
        int32_t c2;
        size_t n2;
        if (class_at(sc, j, &c2, &n2) != CC_MARK && c2 != 0x200D)
            break;
        j += n2;
    }
    if (quote)
        handle_quote(sc, c, i, j);
    bool ends = false;
    if (is_sentence_end(c)) {
        enum cc next = class_of(sc, j);
        ends = (next == CC_SPACE || next == CC_BREAK) &&
               !(c == '.' && j - i == 1 && after_abbreviation(sc, i));
    } else if (quote || c == ')') {
        /* a closing mark right after the end: "... he said 'no.' Then" */
        const struct tokens *t = sc->t;
        if (t->n && t->v[t->n - 1].end == i && t->v[t->n - 1].kind == TOK_PUNCT) {
            int32_t pc;
            size_t pn;
            size_t pe = t->v[t->n - 1].start;
            class_at(sc, pe, &pc, &pn);
            enum cc next = class_of(sc, j);
            ends = is_sentence_end(pc) && (next == CC_SPACE || next == CC_BREAK);
        }
    }
    emit(sc, TOK_PUNCT, i, j, 0);
    if (ends)
        sc->pending_break = true;
    return j;
}

/* An emoji: one extended grapheme cluster from i. */
static size_t scan_emoji(struct scan *sc, size_t i)
{
    int32_t prev;
    size_t n;
    class_at(sc, i, &prev, &n);
    size_t j = i + n;
    utf8proc_int32_t state = 0;
    while (j < sc->len && j - i < 64) {
        int32_t c;
        size_t n2;
        class_at(sc, j, &c, &n2);
        if (utf8proc_grapheme_break_stateful(prev, c, &state))
            break;
        prev = c;
        j += n2;
    }
    emit(sc, TOK_EMOJI, i, j, 0);
    return j;
}

/* "1️⃣", "#️⃣": a keycap is an emoji, not a number. */
static size_t scan_keycap(const struct scan *sc, size_t i)
{
    size_t j = i + 1;
    if (j + 3 <= sc->len && memcmp(sc->s + j, "\xef\xb8\x8f", 3) == 0)
        j += 3;
    if (j + 3 <= sc->len && memcmp(sc->s + j, "\xe2\x83\xa3", 3) == 0)
        return j + 3;
    return 0;
}

static bool is_currency(int32_t c)
{
    return c == '$' || c == 0x20AC || c == 0xA3 || c == 0xA5;
}

enum terr tokenize(const char *text, size_t len, struct tokens *t)
{
    t->n = 0;
    t->text_len = 0;
    t->n_sentences = 0;
    if (len > TOKENIZE_MAX_BYTES)
        return TERR_TOO_LARGE;
    if (len == 0)
        return TERR_OK;
    /* Most messages are ASCII: check that 8 bytes at a time, and leave the
     * rest (from the first non-ASCII word on) to utf8_valid. */
    size_t a = 0;
    while (a + 8 <= len) {
        uint64_t w;
        memcpy(&w, text + a, 8);
        /* a byte >= 0x80, or a zero byte (NUL is never valid text) */
        if ((w & 0x8080808080808080ull) || ((w - 0x0101010101010101ull) & ~w &
                                            0x8080808080808080ull))
            break;
        a += 8;
    }
    if (!utf8_valid(text + a, len - a))
        return TERR_BAD_UTF8;

    struct scan sc = {
        .s = (const unsigned char *)text,
        .len = len,
        .t = t,
        .next_at = len,
        .open_dq = -1,
        .open_cq = -1,
        .open_sq = -1,
    };
    const char *first_at = memchr(text, '@', len);
    sc.next_at = first_at ? (size_t)(first_at - text) : len;
    size_t i = 0;
    while (i < len) {
        int32_t c;
        size_t n;
        enum cc k = class_at(&sc, i, &c, &n);
        size_t j = 0;
        switch (k) {
        case CC_SPACE:
        case CC_IGNORE:
        case CC_MARK: /* a combining mark with nothing to combine with */
            i += n;
            continue;
        case CC_BREAK:
            sc.pending_break = true;
            sc.open_sq = -1;
            i += n;
            continue;
        case CC_EMOJI:
            i = scan_emoji(&sc, i);
            continue;
        default:
            break;
        }
        if (c == 'h' || c == 'H' || c == 'w' || c == 'W')
            j = scan_url(&sc, i);
        if (j) {
            emit(&sc, TOK_URL, i, j, 0);
            i = j;
            continue;
        }
        if (c < 0x80 && emoticon_start(&sc, i)) {
            j = scan_emoticon(&sc, i);
            if (j) {
                emit(&sc, TOK_EMOTICON, i, j, 0);
                i = j;
                continue;
            }
        }
        if ((c == '#' || (c >= '0' && c <= '9') || c == '*') && (j = scan_keycap(&sc, i))) {
            emit(&sc, TOK_EMOJI, i, j, 0);
            i = j;
            continue;
        }
        if (c == '@' && (j = scan_handle(&sc, i))) {
            emit(&sc, TOK_HANDLE, i, j, 0);
            i = j;
            continue;
        }
        if (c == '#') {
            bool digits;
            if ((j = scan_tag(&sc, i, &digits))) {
                emit(&sc, digits ? TOK_ID : TOK_HASHTAG, i, j, 0);
                i = j;
                continue;
            }
        }
        if (is_currency(c) && i + n < len && class_of(&sc, i + n) == CC_DIGIT) {
            i = scan_run(&sc, i + n, i);
            continue;
        }
        if (cc_alnum(k)) {
            if (sc.next_at < i) {
                const char *at = memchr(text + i, '@', len - i);
                sc.next_at = at ? (size_t)(at - text) : len;
            }
            /* an address's local part is at most 128 bytes before its '@' */
            if (sc.next_at - i <= 128 && c < 0x80 && (j = scan_email(&sc, i))) {
                emit(&sc, TOK_EMAIL, i, j, 0);
                i = j;
                continue;
            }
            i = scan_run(&sc, i, i);
            continue;
        }
        i = scan_punct(&sc, i);
    }
    t->n_sentences = t->n ? (size_t)sc.sentence + 1 : 0;
    return TERR_OK;
}
