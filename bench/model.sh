#!/usr/bin/env bash
# The learnt classifier next to fastText on the same data (called by bench/run.sh).
#
#   bench/model.sh TRUCE_BIN
#
# With the development data at ../shared/data (relative to the repository):
#   - airline sentiment: train on train.csv (dev.csv for early stopping),
#     evaluate on dev.csv; the complaint reason likewise, on negative tweets;
#   - GoEmotions: train on train.tsv, evaluate on dev.tsv: macro-F1 over the
#     labels (one row per label of a comment, top-1 prediction), and F1 of
#     "angry" (anger or annoyance) against the rest, per comment;
#   - training time, model size, and `predict` throughput on 300k lines
#     (airline texts repeated) on one core (taskset -c 0), messages/s.
# fastText (Debian `fasttext`): `supervised -wordNgrams 2`, defaults otherwise,
# and a second line with -epoch 25.  Both are scored by the same awk on the
# same one-line texts, so the figures compare.  Targets are printed beside
# the figures; missing one does not fail the run.
set -u
cd "$(dirname "$0")/.." || exit 1
TRUCE=${1:?usage: bench/model.sh TRUCE_BIN}
DATA=../shared/data
if [ ! -f "$DATA/airline/train.csv" ] || [ ! -f "$DATA/goemotions/train.tsv" ]; then
    echo "== model: skipped ($DATA/airline and $DATA/goemotions are not here)"
    exit 0
fi
HAVE_FT=1
command -v fasttext >/dev/null || { HAVE_FT=0; echo "(fasttext not installed: truce alone)"; }
W=$(mktemp -d "${TMPDIR:-/tmp}/truce-bench-model.XXXXXX")
trap 'rm -rf "$W"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# CSV (RFC 4180, quoted fields may hold newlines) to TSV "text<TAB>label" on
# one line each: newlines and tabs in the text become spaces.  Rows with an
# empty label are dropped.  usage: csv_to_tsv FILE TEXT_COL LABEL_COL
csv_to_tsv() {
    awk -v tc="$2" -v lc="$3" '
    function parse(rec,   i, c, f, q, n) {
        n = 0; f = ""; q = 0
        for (i = 1; i <= length(rec); i++) {
            c = substr(rec, i, 1)
            if (q) {
                if (c == "\"") { if (substr(rec, i + 1, 1) == "\"") { f = f c; i++ } else q = 0 }
                else f = f c
            } else if (c == "\"") q = 1
            else if (c == ",") { fld[++n] = f; f = "" }
            else f = f c
        }
        fld[++n] = f
        return n
    }
    {
        rec = (pending == "" ? $0 : pending "\n" $0)
        sub(/\r$/, "", rec)
        if (gsub(/"/, "\"", rec) % 2) { pending = rec; next }
        pending = ""
        n = parse(rec)
        if (!hdr++) { for (i = 1; i <= n; i++) { if (fld[i] == tc) t = i; if (fld[i] == lc) l = i }; next }
        text = fld[t]; gsub(/[\t\n\r]/, " ", text)
        if (fld[l] != "") print text "\t" fld[l]
    }' "$1"
}

# fastText input: "__label__X text", lower case, punctuation apart (as in
# fastText's own examples); label spaces become "_".  stdin TSV -> stdout.
ft_train() {
    local in
    in=$(mktemp "$W/ft.XXXXXX")
    cat >"$in"
    paste -d ' ' <(cut -f2 "$in" | sed 's/ /_/g; s/^/__label__/') <(ft_text <"$in")
    rm -f "$in"
}
ft_text() { cut -f1 | tr '[:upper:]' '[:lower:]' | sed -e "s/\([.!?,'/()]\)/ \1 /g"; }

# Scores "gold<TAB>predicted" lines: accuracy and macro-F1 (labels seen in
# either column).  Prints "ACC F1".
score() {
    awk -F '\t' '{ n++; if ($1 == $2) ok++; g[$1]++; p[$2]++; if ($1 == $2) tp[$1]++; seen[$1]; seen[$2] }
    END { for (c in seen) { pr = p[c] ? tp[c] / p[c] : 0; re = g[c] ? tp[c] / g[c] : 0
              f += pr + re > 0 ? 2 * pr * re / (pr + re) : 0; k++ }
          printf "%.4f %.4f\n", ok / n, f / k }'
}

# One task: truce and fastText trained on TRAIN_TSV (truce from the CSV),
# scored on DEV_TSV.  usage: task NAME TRAIN_CSV DEV_CSV TEXT LABEL [truce opts]
declare -A RES
task() {
    local name=$1 train=$2 dev=$3 tcol=$4 lcol=$5
    shift 5
    csv_to_tsv "$train" "$tcol" "$lcol" >"$W/$name.train.tsv"
    csv_to_tsv "$dev" "$tcol" "$lcol" >"$W/$name.dev.tsv"
    local t0 t1
    t0=$(now)
    "$TRUCE" model train --csv "$train" --text "$tcol" --label "$lcol" --dev "$dev" \
        -o "$W/$name.model" "$@" >"$W/$name.log" || { echo "truce train failed"; exit 1; }
    t1=$(now)
    RES[$name.truce.train]=$(secs "$t0" "$t1")
    RES[$name.truce.size]=$(stat -c %s "$W/$name.model")
    cut -f1 "$W/$name.dev.tsv" | "$TRUCE" model predict --model "$W/$name.model" >"$W/$name.pred"
    RES[$name.truce]=$(paste <(cut -f2 "$W/$name.dev.tsv") "$W/$name.pred" | score)
    [ $HAVE_FT = 1 ] || return 0
    ft_train <"$W/$name.train.tsv" >"$W/$name.ft.train"
    ft_text <"$W/$name.dev.tsv" >"$W/$name.ft.dev"
    for ep in 5 25; do
        t0=$(now)
        fasttext supervised -input "$W/$name.ft.train" -output "$W/$name.ft$ep" -wordNgrams 2 \
            -epoch $ep -verbose 0 >/dev/null 2>&1 || { echo "fasttext failed"; exit 1; }
        t1=$(now)
        RES[$name.ft$ep.train]=$(secs "$t0" "$t1")
        RES[$name.ft$ep.size]=$(stat -c %s "$W/$name.ft$ep.bin")
        fasttext predict "$W/$name.ft$ep.bin" "$W/$name.ft.dev" | sed 's/^__label__//; s/_/ /g' \
            >"$W/$name.ft$ep.pred"
        RES[$name.ft$ep]=$(paste <(cut -f2 "$W/$name.dev.tsv") "$W/$name.ft$ep.pred" | score)
    done
    rm -f "$W"/$name.ft*.bin.tmp "$W"/$name.ft*.vec
}

echo "== model: truce vs fastText (-wordNgrams 2)"
A=$DATA/airline
task sentiment "$A/train.csv" "$A/dev.csv" text sentiment
task reason "$A/train.csv" "$A/dev.csv" text reason --balanced

G=$DATA/goemotions
scripts/goemotions-csv "$G/labels.txt" "$G/train.tsv" >"$W/goemo.train.csv"
scripts/goemotions-csv "$G/labels.txt" "$G/dev.tsv" >"$W/goemo.dev.csv"
task emotion "$W/goemo.train.csv" "$W/goemo.dev.csv" text emotion --balanced

# Angry per comment: gold when any label is anger or annoyance (ids 2, 3).
angry_f1() { # stdin: "gold<TAB>pred" with 1/0
    awk -F '\t' '{ tp += $1 && $2; fp += !$1 && $2; fn += $1 && !$2 }
        END { p = tp + fp ? tp / (tp + fp) : 0; r = tp + fn ? tp / (tp + fn) : 0
              printf "%.4f", p + r ? 2 * p * r / (p + r) : 0 }'
}
cut -f1 "$G/dev.tsv" | tr '\t' ' ' >"$W/angry.txt"
awk -F '\t' '{ n = split($2, a, ","); g = 0; for (i = 1; i <= n; i++) if (a[i] == 2 || a[i] == 3) g = 1; print g }' \
    "$G/dev.tsv" >"$W/angry.gold"
is_angry() { awk '{ print ($0 == "anger" || $0 == "annoyance") ? 1 : 0 }'; }
RES[angry.truce]=$("$TRUCE" model predict --model "$W/emotion.model" <"$W/angry.txt" | is_angry |
    paste "$W/angry.gold" - | angry_f1)
if [ $HAVE_FT = 1 ]; then
    ft_text <"$W/angry.txt" >"$W/angry.ft"
    for ep in 5 25; do
        RES[angry.ft$ep]=$(fasttext predict "$W/emotion.ft$ep.bin" "$W/angry.ft" |
            sed 's/^__label__//' | is_angry | paste "$W/angry.gold" - | angry_f1)
    done
fi

# Throughput: 300k lines of airline text, one core each.
cut -f1 "$W/sentiment.train.tsv" >"$W/one.txt"
awk -v n=300000 '{ l[NR] = $0 } END { for (i = 0; i < n; i++) print l[i % NR + 1] }' \
    "$W/one.txt" >"$W/big.txt"
ft_text <"$W/big.txt" >"$W/big.ft" 2>/dev/null || cp "$W/big.txt" "$W/big.ft"
t0=$(now)
taskset -c 0 "$TRUCE" model predict --model "$W/sentiment.model" --format labels <"$W/big.txt" \
    >"$W/big.pred"
t1=$(now)
lines=$(wc -l <"$W/big.pred")
RES[rate.truce]=$(awk -v n="$lines" -v s="$(secs "$t0" "$t1")" 'BEGIN { printf "%.0f", n / s }')
if [ $HAVE_FT = 1 ]; then
    t0=$(now)
    taskset -c 0 fasttext predict "$W/sentiment.ft5.bin" "$W/big.ft" >"$W/big.ftpred"
    t1=$(now)
    RES[rate.ft]=$(awk -v n="$(wc -l <"$W/big.ftpred")" -v s="$(secs "$t0" "$t1")" \
        'BEGIN { printf "%.0f", n / s }')
fi

get() { echo "${RES[$1]:-n/a}"; }
field() { echo "$(get "$1")" | awk -v i="$2" '{ print ($i == "" ? "n/a" : $i) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }
mb() { awk -v b="$1" 'BEGIN { if (b + 0 > 0) printf "%.1f MB", b / 1048576; else printf "n/a" }'; }

echo
printf '  %-34s %9s %9s %9s %9s   %s\n' "measure (dev set)" "truce" "fastText" "ft -ep25" \
    "truce/ft" "target"
row() { # name key field target
    local t f f25
    t=$(field "$2.truce" "$3"); f=$(field "$2.ft5" "$3"); f25=$(field "$2.ft25" "$3")
    printf '  %-34s %9s %9s %9s %9s   %s\n' "$1" "$t" "$f" "$f25" "$(ratio "$t" "$f")" "$4"
}
row "airline sentiment accuracy" sentiment 1 ">= 0.83"
row "airline sentiment macro-F1" sentiment 2 ">= 0.77"
row "airline reason accuracy (negatives)" reason 1 ">= 0.65"
row "airline reason macro-F1 (negatives)" reason 2 ""
row "GoEmotions accuracy (top-1)" emotion 1 ""
row "GoEmotions macro-F1 over labels" emotion 2 ""
printf '  %-34s %9s %9s %9s %9s\n' "GoEmotions F1 of angry vs rest" "$(get angry.truce)" \
    "$(get angry.ft5)" "$(get angry.ft25)" "$(ratio "$(get angry.truce)" "$(get angry.ft5)")"
echo
printf '  %-34s %9s %9s %9s   %s\n' "training, airline sentiment (s)" "$(get sentiment.truce.train)" \
    "$(get sentiment.ft5.train)" "$(get sentiment.ft25.train)" "truce <= 10 s"
printf '  %-34s %9s %9s %9s\n' "training, GoEmotions (s)" "$(get emotion.truce.train)" \
    "$(get emotion.ft5.train)" "$(get emotion.ft25.train)"
printf '  %-34s %9s %9s %9s   %s\n' "model size, airline sentiment" "$(mb "$(get sentiment.truce.size)")" \
    "$(mb "$(get sentiment.ft5.size)")" "" "truce <= 20 MB"
printf '  %-34s %9s %9s %9s   %s\n' "model size, GoEmotions" "$(mb "$(get emotion.truce.size)")" \
    "$(mb "$(get emotion.ft5.size)")" "" "truce <= 20 MB"
printf '  %-34s %9s %9s %9s %9s   %s\n' "predict, 300k lines, 1 core (msg/s)" "$(get rate.truce)" \
    "$(get rate.ft)" "" "$(ratio "$(get rate.truce)" "$(get rate.ft)")" "truce/ft >= 3"
