/* Whether a customer message asks something (an open question counts
 * against the desk until an agent answers). */
#include <string.h>

#include "analysis/analysis_int.h"

/* Words that open a question: wh-words alone ("when will it ship"), verbs
 * only before a pronoun ("can you", "is there", "do I"), since "can someone
 * tell me" asks and "Can't wait" does not (an apostrophe form is its own
 * token). */
static const char *const wh_words[] = {"how", "what", "when", "where", "why", "who", "which"};
static const char *const verb_openers[] = {"can",  "could", "would", "will", "is",  "are",
                                           "do",   "does",  "did",   "should", "shall",
                                           "have", "has",   "may"};
static const char *const question_subjects[] = {"you", "there", "it", "i", "we", "someone",
                                                "anyone", "somebody", "anybody", "this",
                                                "that", "my", "your"};

static bool in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return true;
    return false;
}

#define IN(w, list) in_list((w), (list), sizeof(list) / sizeof((list)[0]))

/* After "what"/"how": "a", "an" or one of a few adjectives opens an
 * exclamation ("what a mess", "how awful"). */
static bool exclamative(const struct tokens *t, size_t i)
{
    const char *w = tok_norm(t, i);
    return strcmp(w, "a") == 0 || strcmp(w, "an") == 0 || strcmp(w, "awful") == 0 ||
           strcmp(w, "terrible") == 0 || strcmp(w, "ridiculous") == 0 ||
           strcmp(w, "great") == 0 || strcmp(w, "nice") == 0 || strcmp(w, "kind") == 0;
}

bool text_asks_question(const struct tokens *t)
{
    int sentence = -1;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        if (k->kind == TOK_PUNCT && memchr(t->text + k->norm, '?', k->norm_len))
            return true;
        if (k->kind != TOK_WORD || (int)k->sentence == sentence)
            continue;
        sentence = k->sentence; /* the first word of a sentence */
        const char *w = tok_norm(t, i);
        bool next_word = i + 1 < t->n && t->v[i + 1].kind == TOK_WORD &&
                         t->v[i + 1].sentence == k->sentence;
        /* "What a mess", "how awful": exclamations, not questions. */
        if (next_word && IN(w, wh_words) && !exclamative(t, i + 1))
            return true;
        if (next_word && IN(w, verb_openers) && IN(tok_norm(t, i + 1), question_subjects))
            return true;
    }
    return false;
}
