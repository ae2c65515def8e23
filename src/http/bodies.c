/*
 * The JSON bodies the API accepts, as field tables (see json_in.h): one
 * place for what each route takes, shared by the handlers and the fuzzer.
 */
#include "bodies.h"

#include <stdint.h>

#include "../domain/offers.h"
#include "../domain/steps.h"
#include "../domain/survey.h"
#include "../domain/ticket_rules.h"
#include "../service/problems.h"
#include "../service/kb.h"
#include "../service/steps.h"

static const struct jfield ticket_customer[] = {
    {"email", JT_LINE, true, 0, LIMIT_EMAIL, 0, NULL},
    {"name", JT_LINE, false, 0, LIMIT_NAME, 0, NULL},
    {0}, /* end */
};

static const struct jfield ticket_first_message[] = {
    {"body", JT_STRING, true, 0, LIMIT_BODY, 0, NULL}, {0}, /* end */
};

const struct jfield body_ticket_create[] = {
    {"subject", JT_LINE, true, 0, LIMIT_SUBJECT, 0, NULL},
    {"channel", JT_STRING, false, 0, 16, 0, NULL},
    {"priority", JT_STRING, false, 0, 16, 0, NULL},
    {"customer", JT_OBJECT, true, 0, 0, 0, ticket_customer},
    {"message", JT_OBJECT, true, 0, 0, 0, ticket_first_message},
    {0}, /* end */
};

const struct jfield body_ticket_patch[] = {
    {"status", JT_STRING, false, 0, 16, 0, NULL},
    {"priority", JT_STRING, false, 0, 16, 0, NULL},
    {"assignee", JT_INT_NULL, false, 1, INT64_MAX, 0, NULL},
    {"tags", JT_STRINGS, false, 0, LIMIT_TAGS, LIMIT_TAG, NULL},
    {"category", JT_LINE_NULL, false, 0, LIMIT_CATEGORY, 0, NULL},
    {"conflict", JT_BOOL, false, 0, 0, 0, NULL},
    {"lesson", JT_OBJECT, false, 0, 0, 0, body_lesson_create},
    {0}, /* end */
};

const struct jfield body_message_create[] = {
    {"author", JT_STRING, false, 0, 16, 0, NULL},
    {"body", JT_STRING, true, 0, LIMIT_BODY, 0, NULL},
    {"internal", JT_BOOL, false, 0, 0, 0, NULL},
    {0}, /* end */
};

const struct jfield body_public_contact[] = {
    {"name", JT_LINE, false, 0, LIMIT_NAME, 0, NULL},
    {"email", JT_LINE, true, 0, LIMIT_EMAIL, 0, NULL},
    {"subject", JT_LINE, true, 0, LIMIT_SUBJECT, 0, NULL},
    {"message", JT_STRING, true, 0, LIMIT_BODY, 0, NULL},
    {0}, /* end */
};

const struct jfield body_public_deflected[] = {
    {"article_id", JT_INT, true, 1, INT64_MAX, 0, NULL}, {0}, /* end */
};

const struct jfield body_case_reply[] = {
    {"body", JT_STRING, true, 0, LIMIT_BODY, 0, NULL}, {0}, /* end */
};

static const struct jfield analyze_thread_item[] = {
    {"author", JT_STRING, true, 0, 16, 0, NULL},
    {"body", JT_STRING, true, 0, LIMIT_BODY, 0, NULL},
    {"at", JT_STRING_NULL, false, 0, 64, 0, NULL},
    {"internal", JT_BOOL, false, 0, 0, 0, NULL},
    {0}, /* end */
};

/* The thread holds at most RISK_WINDOW (200) messages with the text. */
const struct jfield body_analyze[] = {
    {"text", JT_STRING, true, 0, LIMIT_BODY, 0, NULL},
    {"thread", JT_OBJECTS, false, 0, 199, 0, analyze_thread_item},
    {0}, /* end */
};

/* Any email and password are only ever a failed login (401), never a 400 that
 * would tell a guesser more. */
const struct jfield body_login[] = {
    {"email", JT_STRING, true, 0, LIMIT_EMAIL, 0, NULL},
    {"password", JT_STRING, true, 0, LIMIT_PASSWORD, 0, NULL},
    {0}, /* end */
};

const struct jfield body_agent_create[] = {
    {"email", JT_LINE, true, 0, LIMIT_EMAIL, 0, NULL},
    {"name", JT_LINE, true, 0, LIMIT_NAME, 0, NULL},
    {"role", JT_STRING, true, 0, 16, 0, NULL},
    {"password", JT_STRING, false, 0, LIMIT_PASSWORD, 0, NULL},
    {"skills", JT_STRINGS, false, 0, LIMIT_SKILLS, LIMIT_SKILL, NULL},
    {0}, /* end */
};

const struct jfield body_agent_patch[] = {
    {"name", JT_LINE, false, 0, LIMIT_NAME, 0, NULL},
    {"role", JT_STRING, false, 0, 16, 0, NULL},
    {"skills", JT_STRINGS, false, 0, LIMIT_SKILLS, LIMIT_SKILL, NULL},
    {"languages", JT_STRINGS, false, 0, LIMIT_LANGUAGES, LIMIT_LANGUAGE, NULL},
    {"channels", JT_STRINGS, false, 0, 16, 16, NULL},
    {"teams", JT_STRINGS, false, 0, LIMIT_SKILLS, LIMIT_SKILL, NULL},
    {"available", JT_BOOL, false, 0, 0, 0, NULL},
    {0}, /* end */
};

/* The draft's cap is the coach's (64 KiB): a longer body is refused by
 * name; a body past HTTP_BODY_MAX (1 MiB) never gets this far (413). */
const struct jfield body_coach[] = {
    {"draft", JT_STRING, true, 0, 64 * 1024, 0, NULL},
    {"ticket_id", JT_INT, false, 1, INT64_MAX, 0, NULL},
    {"thread", JT_OBJECTS, false, 0, 200, 0, analyze_thread_item},
    {"customer_name", JT_LINE_NULL, false, 0, LIMIT_NAME, 0, NULL},
    {0}, /* end */
};

/* The conversations' items are checked by the use case (service/qa.h), which
 * reads the same shape from JSONL files. */
const struct jfield body_qa[] = {
    {"ticket_id", JT_INT, false, 1, INT64_MAX, 0, NULL},
    {"conversations", JT_OBJECTS, false, 0, 10000, 0, NULL},
    {0}, /* end */
};

/* The URL and event names are checked by the use case (service/webhooks.h). */
const struct jfield body_webhook_create[] = {
    {"url", JT_LINE, true, 0, 2000, 0, NULL},
    {"events", JT_STRINGS, true, 0, 32, 64, NULL},
    {"active", JT_BOOL, false, 0, 0, 0, NULL},
    {0}, /* end */
};

/* The comment's cap here is in bytes (4 per character at most); the
 * character count is the domain's (survey_answer_check). */
const struct jfield body_survey_answer[] = {
    {"csat", JT_INT_NULL, false, 1, 5, 0, NULL},
    {"nps", JT_INT_NULL, false, 0, 10, 0, NULL},
    {"ces", JT_INT_NULL, false, 1, 7, 0, NULL},
    {"comment", JT_STRING_NULL, false, 0, 4 * SURVEY_COMMENT_MAX, 0, NULL},
    {0}, /* end */
};

/* The kind, the amount (in the currency's major units) and the currency are
 * checked by the domain (domain/offers.h), which names the field. */
const struct jfield body_offer_create[] = {
    {"kind", JT_STRING, true, 0, 32, 0, NULL},
    {"amount", JT_DECIMAL, false, 0, 40, 0, NULL},
    {"currency", JT_LINE_NULL, false, 0, 8, 0, NULL},
    {"note", JT_STRING_NULL, false, 0, OFFER_NOTE_MAX, 0, NULL},
    {0}, /* end */
};

const struct jfield body_offer_decide[] = {
    {"note", JT_STRING_NULL, false, 0, OFFER_NOTE_MAX, 0, NULL}, {0}, /* end */
};
const struct jfield body_step_mark[] = {
    {"step", JT_STRING, true, 0, 64, 0, NULL},
    {"done", JT_BOOL, true, 0, 0, 0, NULL},
    {"reason", JT_STRING, true, 0, STEP_REASON_MAX, 0, NULL},
    {0}, /* end */
};

const struct jfield body_problem_create[] = {
    {"title", JT_LINE, true, 0, PROBLEM_TITLE_MAX, 0, NULL},
    {"description", JT_STRING, false, 0, PROBLEM_DESCRIPTION_MAX, 0, NULL},
    {"category", JT_LINE_NULL, false, 0, LIMIT_CATEGORY, 0, NULL},
    {"ticket_id", JT_INT_NULL, false, 1, INT64_MAX, 0, NULL},
    {0}, /* end */
};

const struct jfield body_problem_patch[] = {
    {"title", JT_LINE, false, 0, PROBLEM_TITLE_MAX, 0, NULL},
    {"description", JT_STRING, false, 0, PROBLEM_DESCRIPTION_MAX, 0, NULL},
    {"category", JT_LINE_NULL, false, 0, LIMIT_CATEGORY, 0, NULL},
    {"status", JT_STRING, false, 0, 16, 0, NULL},
    {0}, /* end */
};

const struct jfield body_problem_link[] = {
    {"problem_id", JT_INT, true, 1, INT64_MAX, 0, NULL}, {0}, /* end */
};

const struct jfield body_lesson_create[] = {
    {"cause", JT_STRING, true, 0, LESSON_TEXT_MAX, 0, NULL},
    {"what_went_wrong", JT_STRING, true, 0, LESSON_TEXT_MAX, 0, NULL},
    {"prevention", JT_STRING, true, 0, LESSON_TEXT_MAX, 0, NULL},
    {0}, /* end */
};

/* POST /api/v1/articles and PATCH /api/v1/articles/{id} (service/kb.h):
 * the service checks the values; these tables the types and rough sizes. */
const struct jfield body_article_create[] = {
    {"title", JT_LINE, true, 0, ARTICLE_TITLE_MAX, 0, NULL},
    {"slug", JT_LINE_NULL, false, 0, ARTICLE_SLUG_MAX, 0, NULL},
    {"body", JT_STRING, true, 0, ARTICLE_BODY_MAX, 0, NULL},
    {"tags", JT_STRINGS, false, 0, ARTICLE_TAGS_MAX, ARTICLE_TAG_MAX, NULL},
    {"audience", JT_STRING, false, 0, 16, 0, NULL},
    {"status", JT_STRING, false, 0, 16, 0, NULL},
    {0}, /* end */
};

/* POST /api/v1/articles/preview: Markdown to render, nothing stored. */
const struct jfield body_article_preview[] = {
    {"body", JT_STRING, true, 0, ARTICLE_BODY_MAX, 0, NULL}, {0}, /* end */
};

const struct jfield body_article_patch[] = {
    {"title", JT_LINE, false, 0, ARTICLE_TITLE_MAX, 0, NULL},
    {"slug", JT_LINE, false, 0, ARTICLE_SLUG_MAX, 0, NULL},
    {"body", JT_STRING, false, 0, ARTICLE_BODY_MAX, 0, NULL},
    {"tags", JT_STRINGS, false, 0, ARTICLE_TAGS_MAX, ARTICLE_TAG_MAX, NULL},
    {"audience", JT_STRING, false, 0, 16, 0, NULL},
    {"status", JT_STRING, false, 0, 16, 0, NULL},
    {"version", JT_INT, false, 1, INT64_MAX, 0, NULL},
    {0}, /* end */
};
