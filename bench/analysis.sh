#!/usr/bin/env bash
# Full message analysis on one core (called by bench/run.sh).
#
#   bench/analysis.sh BUILD_DIR
#
# Builds bench/analyze_speed.c against BUILD_DIR/libtruce-analysis.a and runs
# analyze_message() -- tokenizer, stemmer, negation, sentiment, the emotion and
# category models make trained (BUILD_DIR/models), triggers and the score --
# over the airline tweets (../shared/data, when present) or else the shipped
# category training messages, pinned to CPU 0.  Target: 100,000 messages/s.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: bench/analysis.sh BUILD_DIR}
out=build/bench
mkdir -p "$out"
. bench/lib.sh
build_speed analyze_speed "$build" "$out"
echo "== analysis: analyze_message() on one core, $file"
line=$($pin "$out/analyze_speed" data "$build/models" "$file" "$column")
rate=${line%% *}
printf '  %-50s %12s msg/s  (%s\n' "truce analyze_message (full analysis)" "$rate" "${line#* messages/s (}"
awk -v r="$rate" 'BEGIN { v = (r >= 100000) ? "met" : "NOT met";
    printf "  %-50s %12.2f        target >= 1.00: %s\n", "analysis / 100,000 msg/s", r / 100000, v }'
