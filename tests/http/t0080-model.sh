#!/bin/bash
# truce model train|predict|eval from the command line (no server).
. "$(dirname "$0")/lib.sh"
DATA="$(cd "$(dirname "$0")/../data/model" && pwd)"
M="$T_DIR/topic.model"

"$TRUCE" model train --csv "$DATA/train.csv" --text text --label topic -o "$M" --epochs 30 \
    >"$T_DIR/out" 2>"$T_DIR/err"
check "train exits 0" [ $? -eq 0 ]
check "train writes the model" [ -s "$M" ]
check "train reports the examples and labels" grep -q "^18 examples, 3 labels" "$T_DIR/out"
check "train reports the row without a label" grep -q "1 rows without a label skipped" "$T_DIR/out"
check "train prints per-epoch lines" grep -q "^epoch 30:" "$T_DIR/out"
check "no progress bar when stderr is not a terminal" [ ! -s "$T_DIR/err" ]

"$TRUCE" model train --csv "$DATA/train.csv" --text text --label topic -o "$T_DIR/again.model" \
    --epochs 30 >/dev/null
check "the same training gives the same file" cmp -s "$M" "$T_DIR/again.model"

"$TRUCE" model train --csv "$DATA/train.csv" --text text --label topic \
    -o "$T_DIR/no-such-dir/x.model" >/dev/null 2>"$T_DIR/err"
check "a model that cannot be written exits 1" [ $? -eq 1 ]
check "the error names the file asked for, not a temporary one" \
    grep -q "cannot write '$T_DIR/no-such-dir/x.model': No such file" "$T_DIR/err"

printf 'refund my card please\n\nthe app crashes\nthanks, great help\n' |
    "$TRUCE" model predict --model "$M" >"$T_DIR/labels"
check "predict exits 0" [ $? -eq 0 ]
check "predict prints one label per input line, empty ones too" [ "$(wc -l <"$T_DIR/labels")" -eq 4 ]
check "predict keeps the order" \
    [ "$(sed -n 1p "$T_DIR/labels") $(sed -n 3p "$T_DIR/labels") $(sed -n 4p "$T_DIR/labels")" = "billing bug praise" ]

# A NUL byte in a line is read as a space (it would otherwise end the text
# at "thanks"), and a CRLF line end is no part of the text.
printf 'thanks\0the app crashes\r\nthanks, great help\r\n' |
    "$TRUCE" model predict --model "$M" >"$T_DIR/labels"
check "a NUL inside a line does not cut its text, CRLF is a line end" \
    [ "$(tr '\n' ' ' <"$T_DIR/labels")" = "bug praise " ]

# A line of 128 MiB on standard input is held only as far as the features
# read (1 MiB): it still gets its label, and so does the line after it.
{ head -c 134217728 /dev/zero | tr '\0' a; printf '\nthe app crashes\n'; } |
    /usr/bin/time -f %M -o "$T_DIR/rss" "$TRUCE" model predict --model "$M" >"$T_DIR/labels"
check "a 128 MiB line gets one label, the line after it its own" \
    [ "$(wc -l <"$T_DIR/labels") $(sed -n 2p "$T_DIR/labels")" = "2 bug" ]
echo short | /usr/bin/time -f %M -o "$T_DIR/rss0" "$TRUCE" model predict --model "$M" >/dev/null
check "the 128 MiB line costs far less memory than its size ($(cat "$T_DIR/rss0") KiB for a short line, $(cat "$T_DIR/rss") KiB)" \
    [ $(($(cat "$T_DIR/rss") - $(cat "$T_DIR/rss0"))) -lt 32768 ]

"$TRUCE" model predict --model "$M" --csv "$DATA/test.csv" --text text >"$T_DIR/labels"
check "predict --csv labels each row" [ "$(tr '\n' ' ' <"$T_DIR/labels")" = "billing bug praise billing " ]
echo "the app crashes" | "$TRUCE" model predict --model "$M" --format jsonl >"$T_DIR/jsonl"
check "predict --format jsonl gives the label and probabilities" \
    [ "$(jq -r '.label + " " + (.probabilities | length | tostring)' "$T_DIR/jsonl")" = "bug 3" ]

"$TRUCE" model eval --model "$M" --csv "$DATA/test.csv" --text text --label topic >"$T_DIR/out"
check "eval exits 0" [ $? -eq 0 ]
check "eval prints the accuracy" grep -q "^accuracy 1.0000" "$T_DIR/out"
check "eval prints macro-F1" grep -q "^macro-F1 1.0000" "$T_DIR/out"
check "eval prints the confusion matrix" grep -q "^confusion" "$T_DIR/out"
"$TRUCE" model eval --model "$M" --csv "$DATA/test.csv" --text text --label topic --json \
    >"$T_DIR/out"
check "eval --json is JSON with the accuracy" [ "$(jq .accuracy "$T_DIR/out")" = 1 ]

"$TRUCE" model train --csv "$DATA/train.csv" --text txt --label topic -o "$T_DIR/x.model" \
    2>"$T_DIR/err"
check "a missing column exits 1" [ $? -eq 1 ]
check "the error names the column and lists the columns" \
    grep -q "no column 'txt' (columns: id, text, topic)" "$T_DIR/err"
printf 'text,topic\nrefund please,billing\napp crashes\n' >"$T_DIR/short.csv"
"$TRUCE" model train --csv "$T_DIR/short.csv" --text text --label topic -o "$T_DIR/x.model" \
    2>"$T_DIR/err"
check "a row without the label column exits 1" [ $? -eq 1 ]
check "the error names the line and the column" \
    grep -q "short.csv': line 3: no 'topic' field (1 field where the header has 2)" "$T_DIR/err"
"$TRUCE" model eval --model "$M" --csv "$T_DIR/short.csv" --text text --label topic \
    >"$T_DIR/out" 2>"$T_DIR/err"
check "eval refuses it too" grep -q "line 3: no 'topic' field" "$T_DIR/err"
check "and prints no scores" [ ! -s "$T_DIR/out" ]
printf 'text,topic\nno label here,\n' >"$T_DIR/nodev.csv"
"$TRUCE" model train --csv "$DATA/train.csv" --text text --label topic --dev "$T_DIR/nodev.csv" \
    -o "$T_DIR/x.model" >/dev/null 2>"$T_DIR/err"
check "a dev file without a labelled row exits 1" [ $? -eq 1 ]
check "and says so" grep -q "nodev.csv': no labelled rows to choose the epoch on" "$T_DIR/err"
"$TRUCE" model train --csv "$DATA/broken.csv" --text text --label topic -o "$T_DIR/x.model" \
    2>"$T_DIR/err"
check "a broken quote exits 1" [ $? -eq 1 ]
check "the error names the file and the line" grep -q "broken.csv': line 4: unterminated quote" "$T_DIR/err"
check "no model is written after an error" [ ! -e "$T_DIR/x.model" ]
"$TRUCE" model train --csv "$DATA/train.csv" --text text 2>"$T_DIR/err"
check "a missing option exits 2" [ $? -eq 2 ]

cp "$M" "$T_DIR/bad.model"
printf '\x55' | dd of="$T_DIR/bad.model" bs=1 seek=5000 conv=notrunc 2>/dev/null
echo hello | "$TRUCE" model predict --model "$T_DIR/bad.model" >"$T_DIR/out" 2>"$T_DIR/err"
check "a corrupt model exits 1" [ $? -eq 1 ]
check "a corrupt model is refused by name" grep -q "bad.model': corrupt truce model" "$T_DIR/err"
check "a corrupt model predicts nothing" [ ! -s "$T_DIR/out" ]
echo hello | "$TRUCE" model predict --model "$DATA/train.csv" 2>"$T_DIR/err"
check "a foreign file is refused" grep -q "train.csv': not a truce model" "$T_DIR/err"
finish
