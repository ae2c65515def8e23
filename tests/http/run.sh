#!/bin/sh
# Runs every HTTP scenario (tNNNN-*.sh) and sums their results.
# usage: TRUCE=path/to/truce tests/http/run.sh [SCENARIO...]
cd "$(dirname "$0")" || exit 1
: "${TRUCE:?set TRUCE to the truce binary under test}"
export TRUCE
passed=0 failed=0 broken=0
for t in ${@:-t[0-9][0-9][0-9][0-9]-*.sh}; do
    out=$(bash "./$(basename "$t")" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    line=$(printf '%s\n' "$out" | grep -E '^t[0-9]{4}-[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        echo "BROKEN: $t (exit $rc, no summary)"
        broken=$((broken + 1))
        continue
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && broken=$((broken + 1)) && echo "BROKEN: $t exit $rc"
done
echo "http: $passed passed, $((failed + broken)) failed"
[ "$failed" -eq 0 ] && [ "$broken" -eq 0 ]
