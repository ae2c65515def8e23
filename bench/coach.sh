#!/usr/bin/env bash
# Reply coach latency on one core (called by bench/run.sh).
#
#   bench/coach.sh BUILD_DIR
#
# Builds bench/coach_speed.c against BUILD_DIR/libtruce-analysis.a and times
# coach_review() of 100-word drafts answering three-message threads made of
# the airline tweets (../shared/data, when present) or else the shipped
# category training messages, pinned to CPU 0.  Target: <= 200 us a review.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: bench/coach.sh BUILD_DIR}
cc=${CC:-cc}
out=build/bench
mkdir -p "$out"
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -O2 -D_DEFAULT_SOURCE -Isrc -o "$out/coach_speed" \
    bench/coach_speed.c "$build/libtruce-analysis.a" \
    $(pkg-config --libs jansson libutf8proc) -lstemmer -lm
if [ -f ../shared/data/airline/train.csv ]; then
    file=../shared/data/airline/train.csv column=text
else
    file=data/training/categories.csv column=text
fi
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
echo "== coach: coach_review() of a 100-word draft with a thread, one core, $file"
line=$($pin "$out/coach_speed" data "$build/models" "$file" "$column")
read -r stored fresh _ <<<"$line"
printf '  %-56s %8s us\n' "review, thread analyses stored (server)" "$stored"
printf '  %-56s %8s us\n' "review, thread analysed by the coach (CLI)" "$fresh"
echo "  (${line#* us per review (}"
awk -v s="$stored" 'BEGIN { v = (s <= 200) ? "met" : "NOT met";
    printf "  %-56s %8.2f     target <= 1.00: %s\n", "stored / 200 us", s / 200, v }'
