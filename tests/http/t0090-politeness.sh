#!/bin/bash
# truce politeness train|eval|predict from the command line (no server).
. "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CSV="$ROOT/data/training/politeness.csv"
OPTS=(--lists "$ROOT/data/politeness/strategies.txt" --lexicon "$ROOT/data/lexicons/vader_lexicon.txt")
M="$T_DIR/p.model"

"$TRUCE" politeness train --csv "$CSV" --text text --label label -o "$M" "${OPTS[@]}" \
    >"$T_DIR/out" 2>"$T_DIR/err"
check "train exits 0" [ $? -eq 0 ]
check "train writes the model" [ -s "$M" ]
check "train counts the rows" grep -q "^494 rows: 252 polite, 242 impolite" "$T_DIR/out"
check "train prints the strategies' weights" grep -Eq "^  gratitude +\+" "$T_DIR/out"
"$TRUCE" politeness train --csv "$CSV" --text text --label label -o "$T_DIR/again.model" \
    "${OPTS[@]}" >/dev/null
check "the same training gives the same file" cmp -s "$M" "$T_DIR/again.model"

printf 'Thank you so much, could you please send it when you have a moment?\n\nWhy is this still broken? Fix it now.\n' |
    "$TRUCE" politeness predict --model "$M" --lexicon "$ROOT/data/lexicons/vader_lexicon.txt" \
    >"$T_DIR/p"
check "predict exits 0" [ $? -eq 0 ]
check "predict prints one probability per line, empty ones too" [ "$(wc -l <"$T_DIR/p")" -eq 3 ]
check "the polite line scores high and the rude one low" \
    awk 'NR == 1 && $1 < 0.8 { exit 1 } NR == 3 && $1 > 0.2 { exit 1 }' "$T_DIR/p"

# A line of 128 MiB is held only as far as the tokenizer reads (1 MiB).
{ head -c 134217728 /dev/zero | tr '\0' a; printf '\nThank you so much!\n'; } |
    /usr/bin/time -f %M -o "$T_DIR/rss" "$TRUCE" politeness predict --model "$M" \
        --lexicon "$ROOT/data/lexicons/vader_lexicon.txt" >"$T_DIR/p"
check "a 128 MiB line gets one score, the line after it its own" [ "$(wc -l <"$T_DIR/p")" -eq 2 ]
echo short | /usr/bin/time -f %M -o "$T_DIR/rss0" "$TRUCE" politeness predict --model "$M" \
    --lexicon "$ROOT/data/lexicons/vader_lexicon.txt" >/dev/null
check "the 128 MiB line costs far less memory than its size ($(cat "$T_DIR/rss0") KiB for a short line, $(cat "$T_DIR/rss") KiB)" \
    [ $(($(cat "$T_DIR/rss") - $(cat "$T_DIR/rss0"))) -lt 32768 ]

"$TRUCE" politeness eval --model "$M" --csv "$CSV" --text text --label label --json \
    --lexicon "$ROOT/data/lexicons/vader_lexicon.txt" >"$T_DIR/out"
check "eval --json counts the rows" [ "$(jq -r '.n' "$T_DIR/out")" = 494 ]
check "eval --json has accuracy, precision and recall" jq -e '.accuracy > 0.9 and .precision > 0.9 and .recall > 0.9' "$T_DIR/out" >/dev/null

printf 'text,score\nplease do it,1\nthanks a lot,5\nwhy not,-2\nsend it,0\nhi there,2\n' >"$T_DIR/s.csv"
"$TRUCE" politeness train --csv "$T_DIR/s.csv" --text text --score score -o "$T_DIR/s.model" \
    "${OPTS[@]}" >"$T_DIR/out"
check "--score keeps the top and bottom quartiles" grep -q "^2 rows: 1 polite, 1 impolite (3 skipped)" "$T_DIR/out"

printf 'text,label\nhello,nice\n' >"$T_DIR/bad.csv"
"$TRUCE" politeness train --csv "$T_DIR/bad.csv" --text text --label label -o "$T_DIR/x.model" \
    2>"$T_DIR/err"
check "a bad label exits 1" [ $? -eq 1 ]
check "the error names the line and the label" grep -q "line 2: label 'nice'" "$T_DIR/err"
printf 'text,label\nhello,\n' >"$T_DIR/none.csv"
"$TRUCE" politeness eval --model "$M" --csv "$T_DIR/none.csv" --text text --label label \
    >"$T_DIR/out" 2>"$T_DIR/err"
check "eval without a labelled row exits 1" [ $? -eq 1 ]
check "and says so" grep -q "none.csv': no labelled rows to evaluate" "$T_DIR/err"
check "and prints no scores" [ ! -s "$T_DIR/out" ]
"$TRUCE" politeness train --csv "$CSV" --text text 2>"$T_DIR/err"
check "a missing option exits 2" [ $? -eq 2 ]

cp "$M" "$T_DIR/bad.model"
printf '\x55' | dd of="$T_DIR/bad.model" bs=1 seek=5000 conv=notrunc 2>/dev/null
echo hello | "$TRUCE" politeness predict --model "$T_DIR/bad.model" >"$T_DIR/out" 2>"$T_DIR/err"
check "a corrupt model exits 1" [ $? -eq 1 ]
check "a corrupt model is refused by name" grep -q "bad.model': corrupt politeness model" "$T_DIR/err"
finish
