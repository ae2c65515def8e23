#include "ticket_rules.h"

#include <string.h>

#include "../util/utf8.h"

enum terr ticket_set_status(struct ticket *t, enum ticket_status to, int64_t now,
                            struct terr_info *ei)
{
    if (t->status == to)
        return TERR_OK;
    if (t->status == STATUS_CLOSED)
        return terr_set(ei, TERR_CONFLICT, "status", "ticket %lld is closed", (long long)t->id);
    if (to == STATUS_NEW)
        return terr_set(ei, TERR_INVALID, "status", "a ticket cannot go back to 'new'");
    if (to == STATUS_RESOLVED || to == STATUS_CLOSED) {
        if (!t->resolved_at)
            t->resolved_at = now;
    } else {
        t->resolved_at = 0;
    }
    t->status = to;
    t->updated_at = now;
    return TERR_OK;
}

enum terr ticket_note_message(struct ticket *t, enum author_kind author, bool internal, int64_t now,
                              struct terr_info *ei)
{
    if (t->status == STATUS_CLOSED)
        return terr_set(ei, TERR_CONFLICT, NULL, "ticket %lld is closed", (long long)t->id);
    if (internal && author != AUTHOR_AGENT)
        return terr_set(ei, TERR_INVALID, "internal", "only agents write internal notes");
    if (author == AUTHOR_AGENT && !internal) {
        if (!t->first_response_at)
            t->first_response_at = now;
        if (t->status == STATUS_NEW)
            t->status = STATUS_OPEN;
    } else if (author == AUTHOR_CUSTOMER) {
        if (t->status == STATUS_PENDING || t->status == STATUS_RESOLVED) {
            t->status = STATUS_OPEN;
            t->resolved_at = 0;
        }
    }
    t->updated_at = now;
    return TERR_OK;
}

bool email_plausible(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return false;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

/* Code points that look like nothing or reorder text: spaces that are not
 * spaces, zero-width marks, bidirectional overrides, C1 controls.  A label
 * holding one would look like another label, or like none. */
static bool invisible(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD || cp == 0x34F || cp == 0x61C ||
           (cp >= 0x115F && cp <= 0x1160) || (cp >= 0x17B4 && cp <= 0x17B5) || cp == 0x180E ||
           (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
           (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0x3164 ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 ||
           (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

bool label_valid(const char *s, size_t limit)
{
    size_t n = strlen(s);
    if (n == 0 || n > limit)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p >= 0x80) {
            /* Letters of other scripts are welcome; the caller checked UTF-8. */
            size_t len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
            unsigned cp = *p & (0x7F >> len);
            for (size_t i = 1; i < len && p[i]; i++)
                cp = cp << 6 | (p[i] & 0x3F);
            if (invisible(cp))
                return false;
            for (size_t i = 0; i < len && *p; i++)
                p++;
            continue;
        }
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == ':' || *p == '.'))
            return false;
        p++;
    }
    return true;
}

bool text_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

enum terr text_check(const char *s, const char *field, size_t max, unsigned how,
                     struct terr_info *ei)
{
    if (!s) {
        if (how & TEXT_REQUIRED)
            return terr_set(ei, TERR_MISSING_FIELD, field, "'%s' is required", field);
        return TERR_OK;
    }
    size_t len = strlen(s);
    if (!utf8_valid(s, len))
        return terr_set(ei, TERR_BAD_UTF8, field, "'%s' is not valid UTF-8", field);
    if ((how & TEXT_NOT_BLANK) && text_blank(s))
        return terr_set(ei, TERR_INVALID, field, "'%s' is empty", field);
    if (len > max)
        return terr_set(ei, TERR_TOO_LONG, field, "'%s' is over %zu bytes", field, max);
    return TERR_OK;
}
