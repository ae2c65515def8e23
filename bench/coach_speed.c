/*
 * Reply coach latency on one core: coach_review() of a 100-word draft
 * answering a thread of two customer messages and one agent reply, the way
 * the composer calls it while an agent types.
 *
 *   coach_speed DATA_DIR MODELS_DIR FILE.csv COLUMN
 *
 * The customer messages are the CSV column's texts, taken in pairs; the
 * drafts are eight 100-word replies (good and bad ones) in turn.  Two
 * figures: with the customer messages' analysis stored (the server's case:
 * every message is analysed once, on arrival) and with the coach analysing
 * them too (the CLI's case).  Prints microseconds per review.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/coach.h"
#include "util/alloc.h"
#include "util/csv.h"
#include "util/utf8.h"

static const char *const drafts[] = {
    "Hi Dana, thank you for writing to us, and I'm so sorry your bag did not arrive in "
    "Denver with you. I can see how frustrating this is after a long trip. I've opened a "
    "trace on your bag with our baggage team this morning, and it is already flagged as "
    "priority. I'll call you by 5pm today with an update, and if it is found sooner we "
    "will deliver it to your address at no cost. Please keep any receipts for essentials "
    "you buy meanwhile and we will refund them. Kind regards, Sam",
    "We're sorry for any inconvenience. As per our policy, bags are traced within 5 days "
    "and you should have put a tag on it. There is nothing we can do until then, and as I "
    "already said, we'll look into it. You can simply check the website for updates. Our "
    "tier 2 team handles the PNR side and the backend will update when the RMA is closed. "
    "Obviously we cannot promise anything, so please calm down and wait for an email from "
    "us. Regards, Customer Service at the airline team desk office today",
    "Hello, thanks for your patience while we checked the booking. The flight from Boston "
    "was cancelled because of the storm and I know that left you stranded overnight, which "
    "must have been exhausting. I have rebooked you on the 7am flight tomorrow, seat 12C, "
    "and added a hotel voucher for tonight to your booking. You will receive the "
    "confirmation by email within the hour. If the new time does not work, reply here and "
    "I will find another option for you. Take care, and safe travels, Priya from the team",
    "THANK YOU FOR CONTACTING US!!! Your complaint has been received and noted. We have "
    "passed your feedback on to the relevant department and they will be in touch in due "
    "course. Unfortunately we are unable to offer compensation for weather delays, which "
    "are outside of our control and not our fault. If you had read the terms of carriage "
    "you would know this. We value your feedback and hope to serve you again in the "
    "future. This message was sent from an unmonitored mailbox so please do not reply.",
    "Hi there, I'm really sorry about the double charge on your card; that should never "
    "have happened and it's on us. I've refunded the second payment of $240 just now, and "
    "it will show on your statement within three to five working days depending on your "
    "bank. I've also added a note to your account so this cannot repeat on your next "
    "booking. Could you let me know if anything else looks wrong on your statement? I'm "
    "here to help and will keep this case open until you confirm. Best regards, Alex",
    "I understand you are upset but you need to understand that the seat you paid for was "
    "changed because of an aircraft swap which happens sometimes. Per our policy the fee "
    "is not refundable. I have already explained this twice. It is what it is and there "
    "is no way to change it now. Let me explain again: the fee covers the seat selection "
    "service, not the seat itself. We will get back to you if anything changes but it "
    "probably won't. Thanks for flying with us and have a nice day ahead of you, sir.",
    "Good morning Maria, thanks for getting back to us. I'm sorry the replacement phone "
    "also arrived with a cracked screen; that is not the experience we want for you. I "
    "have arranged a courier to collect it tomorrow between 9am and noon, and a new phone "
    "will be sent the same day by express delivery, so it should reach you on Thursday. "
    "You won't need to print anything: the courier brings the label. I'll check in with "
    "you on Thursday afternoon to make sure it arrived safely. Warm regards, Tom",
    "Thank you for the message about your order. Sorry you feel that way about the delay. "
    "Orders are processed in sequence and yours is in the queue like everyone else's. We "
    "can't speed it up and it isn't possible to upgrade the shipping now that it has been "
    "dispatched from the warehouse. It will arrive when it arrives. You could have chosen "
    "express shipping at checkout if it was urgent. Please allow 10 to 14 days before "
    "contacting us again about this order. Thank you for your understanding, Support",
};
#define N_DRAFTS (sizeof drafts / sizeof drafts[0])

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char **read_column(const char *path, const char *column, size_t *n_out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "coach_speed: unable to open '%s'\n", path);
        exit(1);
    }
    char **texts = NULL;
    size_t n = 0, cap = 0;
    struct csv c;
    csv_init(&c, f, ',');
    int col = -1, got;
    while (csv_next(&c, &got) == TERR_OK && got && n < 4000) {
        if (col < 0) {
            if ((col = csv_column(&c, column)) < 0) {
                fprintf(stderr, "coach_speed: '%s' has no column '%s'\n", path, column);
                exit(1);
            }
            continue;
        }
        if ((size_t)col >= c.n_fields)
            continue;
        const char *t = csv_field(&c, (size_t)col);
        if (!*t || !utf8_valid(t, strlen(t)))
            continue;
        if (n == cap)
            texts = xrealloc(texts, (cap = cap ? cap * 2 : 1024) * sizeof *texts);
        texts[n++] = xstrdup(t);
    }
    csv_release(&c);
    fclose(f);
    if (n < 2) {
        fprintf(stderr, "coach_speed: too few texts in '%s'\n", path);
        exit(1);
    }
    *n_out = n & ~(size_t)1;
    return texts;
}

/* Microseconds per review over the pairs, with stored analyses or not. */
static double run(struct coach *c, char **texts, const struct msg_analysis *an, size_t n,
                  int stored, double budget, long *checksum)
{
    static const char earlier[] = "Thanks for reaching out, we're checking this now.";
    size_t done = 0;
    double t0 = now_s(), t1 = t0;
    while (t1 - t0 < budget) {
        for (size_t i = 0; i + 1 < n; i += 2) {
            struct coach_turn turns[3] = {
                {THREAD_CUSTOMER, texts[i], strlen(texts[i]), stored ? &an[i] : NULL, 0},
                {THREAD_AGENT, earlier, sizeof earlier - 1, NULL, 0},
                {THREAD_CUSTOMER, texts[i + 1], strlen(texts[i + 1]), stored ? &an[i + 1] : NULL,
                 0},
            };
            struct coach_thread th = {turns, 3, "Dana"};
            const char *d = drafts[(i / 2) % N_DRAFTS];
            struct coach_review r;
            if (coach_review(c, d, strlen(d), &th, &r) == TERR_OK)
                *checksum += r.scores[SKILL_OVERALL];
            done++;
        }
        t1 = now_s();
    }
    return (t1 - t0) * 1e6 / (double)done;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: coach_speed DATA_DIR MODELS_DIR FILE.csv COLUMN\n");
        return 2;
    }
    size_t n;
    char **texts = read_column(argv[3], argv[4], &n);
    char err[256];
    struct analysis_data *ad = analysis_data_load(argv[1], argv[2], err, sizeof err);
    struct coach_data *cd = ad ? coach_data_load(argv[1], argv[2], ad, err, sizeof err) : NULL;
    if (!cd) {
        fprintf(stderr, "coach_speed: %s\n", err);
        return 1;
    }
    struct analyzer *a = analyzer_new(ad);
    struct msg_analysis *an = xcalloc(n, sizeof *an);
    for (size_t i = 0; i < n; i++)
        analyze_message(a, texts[i], strlen(texts[i]), &an[i]);
    struct coach *c = coach_new(cd);
    size_t words = 0;
    for (size_t i = 0; i < N_DRAFTS; i++) {
        struct coach_review r;
        coach_review(c, drafts[i], strlen(drafts[i]), NULL, &r);
        words += r.words;
    }
    const char *secs = getenv("BENCH_SECONDS");
    double budget = secs ? strtod(secs, NULL) : 2.0;
    long checksum = 0;
    double stored = run(c, texts, an, n, 1, budget, &checksum);
    double fresh = run(c, texts, an, n, 0, budget, &checksum);
    printf("%.1f %.1f us per review (drafts of %.0f words on average, threads of 3 messages, "
           "score sum %ld)\n",
           stored, fresh, (double)words / N_DRAFTS, checksum);
    coach_free(c);
    analyzer_free(a);
    free(an);
    coach_data_free(cd);
    analysis_data_free(ad);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    return 0;
}
