# fuzz/fuzz.mk — the libFuzzer targets, built with clang and
# -fsanitize=fuzzer,address,undefined into build/fuzz:
#   make -f fuzz/fuzz.mk            build both targets
#   make -f fuzz/fuzz.mk run        a short bounded run over the corpora
# Run from the repository root.
CLANG ?= clang
B := build/fuzz
CSTD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
CFLAGS := $(CSTD) -g -O1 -fno-omit-frame-pointer -Irender -Ikrmfn -Ireconciler
LIBS := $(shell pkg-config --libs libfyaml jansson libpcre2-8 openssl) -lcrypt -lm
RUNS ?= 2000
MAX_TIME ?= 20

RENDER_SRC := $(sort $(wildcard render/*.c))
KRM_SRC := krmfn/io.c $(sort $(wildcard krmfn/krm_*.c)) krmfn/cmd_function.c
# Everything but the entry point is built with -fsanitize=fuzzer-no-link.
OBJ := $(patsubst %.c,$(B)/%.o,$(RENDER_SRC) $(KRM_SRC)) $(B)/chart_embed.o \
	$(B)/crd_embed.o

.PHONY: all run
# Keep the objects between runs (they are intermediate to make).
.SECONDARY:
all: $(B)/fuzz_krm $(B)/fuzz_tmpl $(B)/fuzz_http

$(B)/%.o: %.c $(wildcard render/*.h krmfn/*.h reconciler/http_request.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(B)/embed: hack/embed.c
	@mkdir -p $(B)
	$(CLANG) $(CSTD) -O1 -o $@ $<

# The chart (files and loaded form) as the main build writes it
# (hack/chart2c.c).
$(B)/chart_embed.c: FORCE
	@mkdir -p $(B)
	$(MAKE) --no-print-directory build/release/gen/chart_embed.c
	cmp -s build/release/gen/chart_embed.c $@ || cp build/release/gen/chart_embed.c $@

$(B)/chart_embed.o: $(B)/chart_embed.c
	$(CLANG) $(CFLAGS) -c -o $@ $<

# The CRD's schema as JSON, as the main build writes it.
$(B)/crd_embed.c: $(B)/embed FORCE
	$(MAKE) --no-print-directory build/release/gen/crd_schema.json
	$(B)/embed -n rn_mlflow_crd_schema build/release/gen/crd_schema.json > $@.tmp
	cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

FORCE:

$(B)/crd_embed.o: $(B)/crd_embed.c
	$(CLANG) $(CFLAGS) -c -o $@ $<

# The endpoints' request parser stands alone.
$(B)/fuzz_http: fuzz/fuzz_http.c $(B)/reconciler/http_request.o
	$(CLANG) $(CFLAGS) $(SAN) -o $@ $^

$(B)/fuzz_%: fuzz/fuzz_%.c $(OBJ)
	$(CLANG) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS)

run: all
	@mkdir -p $(B)/new-krm $(B)/new-tmpl
	$(B)/fuzz_krm -runs=$(RUNS) -max_total_time=$(MAX_TIME) -max_len=65536 \
	  -rss_limit_mb=2048 -timeout=10 $(B)/new-krm fuzz/corpus/krm
	$(B)/fuzz_tmpl -runs=$(RUNS) -max_total_time=$(MAX_TIME) -max_len=4096 \
	  -rss_limit_mb=2048 -timeout=10 $(B)/new-tmpl fuzz/corpus/tmpl
	@mkdir -p $(B)/new-http
	$(B)/fuzz_http -runs=$(RUNS) -max_total_time=$(MAX_TIME) -max_len=16384 \
	  -rss_limit_mb=2048 -timeout=10 $(B)/new-http fuzz/corpus/http
