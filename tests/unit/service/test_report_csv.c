/* src/service/report_csv.c: the reports as CSV and terminal tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "service/report_csv.h"

/* A report bigger than any fixed cap comes out whole: every row, every cell. */
static void a_large_report_is_not_cut(void **state)
{
    (void)state;
    size_t n = 9 * 1024 * 1024;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    big[n] = 0;
    json_t *rows = json_pack("[{s:s,s:i},{s:s,s:i}]", "key", big, "n", 1, "key", "b", "n", 2);
    char *text = report_csv_rows(rows, NULL, ',');
    size_t want = strlen("key,n\r\n") + n + strlen(",1\r\nb,2\r\n");
    assert_int_equal(strlen(text), want);
    assert_memory_equal(text + want - 9, ",1\r\nb,2\r\n", 9);
    free(text);
    json_decref(rows);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_large_report_is_not_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
