/*
 * Readability of a draft: words, sentences and the Flesch reading ease,
 * 206.835 - 1.015 (words / sentences) - 84.6 (syllables / words).
 *
 * Syllables are counted the usual rough way for English: groups of vowels
 * (y counts as a vowel after the first letter), less a silent final "e",
 * at least one per word.  Good enough to tell "we will refund you tomorrow"
 * from a paragraph of nominalised policy language.
 */
#include <string.h>

#include "analysis/coach_int.h"

static bool is_vowel(char ch, size_t at)
{
    return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u' || (ch == 'y' && at > 0);
}

static unsigned syllables(const char *w, size_t n)
{
    unsigned count = 0;
    bool prev = false;
    for (size_t i = 0; i < n; i++) {
        bool v = is_vowel(w[i], i);
        if (v && !prev)
            count++;
        prev = v;
    }
    if (n > 2 && w[n - 1] == 'e' && !is_vowel(w[n - 2], n - 2) && count > 1 &&
        !(w[n - 2] == 'l' && !is_vowel(w[n - 3], n - 3)))
        count--; /* "make", not "table" */
    return count ? count : 1;
}

void coach_readability(const struct tokens *t, size_t *words, size_t *sentences, double *ease)
{
    size_t nw = 0, nsyl = 0;
    size_t last_sentence = (size_t)-1, ns = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        if (k->kind != TOK_WORD && k->kind != TOK_NUMBER && k->kind != TOK_ID)
            continue;
        nw++;
        nsyl += k->kind == TOK_WORD ? syllables(tok_norm(t, i), k->norm_len) : 1;
        if (k->sentence != last_sentence) {
            ns++;
            last_sentence = k->sentence;
        }
    }
    *words = nw;
    *sentences = ns;
    if (!nw) {
        *ease = 100;
        return;
    }
    double e = 206.835 - 1.015 * ((double)nw / (double)ns) - 84.6 * ((double)nsyl / (double)nw);
    *ease = e < 0 ? 0 : e > 120 ? 120 : e;
}
