/*
 * libFuzzer target for the workflow's policy parsers (src/domain): the
 * business-hours calendar (calendar_parse), the SLA policy (sla_policy_parse),
 * escalation rules (rules_parse) and the offers' authority policy
 * (authority_policy_parse).  Admins write all four by hand, through the API
 * and data files, so each must refuse bad text with a reason and never crash.
 *
 * The first input byte picks the parser; the rest is the text.  Invariants:
 * a refusal leaves the output untouched and gives a message; what parses
 * formats to a canonical text that parses again and formats to itself; a
 * calendar's arithmetic agrees with itself (the business time elapsed up to
 * calendar_add's due time is the amount added); lookups in a parsed
 * authority policy give a limit that is a real amount or a marker.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/offers.h"
#include "domain/rules.h"
#include "domain/sla.h"
#include "fuzz.h"

static void fuzz_calendar(const char *text, const uint8_t *data, size_t size)
{
    struct calendar cal, again;
    memset(&cal, 0x5a, sizeof(cal));
    struct terr_info ei = {0};
    if (calendar_parse(text, &cal, &ei) != TERR_OK) {
        FUZZ_ASSERT(ei.message[0] != '\0');
        FUZZ_ASSERT(((const unsigned char *)&cal)[0] == 0x5a);
        return;
    }
    static char spec[CAL_MAX_SPEC], spec2[CAL_MAX_SPEC];
    FUZZ_ASSERT(calendar_format(&cal, spec, sizeof(spec)) == TERR_OK);
    FUZZ_ASSERT(calendar_parse(spec, &again, &ei) == TERR_OK);
    FUZZ_ASSERT(calendar_format(&again, spec2, sizeof(spec2)) == TERR_OK);
    FUZZ_ASSERT(strcmp(spec, spec2) == 0);
    FUZZ_ASSERT(cal.week_ms > 0 && cal.week_ms == again.week_ms);

    /* A start and an amount from the input's first bytes, kept in range. */
    uint64_t a = 0, b = 0;
    memcpy(&a, data, size < 8 ? size : 8);
    if (size > 8)
        memcpy(&b, data + 8, size - 8 < 8 ? size - 8 : 8);
    int64_t start = (int64_t)(a % 4102444800000ULL); /* up to 2100 */
    int64_t amount = (int64_t)(b % (90ULL * 24 * 3600 * 1000));
    int64_t due = 0, elapsed = -1;
    if (calendar_add(&cal, start, amount, &due, &ei) != TERR_OK)
        return; /* too far away: refused, not wrong */
    FUZZ_ASSERT(due >= start);
    FUZZ_ASSERT(calendar_elapsed(&cal, start, due, &elapsed, &ei) == TERR_OK);
    FUZZ_ASSERT(elapsed == amount);
}

static void fuzz_sla(const char *text)
{
    struct sla_policy p, again;
    memset(&p, 0x5a, sizeof(p));
    struct terr_info ei = {0};
    if (sla_policy_parse(text, &p, &ei) != TERR_OK) {
        FUZZ_ASSERT(ei.message[0] != '\0');
        FUZZ_ASSERT(((const unsigned char *)&p)[0] == 0x5a);
        return;
    }
    char spec[SLA_MAX_SPEC], spec2[SLA_MAX_SPEC];
    FUZZ_ASSERT(sla_policy_format(&p, spec, sizeof(spec)) == TERR_OK);
    FUZZ_ASSERT(sla_policy_parse(spec, &again, &ei) == TERR_OK);
    FUZZ_ASSERT(sla_policy_format(&again, spec2, sizeof(spec2)) == TERR_OK);
    FUZZ_ASSERT(strcmp(spec, spec2) == 0);
    for (int pr = 0; pr < SLA_N_PRIORITIES; pr++)
        for (int lv = 0; lv < SLA_N_LEVELS; lv++)
            for (int m = 0; m < SLA_METRIC_COUNT; m++) {
                int64_t t = sla_target(&p, (enum priority)pr, (enum level)lv, (enum sla_metric)m);
                FUZZ_ASSERT(t == SLA_NO_TARGET || t >= 0);
                FUZZ_ASSERT(
                    t == sla_target(&again, (enum priority)pr, (enum level)lv, (enum sla_metric)m));
            }
}

static void fuzz_rules(const char *text, size_t len)
{
    struct rule_set s, again;
    rule_set_init(&s);
    rule_set_init(&again);
    struct terr_info ei = {0};
    if (rules_parse(text, len, "fuzz.txt", &s, &ei) != TERR_OK) {
        FUZZ_ASSERT(ei.message[0] != '\0');
        FUZZ_ASSERT(s.n == 0);
        rule_set_release(&s);
        return;
    }
    struct buf out, out2;
    buf_init(&out, RULES_TEXT_MAX * 2);
    buf_init(&out2, RULES_TEXT_MAX * 2);
    FUZZ_ASSERT(rules_format(&s, &out) == TERR_OK);
    FUZZ_ASSERT(rules_parse(out.data ? out.data : "", out.len, "again", &again, &ei) == TERR_OK);
    FUZZ_ASSERT(again.n == s.n);
    FUZZ_ASSERT(rules_format(&again, &out2) == TERR_OK);
    FUZZ_ASSERT(out.len == out2.len && (out.len == 0 || memcmp(out.data, out2.data, out.len) == 0));
    for (size_t i = 0; i < s.n; i++)
        FUZZ_ASSERT(rule_check(&s.v[i], &ei) == TERR_OK);
    buf_release(&out);
    buf_release(&out2);
    rule_set_release(&s);
    rule_set_release(&again);
}

static void fuzz_authority(const char *text, size_t len)
{
    struct authority_policy p = {0};
    struct terr_info ei = {0};
    if (authority_policy_parse(text, len, "fuzz.txt", &p, &ei) != TERR_OK) {
        FUZZ_ASSERT(ei.message[0] != '\0');
        FUZZ_ASSERT(p.rules == NULL && p.n == 0);
        return;
    }
    static const char *const currencies[] = {"EUR", "USD", "JPY", "KWD", "", NULL};
    for (int r = ROLE_AGENT; r <= ROLE_ADMIN; r++)
        for (int k = 0; k < OFFER_KIND__COUNT; k++)
            for (size_t c = 0; c < sizeof(currencies) / sizeof(currencies[0]); c++) {
                int64_t limit =
                    authority_lookup(&p, (enum role)r, (enum offer_kind)k, currencies[c]);
                FUZZ_ASSERT(limit == AUTHORITY_NONE || limit == AUTHORITY_UNLIMITED ||
                            (limit >= 0 && limit <= OFFER_AMOUNT_MAX));
            }
    authority_policy_release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t which = data[0] % 4;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (which) {
    case 0:
        fuzz_calendar(text, data + 1, size - 1);
        break;
    case 1:
        fuzz_sla(text);
        break;
    case 2:
        fuzz_rules(text, size - 1);
        break;
    default:
        fuzz_authority(text, size - 1);
        break;
    }
    free(text);
    return 0;
}
