# truce: one Makefile.
#   make                      build ./truce (optimised, with debug info)
#   make DEBUG=1              unoptimised build in build/debug
#   make SANITIZE=address,undefined test   build and test under ASan+UBSan (build/san-…)
#   make test                 every test: cmocka units, then HTTP scenarios
#   make bench                throughput figures against the baselines (bench/)
#   make deps                 install the Debian packages build and tests need

PKGS := libmicrohttpd jansson libsodium sqlite3
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
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread
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

UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_BIN := $(UNIT_SRC:%.c=$(B)/%)

.PHONY: all test unit http-test bench deps clean demo format
all: $(BIN) $(if $(filter release,$(VARIANT)),truce)

truce: $(BIN)
	ln -sf $(BIN) truce

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

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

$(B)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)
	@scripts/run-units $(UNIT_BIN)

http-test: $(BIN)
	@TRUCE=$(CURDIR)/$(BIN) tests/http/run.sh

test: $(BIN) $(UNIT_BIN)
	@scripts/run-units $(UNIT_BIN)
	@TRUCE=$(CURDIR)/$(BIN) tests/http/run.sh

bench: all
	@bench/run.sh $(CURDIR)/$(BIN)

demo: all
	./truce init --db truce.db && ./truce demo --db truce.db && \
	./truce serve --db truce.db --listen 127.0.0.1:8080

deps:
	scripts/deps

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

clean:
	rm -rf build truce

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
