# Shared by the analysis-library benchmarks (analysis.sh, coach.sh,
# politeness.sh); sourced from the repository root.

# build_speed NAME BUILD_DIR OUT_DIR: compiles bench/NAME.c against
# BUILD_DIR/libtruce-analysis.a into OUT_DIR/NAME.
build_speed() {
    # shellcheck disable=SC2046
    ${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 -D_DEFAULT_SOURCE -Isrc -o "$3/$1" \
        "bench/$1.c" "$2/libtruce-analysis.a" \
        $(pkg-config --libs jansson libutf8proc) -lstemmer -lm
}

# One core for the timed run, when taskset is there.
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

# The texts to time: the airline tweets when ../shared/data is here, else the
# shipped category training messages.  Sets file and column.
if [ -f ../shared/data/airline/train.csv ]; then
    file=../shared/data/airline/train.csv column=text
else
    file=data/training/categories.csv column=text
fi
