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
out=build/bench
mkdir -p "$out"
. bench/lib.sh
build_speed coach_speed "$build" "$out"
echo "== coach: coach_review() of a 100-word draft with a thread, one core, $file"
line=$($pin "$out/coach_speed" data "$build/models" "$file" "$column")
read -r stored fresh _ <<<"$line"
printf '  %-56s %8s us\n' "review, thread analyses stored (server)" "$stored"
printf '  %-56s %8s us\n' "review, thread analysed by the coach (CLI)" "$fresh"
echo "  (${line#* us per review (}"
awk -v s="$stored" 'BEGIN { v = (s <= 200) ? "met" : "NOT met";
    printf "  %-56s %8.2f     target <= 1.00: %s\n", "stored / 200 us", s / 200, v }'
