#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *code;
    int status;
    const char *message;
} terr_table[] = {
#define X(name, code, status, msg) {code, status, msg},
    TERR_MAP(X)
#undef X
};

const char *terr_code(enum terr e)
{
    return (unsigned)e < TERR__COUNT ? terr_table[e].code : "internal";
}

const char *terr_message(enum terr e)
{
    return (unsigned)e < TERR__COUNT ? terr_table[e].message : "internal error";
}

int terr_http_status(enum terr e)
{
    return (unsigned)e < TERR__COUNT ? terr_table[e].status : 500;
}

enum terr terr_set(struct terr_info *ei, enum terr code, const char *field, const char *fmt, ...)
{
    if (!ei)
        return code;
    ei->code = code;
    snprintf(ei->field, sizeof(ei->field), "%s", field ? field : "");
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ei->message, sizeof(ei->message), fmt, ap);
        va_end(ap);
    } else {
        snprintf(ei->message, sizeof(ei->message), "%s", terr_message(code));
    }
    return code;
}
