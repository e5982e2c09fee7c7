# Host unit tests: tests/unit/test_<name>.c, linked with the hypervisor
# sources listed in tests/unit/sources.mk as <name>_SRCS, the fake arch
# layer and cmocka.  Common code builds without the x86 include path; a
# test of x86 code (a decoder, a validator) adds it as <name>_CFLAGS.

UNIT_NAMES := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(addprefix $(BUILD)/unit/test_,$(UNIT_NAMES))
FAKE_SRCS  := $(wildcard tests/unit/fake/*.c)

include tests/unit/sources.mk

.PHONY: unit-build
unit-build: $(UNIT_BINS)

define unit_rule
$(BUILD)/unit/test_$(1): tests/unit/test_$(1).c $$($(1)_SRCS) $(FAKE_SRCS) \
		$(wildcard hv/include/*/*.h hv/arch/x86/include/asm/*.h lib/include/lib/*.h tests/unit/fake/*.h) \
		mk/unit.mk mk/flags.mk tests/unit/sources.mk
	@mkdir -p $$(@D)
	@echo "  HOSTCC  $$@"
	$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$(filter %.c,$$^) -lcmocka
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call unit_rule,$(t))))

# The .xz decoder's test vectors, made by the host's xz from fixed inputs.
XZ_VECTORS := $(BUILD)/unit/xz-vectors
$(XZ_VECTORS)/stamp: tests/unit/xz_vectors.py
	@mkdir -p $(@D)
	@echo "  XZVEC   $(@D)"
	$(Q)$(PYTHON) $< $(@D) && touch $@
$(BUILD)/unit/test_xz: $(XZ_VECTORS)/stamp
