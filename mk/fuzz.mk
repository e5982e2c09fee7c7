# libFuzzer targets (clang only): tests/fuzz/fuzz_<name>.c linked with the
# sources in tests/fuzz/sources.mk as <name>_SRCS.  `make test` runs each
# for a few seconds as a smoke run; `make fuzz FUZZ_SECONDS=600` for longer.

FUZZ_CC    ?= clang
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := $(filter-out -O1,$(HOST_CFLAGS)) -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

include tests/fuzz/sources.mk

.PHONY: fuzz-build
fuzz-build: $(FUZZ_BINS)

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$($(1)_SRCS) $(FAKE_SRCS) \
		$(wildcard hv/include/*/*.h hv/arch/x86/include/asm/*.h lib/include/lib/*.h tests/unit/fake/*.h) \
		mk/fuzz.mk mk/flags.mk tests/fuzz/sources.mk
	@mkdir -p $$(@D)
	@echo "  FUZZCC  $$@"
	$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$(filter %.c,$$^) -lcmocka
endef
$(foreach t,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(t))))

# Then the in-guest hypercall fuzzer, long (tools/guest-fuzz): a few seeds
# of many iterations each, on one CPU and on four.
GUEST_FUZZ_SEED ?= 1
GUEST_FUZZ_SEEDS ?= 8
GUEST_FUZZ_ITERS ?= 200000

fuzz: $(FUZZ_BINS) all
	@for f in $(FUZZ_BINS); do mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
	  $$f -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$(basename $$f) || exit 1; done
	@$(PYTHON) tools/guest-fuzz --build $(BUILD) --seed $(GUEST_FUZZ_SEED) \
	  --seeds $(GUEST_FUZZ_SEEDS) --iters $(GUEST_FUZZ_ITERS)
	@$(PYTHON) tools/guest-fuzz --build $(BUILD) --seed $(GUEST_FUZZ_SEED) \
	  --seeds 2 --iters $(GUEST_FUZZ_ITERS) --smp 4
