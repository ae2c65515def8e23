# truce: one Makefile.
#   make                      build ./truce (optimised, with debug info)
#   make DEBUG=1              unoptimised build in build/debug
#   make SANITIZE=address,undefined test   build and test under ASan+UBSan (build/san-…)
#   make test                 every test: cmocka units, HTTP scenarios, browser tests
#   make browser-test         the web console and pages in headless chromium (tests/browser/)
#   make bench                throughput figures against the baselines (bench/)
#   make fuzz                 libFuzzer on every parser, FUZZ_SECONDS each (fuzz/; clang)
#   make deps                 install the Debian packages build and tests need

PKGS := libmicrohttpd jansson libsodium sqlite3 libutf8proc libcurl libcmark
CC ?= cc

comma := ,
ifdef SANITIZE
VARIANT := san-$(subst $(comma),-,$(SANITIZE))
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
LDOPT := -fsanitize=$(SANITIZE)
else ifdef DEBUG
VARIANT := debug
OPT := -O0 -g3
else
VARIANT := release
OPT := -O2 -g
endif

B := build/$(VARIANT)
# A data race stops the process (as ASan and UBSan errors do), so a test sees it.
export TSAN_OPTIONS ?= halt_on_error=1
WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wcast-qual -fstack-protector-strong
CFLAGS := $(WARN) $(OPT) -D_DEFAULT_SOURCE -Isrc -I$(B)/gen \
          $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP $(EXTRA_CFLAGS)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm -lpthread
LDFLAGS := $(LDOPT)

LIB_SRC := $(sort $(wildcard src/util/*.c src/text/*.c src/analysis/*.c src/domain/*.c \
             src/store/*.c src/store/sqlite/*.c src/service/*.c src/http/*.c \
             src/channels/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
GEN_SRC := $(B)/gen/sqlite_migrations.c
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/sqlite_migrations.o
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o) $(B)/gen/demo_data.o
LIB := $(B)/libtruce.a
BIN := $(B)/truce

# The analysis library (text + analysis + the few util files they use) builds
# and tests alone: its unit tests link this archive and nothing else.
ANA_SRC := src/util/alloc.c src/util/buf.c src/util/err.c src/util/utf8.c $(wildcard src/util/csv.c) \
           $(sort $(wildcard src/text/*.c src/analysis/*.c))
ANA_LIB := $(B)/libtruce-analysis.a
ANA_LDLIBS := $(shell pkg-config --libs jansson libutf8proc 2>/dev/null) -lstemmer -lm -lpthread

UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c))
ANA_UNIT_BIN := $(filter $(B)/tests/unit/text/% $(B)/tests/unit/analysis/%, \
                  $(UNIT_SRC:%.c=$(B)/%))
UNIT_BIN := $(UNIT_SRC:%.c=$(B)/%)

.PHONY: all test unit http-test browser-test analysis-test bench deps clean demo format fuzz models
all: $(BIN) $(if $(filter release,$(VARIANT)),truce) models

# The shipped models, trained by truce itself from data under data/training/
# (a few seconds each in the release build).  The category data may be absent.
MODELS := $(B)/models/emotion.model $(B)/models/politeness.model \
          $(if $(wildcard data/training/categories.csv),$(B)/models/category.model)
# 2^15 buckets keep each model's weights within a core's L2 cache (the
# analysis runs both on every message); both share one feature extraction.
MODEL_TRAIN = $(BIN) model train --seed 1 --lexicon data/lexicons/vader_lexicon.txt \
              --buckets 32768
models: $(MODELS)

# GoEmotions ships compressed (4 MB of text, 1.4 MB gzipped).
$(B)/gen/goemotions.csv: data/training/goemotions.csv.gz
	@mkdir -p $(dir $@)
	gzip -dc $< > $@.tmp && mv $@.tmp $@

$(B)/models/emotion.model: $(B)/gen/goemotions.csv data/training/emotion_groups.txt \
                          $(BIN) data/lexicons/vader_lexicon.txt
	@mkdir -p $(dir $@)
	$(MODEL_TRAIN) --csv $< --text text --label emotion \
	  --label-map data/training/emotion_groups.txt --balanced --epochs 3 -o $@ >$@.log

$(B)/models/category.model: data/training/categories.csv $(BIN) data/lexicons/vader_lexicon.txt
	@mkdir -p $(dir $@)
	$(MODEL_TRAIN) --csv $< --text text --label category --balanced \
	  $(if $(wildcard data/training/categories-dev.csv),--dev data/training/categories-dev.csv) \
	  -o $@ >$@.log

# The coach's politeness model, from our own labelled replies (the Stanford
# corpus may not ship); its word lists are copied into the model.
$(B)/models/politeness.model: data/training/politeness.csv data/politeness/strategies.txt \
                              $(BIN) data/lexicons/vader_lexicon.txt
	@mkdir -p $(dir $@)
	$(BIN) politeness train --seed 1 --lexicon data/lexicons/vader_lexicon.txt \
	  --lists data/politeness/strategies.txt --csv $< --text text --label label -o $@ >$@.log

truce: $(BIN)
	ln -sf $(BIN) truce

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(ANA_LIB): $(ANA_SRC:%.c=$(B)/%.o)
	rm -f $@
	ar rcs $@ $^

# The analysis runs on every message: its hot loops (feature weights, the
# tokenizer) gain ~20% from -O3's vectorising in the optimised build.
ifeq ($(VARIANT),release)
$(B)/src/analysis/%.o $(B)/src/text/%.o: CFLAGS += -O3
endif

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(GEN_SRC): scripts/embed-sql.sh $(wildcard data/schema/sqlite/*.sql)
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh data/schema/sqlite > $@.tmp && mv $@.tmp $@

$(B)/gen/demo_data.c: scripts/embed-text.sh data/demo/demo.json
	@mkdir -p $(dir $@)
	scripts/embed-text.sh demo_json data/demo/demo.json > $@.tmp && mv $@.tmp $@

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tests/unit/text/%: tests/unit/text/%.c $(ANA_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ANA_LIB) $(ANA_LDLIBS) -lcmocka

$(B)/tests/unit/analysis/%: tests/unit/analysis/%.c $(ANA_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ANA_LIB) $(ANA_LDLIBS) -lcmocka

$(B)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

# Tests that judge the analysis as the server runs it load the models make
# trained for this build.
export TRUCE_MODELS := $(CURDIR)/$(B)/models

unit: $(UNIT_BIN) models
	@scripts/run-units $(UNIT_BIN)

# The analysis library alone: its archive and its tests, nothing else linked
# or built (the checks that need the trained models run when make has made
# them, and say they were skipped otherwise).
analysis-test: $(ANA_LIB) $(ANA_UNIT_BIN)
	@TRUCE_MODELS=$(if $(wildcard $(B)/models/emotion.model),$(CURDIR)/$(B)/models) \
	  scripts/run-units $(ANA_UNIT_BIN)

http-test: $(BIN)
	@TRUCE=$(CURDIR)/$(BIN) tests/http/run.sh

test: $(BIN) $(UNIT_BIN) models
	@scripts/run-units $(UNIT_BIN)
	@TRUCE=$(CURDIR)/$(BIN) tests/http/run.sh
	@node --test --test-reporter=dot tests/web/
	@TRUCE=$(CURDIR)/$(BIN) node tests/browser/run.mjs

# The console and the customer pages in headless chromium (playwright-core
# from npm; scripts/deps installs both).  Screenshots: build/screenshots/.
# Before them, node's own test runner checks the views' pure parts (tests/web/).
browser-test: $(BIN)
	@node --test --test-reporter=dot tests/web/
	@TRUCE=$(CURDIR)/$(BIN) node tests/browser/run.mjs

bench: all $(ANA_LIB)
	@bench/run.sh $(CURDIR)/$(BIN)

demo: all
	./truce init --db truce.db && ./truce demo --db truce.db && \
	printf '\n  ==> Open the agent console: http://127.0.0.1:8080/app/\n      and log in with one of the logins above.\n\n' && \
	./truce serve --db truce.db --listen 127.0.0.1:8080

# fuzz/fuzz_*.c, each built with clang against the sources it needs and run for
# FUZZ_SECONDS on a copy of fuzz/corpus/<target>/, so runs do not grow the committed
# corpus.  Every target links only what it references from FUZZ_SRC (an archive), so
# a target that needs no route table does not need the handlers.  Crashing inputs
# and the logs are kept in build/fuzz/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_B := build/fuzz
FUZZ_TARGETS := $(sort $(basename $(notdir $(wildcard fuzz/fuzz_*.c))))
FUZZ_SRC := src/util/err.c src/util/utf8.c src/util/encode.c src/util/timeutil.c src/util/csv.c \
            src/util/alloc.c src/util/buf.c src/util/jsoncheck.c src/util/textout.c \
            $(sort $(wildcard src/text/*.c src/analysis/*.c src/domain/*.c)) \
            src/http/json_in.c src/http/bodies.c src/http/cursor.c src/http/routes.c
FUZZ_CFLAGS := $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=all -D_DEFAULT_SOURCE -Isrc \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

fuzz:
	@mkdir -p $(FUZZ_B)
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }\n' \
	  > $(FUZZ_B)/probe.c
	@$(FUZZ_CC) -fsanitize=fuzzer -o $(FUZZ_B)/probe $(FUZZ_B)/probe.c >/dev/null 2>&1 || { \
	  echo "make fuzz needs clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev)"; \
	  exit 2; }
	@set -e; for s in $(FUZZ_SRC); do \
	  mkdir -p $(FUZZ_B)/$$(dirname $$s); \
	  echo "$(FUZZ_CC) -c $$s"; $(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $(FUZZ_B)/$${s%.c}.o $$s; \
	done; \
	rm -f $(FUZZ_B)/libfuzz.a; \
	ar rcs $(FUZZ_B)/libfuzz.a $(patsubst %.c,$(FUZZ_B)/%.o,$(FUZZ_SRC)); \
	for t in $(FUZZ_TARGETS); do \
	  echo "$(FUZZ_CC) -o $(FUZZ_B)/$$t fuzz/$$t.c"; \
	  $(FUZZ_CC) $(FUZZ_CFLAGS) -o $(FUZZ_B)/$$t fuzz/$$t.c $(FUZZ_B)/libfuzz.a $(LDLIBS); \
	done
	@failed=; for t in $(FUZZ_TARGETS); do \
	  rm -rf $(FUZZ_B)/corpus/$$t; mkdir -p $(FUZZ_B)/corpus $(FUZZ_B)/crashes; \
	  cp -r fuzz/corpus/$$t $(FUZZ_B)/corpus/$$t; \
	  echo "fuzz $$t: $(FUZZ_SECONDS)s"; \
	  if $(FUZZ_B)/$$t -max_len=4096 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	       -artifact_prefix=$(FUZZ_B)/crashes/$$t- $(FUZZ_B)/corpus/$$t \
	       > $(FUZZ_B)/$$t.log 2>&1; then \
	    echo "  ok: $$(grep -o 'stat::number_of_executed_units: *[0-9]*' $(FUZZ_B)/$$t.log \
	      | grep -o '[0-9]*$$') runs, corpus $$(ls $(FUZZ_B)/corpus/$$t | wc -l) inputs"; \
	  else \
	    failed="$$failed $$t"; \
	    echo "  CRASH (log: $(FUZZ_B)/$$t.log)"; \
	    awk '/==ERROR|runtime error|invariant failed/ && !d { p = 1 } \
	         p && n++ < 40 { print "    " $$0 } /^SUMMARY/ && p { p = 0; d = 1 }' \
	      $(FUZZ_B)/$$t.log; \
	    grep -m1 'Test unit written' $(FUZZ_B)/$$t.log | sed 's/^/    /'; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "make fuzz: crashes in$$failed"; exit 1; fi

deps:
	scripts/deps

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

clean:
	rm -rf build truce

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
