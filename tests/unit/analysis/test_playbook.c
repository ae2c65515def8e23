/* src/analysis/playbook.c: loading the playbooks, choosing them, and the
 * merged, personalised view.  The shipped files are read from data/playbooks
 * (tests run from the repository root); format errors and personalisation
 * are checked on small files written to a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/playbook.h"

static const char *const all_files[] = {
    "tense",
    "heated",
    "hostile",
    "legal_threat",
    "churn_threat",
    "public_threat",
    "escalation_request",
    "repeat_contact",
    "abuse",
    "safety",
};
#define N_FILES (sizeof all_files / sizeof all_files[0])

#define BIT(k) (1u << (k))

/* ---- a temporary directory of small, known playbooks ---- */

struct fixture {
    char dir[64];
};

static void write_file(const struct fixture *f, const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s.txt", f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Every file with the same shape: steps "<name> ack 1", "<name> act 1",
 * "<name> tone 1", "<name> ack 2", "<name> act 2", one extra of each style,
 * and two items shared by all files (to see them merged once). */
static void write_standard(const struct fixture *f, const char *name)
{
    char text[1024];
    snprintf(text, sizeof text,
             "# a fixture playbook\n"
             "title: %s playbook\n"
             "\n"
             "[steps]\n"
             "ack: %s ack 1\n"
             "act: %s act 1\n"
             "tone: %s tone 1\n"
             "ack: %s ack 2\n"
             "act: %s act 2\n"
             "[empathetic]\n"
             "%s empathetic 1\n"
             "[direct]\n"
             "%s direct 1\n"
             "[avoid]\n"
             "%s avoid 1\n"
             "shared avoid\n"
             "[phrasings]\n"
             "%s phrasing 1\n"
             "[involve]\n"
             "A team lead\n",
             name, name, name, name, name, name, name, name, name, name);
    write_file(f, name, text);
}

static void fixture_make(struct fixture *f)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/truce-test-playbooks-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    for (size_t i = 0; i < N_FILES; i++)
        write_standard(f, all_files[i]);
}

static void fixture_remove(const struct fixture *f)
{
    char path[128];
    for (size_t i = 0; i < N_FILES; i++) {
        snprintf(path, sizeof path, "%s/%s.txt", f->dir, all_files[i]);
        remove(path);
    }
    rmdir(f->dir);
}

/* Loads the fixture with name's file replaced by text; returns the error. */
static bool load_broken(const char *name, const char *text, char *err, size_t errlen)
{
    struct fixture f;
    fixture_make(&f);
    write_file(&f, name, text);
    err[0] = '\0';
    struct playbooks *p = playbooks_load(f.dir, err, errlen);
    bool loaded = p != NULL;
    playbooks_free(p);
    fixture_remove(&f);
    return loaded;
}

/* ---- helpers on the JSON view ---- */

static json_t *view(const struct playbooks *p, enum conflict_level level, unsigned triggers,
                    enum playbook_style style)
{
    struct playbook_situation s = {.level = level, .triggers = triggers};
    struct playbook_choice c;
    playbook_choose(p, &s, &c);
    c.style = style;
    json_t *j = playbook_choice_to_json(&c);
    assert_true(json_is_object(j));
    return j;
}

static void assert_list(const json_t *j, const char *key, const char *const *want, size_t n)
{
    const json_t *a = json_object_get(j, key);
    assert_true(json_is_array(a));
    if (json_array_size(a) != n) {
        char *dump = json_dumps(a, 0);
        print_error("%s: %s\n", key, dump);
        free(dump);
    }
    assert_int_equal(json_array_size(a), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_array_get(a, i)), want[i]);
}

static size_t count_of(const json_t *j, const char *key, const char *text)
{
    const json_t *a = json_object_get(j, key);
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(a); i++)
        n += strcmp(json_string_value(json_array_get(a, i)), text) == 0;
    return n;
}

#define ASSERT_LIST(j, key, ...)                                                                   \
    do {                                                                                           \
        static const char *const want_[] = {__VA_ARGS__};                                          \
        assert_list(j, key, want_, sizeof want_ / sizeof want_[0]);                                \
    } while (0)

static int load_shipped(void **state)
{
    char err[512] = "";
    struct playbooks *p = playbooks_load("data/playbooks", err, sizeof err);
    if (!p)
        print_error("%s\n", err);
    *state = p;
    return p ? 0 : -1;
}

static int free_shipped(void **state)
{
    playbooks_free(*state);
    return 0;
}

/* ---- the shipped playbooks ---- */

static void every_shipped_playbook_keeps_to_its_bounds(void **state)
{
    const struct playbooks *p = *state;
    for (size_t i = 0; i < N_FILES; i++) {
        enum conflict_level level = CONFLICT_CALM;
        unsigned triggers = 0;
        enum trigger_kind k;
        if (trigger_kind_parse(all_files[i], &k))
            triggers = BIT(k);
        else
            level = i == 0 ? CONFLICT_TENSE : i == 1 ? CONFLICT_HEATED : CONFLICT_HOSTILE;
        struct playbook_situation s = {.level = level, .triggers = triggers};
        struct playbook_choice c;
        playbook_choose(p, &s, &c);
        assert_int_equal(c.n, 1);
        char file[64];
        snprintf(file, sizeof file, "%s.txt", all_files[i]);
        assert_string_equal(playbook_file(c.picked[0]), file);
        assert_true(strlen(playbook_title(c.picked[0])) > 10);

        c.style = PLAYBOOK_STANDARD;
        json_t *j = playbook_choice_to_json(&c);
        size_t steps = json_array_size(json_object_get(j, "steps"));
        size_t avoid = json_array_size(json_object_get(j, "avoid"));
        size_t phrasings = json_array_size(json_object_get(j, "phrasings"));
        size_t involve = json_array_size(json_object_get(j, "involve"));
        if (steps < 4 || steps > 8 || avoid < 3 || avoid > 6 || phrasings < 3 || phrasings > 6 ||
            involve < 1)
            fail_msg("%s: %zu steps, %zu avoid, %zu phrasings, %zu involve", file, steps, avoid,
                     phrasings, involve);
        /* Personalisation has material to work with in every file. */
        c.style = PLAYBOOK_DIRECT;
        json_t *d = playbook_choice_to_json(&c);
        c.style = PLAYBOOK_EMPATHETIC;
        json_t *e = playbook_choice_to_json(&c);
        assert_true(json_array_size(json_object_get(d, "steps")) <= steps);
        assert_false(json_equal(json_object_get(d, "steps"), json_object_get(j, "steps")));
        assert_true(json_array_size(json_object_get(e, "steps")) > steps);
        json_decref(j);
        json_decref(d);
        json_decref(e);
    }
}

static void hostile_with_a_legal_threat_picks_hostile_then_legal(void **state)
{
    const struct playbooks *p = *state;
    struct playbook_situation s = {.level = CONFLICT_HOSTILE,
                                   .triggers = BIT(TRIG_LEGAL) | BIT(TRIG_SHOUTING)};
    struct playbook_choice c;
    playbook_choose(p, &s, &c);
    assert_int_equal(c.n, 2);
    assert_string_equal(playbook_file(c.picked[0]), "hostile.txt");
    assert_string_equal(playbook_file(c.picked[1]), "legal_threat.txt");
    json_t *j = playbook_choice_to_json(&c);
    assert_string_equal(json_string_value(json_object_get(j, "level")), "hostile");
    ASSERT_LIST(j, "triggers", "legal_threat");
    ASSERT_LIST(j, "sources", "hostile.txt", "legal_threat.txt");
    /* The legal playbook's advice to involve the legal queue is there. */
    const json_t *involve = json_object_get(j, "involve");
    bool legal_queue = false;
    for (size_t i = 0; i < json_array_size(involve); i++)
        legal_queue |= strstr(json_string_value(json_array_get(involve, i)), "legal") != NULL;
    assert_true(legal_queue);
    json_decref(j);
}

static void calm_without_triggers_picks_nothing(void **state)
{
    const struct playbooks *p = *state;
    /* Shouting, profanity and urgency have no playbook of their own. */
    struct playbook_situation s = {.level = CONFLICT_CALM,
                                   .triggers = BIT(TRIG_SHOUTING) | BIT(TRIG_PROFANITY) |
                                               BIT(TRIG_URGENCY)};
    struct playbook_choice c;
    playbook_choose(p, &s, &c);
    assert_int_equal(c.n, 0);
    json_t *j = playbook_choice_to_json(&c);
    assert_true(json_is_null(j));
    json_decref(j);
}

static void calm_thread_with_a_trigger_gets_the_triggers_playbook(void **state)
{
    json_t *j = view(*state, CONFLICT_CALM, BIT(TRIG_REPEAT), PLAYBOOK_STANDARD);
    assert_string_equal(json_string_value(json_object_get(j, "level")), "calm");
    ASSERT_LIST(j, "sources", "repeat_contact.txt");
    ASSERT_LIST(j, "triggers", "repeat_contact");
    json_decref(j);
}

static void triggers_come_most_serious_first_and_are_capped(void **state)
{
    const struct playbooks *p = *state;
    unsigned all = 0;
    for (unsigned k = 0; k < N_TRIGGER_KINDS; k++)
        all |= BIT(k);
    json_t *j = view(p, CONFLICT_CALM, all, PLAYBOOK_STANDARD);
    ASSERT_LIST(j, "sources", "safety.txt", "legal_threat.txt", "abuse.txt", "public_threat.txt");
    json_decref(j);
    /* The level's playbook takes the first place. */
    j = view(p, CONFLICT_HEATED, all, PLAYBOOK_STANDARD);
    ASSERT_LIST(j, "sources", "heated.txt", "safety.txt", "legal_threat.txt", "abuse.txt");
    ASSERT_LIST(j, "triggers", "safety", "legal_threat", "abuse");
    json_decref(j);
    j = view(p, CONFLICT_TENSE,
             BIT(TRIG_REPEAT) | BIT(TRIG_ESCALATION) | BIT(TRIG_CHURN) | BIT(TRIG_PUBLIC),
             PLAYBOOK_STANDARD);
    ASSERT_LIST(j, "sources", "tense.txt", "public_threat.txt", "churn_threat.txt",
                "escalation_request.txt");
    json_decref(j);
}

static void merged_lists_hold_each_item_once(void **state)
{
    const struct playbooks *p = *state;
    static const char *const keys[] = {"steps", "avoid", "phrasings", "involve"};
    enum playbook_style styles[] = {PLAYBOOK_STANDARD, PLAYBOOK_EMPATHETIC, PLAYBOOK_DIRECT};
    for (size_t s = 0; s < 3; s++) {
        /* hostile.txt and abuse.txt give the same boundary step word for word. */
        json_t *j = view(p, CONFLICT_HOSTILE, BIT(TRIG_ABUSE) | BIT(TRIG_REPEAT), styles[s]);
        assert_int_equal(count_of(j, "steps",
                                  "If insults go on, set one calm boundary: you will keep "
                                  "helping while the conversation stays respectful"),
                         1);
        for (size_t k = 0; k < 4; k++) {
            const json_t *a = json_object_get(j, keys[k]);
            for (size_t x = 0; x < json_array_size(a); x++)
                assert_int_equal(count_of(j, keys[k], json_string_value(json_array_get(a, x))), 1);
        }
        json_decref(j);
    }
}

/* ---- choosing the style ---- */

static enum playbook_style style_for(const struct playbooks *p, const double emo[N_EMOTIONS],
                                     int questions, int facts)
{
    struct playbook_situation s = {
        .level = CONFLICT_HEATED, .questions = questions, .facts = facts};
    memcpy(s.emotions, emo, sizeof s.emotions);
    struct playbook_choice c;
    playbook_choose(p, &s, &c);
    return c.style;
}

static void distraught_customers_get_the_empathetic_style(void **state)
{
    const struct playbooks *p = *state;
    double sad[N_EMOTIONS] = {[EMO_SADNESS] = 0.6};
    double anxious[N_EMOTIONS] = {[EMO_FEAR] = 0.5};
    double hurt[N_EMOTIONS] = {[EMO_ANGER] = 0.7, [EMO_SADNESS] = 0.35};
    assert_int_equal(style_for(p, sad, 0, 0), PLAYBOOK_EMPATHETIC);
    assert_int_equal(style_for(p, anxious, 0, 0), PLAYBOOK_EMPATHETIC);
    assert_int_equal(style_for(p, hurt, 0, 0), PLAYBOOK_EMPATHETIC);
    /* Distress wins over wanting facts. */
    assert_int_equal(style_for(p, sad, 2, 1), PLAYBOOK_EMPATHETIC);
}

static void customers_after_facts_get_the_direct_style(void **state)
{
    const struct playbooks *p = *state;
    double flat[N_EMOTIONS] = {[EMO_ANNOYANCE] = 0.2};
    assert_int_equal(style_for(p, flat, 0, 1), PLAYBOOK_DIRECT);
    assert_int_equal(style_for(p, flat, 1, 0), PLAYBOOK_DIRECT);
}

static void other_customers_get_the_standard_style(void **state)
{
    const struct playbooks *p = *state;
    double angry[N_EMOTIONS] = {[EMO_ANGER] = 0.8};
    double annoyed[N_EMOTIONS] = {[EMO_ANNOYANCE] = 0.5};
    double flat[N_EMOTIONS] = {0};
    assert_int_equal(style_for(p, angry, 0, 0), PLAYBOOK_STANDARD);
    assert_int_equal(style_for(p, angry, 1, 1), PLAYBOOK_STANDARD); /* too angry for facts only */
    assert_int_equal(style_for(p, annoyed, 2, 0), PLAYBOOK_STANDARD);
    assert_int_equal(style_for(p, flat, 0, 0), PLAYBOOK_STANDARD); /* nothing asked */
}

/* ---- personalisation, on the fixture ---- */

static void styles_reorder_and_trim_the_steps(void **state)
{
    (void)state;
    struct fixture f;
    fixture_make(&f);
    char err[512] = "";
    struct playbooks *p = playbooks_load(f.dir, err, sizeof err);
    assert_non_null(p);
    unsigned legal = BIT(TRIG_LEGAL);

    json_t *j = view(p, CONFLICT_TENSE, legal, PLAYBOOK_STANDARD);
    ASSERT_LIST(j, "steps", "tense ack 1", "tense act 1", "tense tone 1", "tense ack 2",
                "tense act 2", "legal_threat ack 1", "legal_threat act 1", "legal_threat tone 1",
                "legal_threat ack 2", "legal_threat act 2");
    assert_string_equal(json_string_value(json_object_get(j, "style")), "standard");
    json_decref(j);

    /* Distraught: every acknowledgement first, then the empathetic extras. */
    j = view(p, CONFLICT_TENSE, legal, PLAYBOOK_EMPATHETIC);
    ASSERT_LIST(j, "steps", "tense ack 1", "tense ack 2", "legal_threat ack 1",
                "legal_threat ack 2", "tense empathetic 1", "legal_threat empathetic 1",
                "tense act 1", "tense tone 1", "tense act 2", "legal_threat act 1",
                "legal_threat tone 1", "legal_threat act 2");
    assert_string_equal(json_string_value(json_object_get(j, "style")), "empathetic");
    json_decref(j);

    /* Wants facts: the direct extras, then only the concrete steps. */
    j = view(p, CONFLICT_TENSE, legal, PLAYBOOK_DIRECT);
    ASSERT_LIST(j, "steps", "tense direct 1", "legal_threat direct 1", "tense act 1", "tense act 2",
                "legal_threat act 1", "legal_threat act 2");
    assert_string_equal(json_string_value(json_object_get(j, "style")), "direct");
    /* The other lists do not depend on the style, and shared items show once. */
    ASSERT_LIST(j, "avoid", "tense avoid 1", "shared avoid", "legal_threat avoid 1");
    ASSERT_LIST(j, "involve", "A team lead");
    json_decref(j);

    playbooks_free(p);
    fixture_remove(&f);
}

static void first_steps_lead_in_every_style(void **state)
{
    (void)state;
    struct fixture f;
    fixture_make(&f);
    write_file(&f, "safety",
               "title: safety\n[steps]\nack: safety ack\nact: safety act\n"
               "first: call for help\n[avoid]\na\n[phrasings]\np\n[involve]\ni\n");
    char err[512] = "";
    struct playbooks *p = playbooks_load(f.dir, err, sizeof err);
    assert_non_null(p);
    enum playbook_style styles[] = {PLAYBOOK_STANDARD, PLAYBOOK_EMPATHETIC, PLAYBOOK_DIRECT};
    for (size_t s = 0; s < 3; s++) {
        json_t *j = view(p, CONFLICT_HOSTILE, BIT(TRIG_SAFETY), styles[s]);
        const json_t *steps = json_object_get(j, "steps");
        assert_string_equal(json_string_value(json_array_get(steps, 0)), "call for help");
        assert_int_equal(count_of(j, "steps", "call for help"), 1);
        json_decref(j);
    }
    playbooks_free(p);
    fixture_remove(&f);
}

/* ---- format errors ---- */

static void a_missing_file_is_named(void **state)
{
    (void)state;
    struct fixture f;
    fixture_make(&f);
    char path[128];
    snprintf(path, sizeof path, "%s/churn_threat.txt", f.dir);
    remove(path);
    char err[512] = "";
    struct playbooks *p = playbooks_load(f.dir, err, sizeof err);
    fixture_remove(&f);
    assert_null(p);
    assert_non_null(strstr(err, "unable to open"));
    assert_non_null(strstr(err, "churn_threat.txt"));
}

static void an_unknown_section_is_named_with_its_line(void **state)
{
    (void)state;
    char err[512];
    assert_false(load_broken("heated",
                             "title: t\n[steps]\nact: a\n[remedies]\nx\n[avoid]\na\n"
                             "[phrasings]\np\n[involve]\ni\n",
                             err, sizeof err));
    assert_non_null(strstr(err, "heated.txt:4: unknown section '[remedies]'"));
}

static void a_line_outside_a_section_is_an_error(void **state)
{
    (void)state;
    char err[512];
    assert_false(load_broken("abuse",
                             "# comment\ntitle: t\nstray advice\n[steps]\nact: a\n[avoid]\na\n"
                             "[phrasings]\np\n[involve]\ni\n",
                             err, sizeof err));
    assert_non_null(strstr(err, "abuse.txt:3: line outside a section"));
}

static void an_empty_required_section_is_an_error(void **state)
{
    (void)state;
    char err[512];
    /* Empty in the middle: the error points at its header. */
    assert_false(load_broken("safety",
                             "title: t\n[steps]\nact: a\n[avoid]\n\n# nothing yet\n"
                             "[phrasings]\np\n[involve]\ni\n",
                             err, sizeof err));
    assert_non_null(strstr(err, "safety.txt:4: section [avoid] is empty"));
    /* Empty at the end of the file. */
    assert_false(load_broken("tense",
                             "title: t\n[steps]\nact: a\n[avoid]\na\n[phrasings]\np\n"
                             "[involve]\n",
                             err, sizeof err));
    assert_non_null(strstr(err, "tense.txt:8: section [involve] is empty"));
    /* Missing altogether. */
    assert_false(load_broken("tense", "title: t\n[steps]\nact: a\n[avoid]\na\n[phrasings]\np\n",
                             err, sizeof err));
    assert_non_null(strstr(err, "tense.txt:"));
    assert_non_null(strstr(err, "no [involve] section"));
}

static void steps_need_their_kind_and_something_concrete(void **state)
{
    (void)state;
    char err[512];
    assert_false(load_broken("hostile",
                             "title: t\n[steps]\nact: a\nStay calm\n[avoid]\na\n[phrasings]\np\n"
                             "[involve]\ni\n",
                             err, sizeof err));
    assert_non_null(strstr(err, "hostile.txt:4: step without its kind"));
    assert_false(load_broken("hostile",
                             "title: t\n[steps]\nack: a\ntone: b\n[avoid]\na\n[phrasings]\np\n"
                             "[involve]\ni\n",
                             err, sizeof err));
    assert_non_null(strstr(err, "hostile.txt:"));
    assert_non_null(strstr(err, "no 'act:' or 'first:' step"));
}

static void titles_and_repeated_sections_are_checked(void **state)
{
    (void)state;
    char err[512];
    assert_false(load_broken("repeat_contact",
                             "[steps]\nact: a\n[avoid]\na\n[phrasings]\np\n[involve]\ni\n", err,
                             sizeof err));
    assert_non_null(strstr(err, "repeat_contact.txt:"));
    assert_non_null(strstr(err, "no 'title:' line"));
    assert_false(load_broken("repeat_contact",
                             "title: t\n[steps]\nact: a\n[avoid]\na\n[phrasings]\np\n"
                             "[involve]\ni\n[avoid]\nb\n",
                             err, sizeof err));
    assert_non_null(strstr(err, "repeat_contact.txt:10: section [avoid] appears twice"));
}

int main(void)
{
#define SHIPPED(t) cmocka_unit_test_setup_teardown(t, load_shipped, free_shipped)
    const struct CMUnitTest tests[] = {
        SHIPPED(every_shipped_playbook_keeps_to_its_bounds),
        SHIPPED(hostile_with_a_legal_threat_picks_hostile_then_legal),
        SHIPPED(calm_without_triggers_picks_nothing),
        SHIPPED(calm_thread_with_a_trigger_gets_the_triggers_playbook),
        SHIPPED(triggers_come_most_serious_first_and_are_capped),
        SHIPPED(merged_lists_hold_each_item_once),
        SHIPPED(distraught_customers_get_the_empathetic_style),
        SHIPPED(customers_after_facts_get_the_direct_style),
        SHIPPED(other_customers_get_the_standard_style),
        cmocka_unit_test(styles_reorder_and_trim_the_steps),
        cmocka_unit_test(first_steps_lead_in_every_style),
        cmocka_unit_test(a_missing_file_is_named),
        cmocka_unit_test(an_unknown_section_is_named_with_its_line),
        cmocka_unit_test(a_line_outside_a_section_is_an_error),
        cmocka_unit_test(an_empty_required_section_is_an_error),
        cmocka_unit_test(steps_need_their_kind_and_something_concrete),
        cmocka_unit_test(titles_and_repeated_sections_are_checked),
    };
#undef SHIPPED
    return cmocka_run_group_tests(tests, NULL, NULL);
}
