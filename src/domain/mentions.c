/* @mentions in notes (mentions.h). */
#include "mentions.h"

#include <stdbool.h>
#include <string.h>

/* A character of a mention's name (and of an email's local part). */
static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '+' || c == '-';
}

size_t mentions_parse(const char *text, char names[][MENTION_NAME_MAX + 1], size_t max)
{
    size_t n = 0;
    if (!text)
        return 0;
    for (const char *p = text; *p && n < max; p++) {
        if (*p != '@' || (p > text && (name_char(p[-1]) || p[-1] == '@')))
            continue;
        const char *start = p + 1, *end = start;
        while (name_char(*end))
            end++;
        const char *after = end;
        while (end > start && (end[-1] == '.' || end[-1] == '-'))
            end--;
        size_t len = (size_t)(end - start);
        p = after - 1; /* the loop's p++ goes on after the name */
        /* "@priya@x.com" is an address, not a mention. */
        if (len == 0 || len > MENTION_NAME_MAX || *after == '@')
            continue;
        char name[MENTION_NAME_MAX + 1];
        for (size_t i = 0; i < len; i++)
            name[i] = (start[i] >= 'A' && start[i] <= 'Z') ? (char)(start[i] + 32) : start[i];
        name[len] = '\0';
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = strcmp(names[i], name) == 0;
        if (!seen)
            memcpy(names[n++], name, len + 1);
    }
    return n;
}
