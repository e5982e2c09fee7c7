# Host unit tests: tests/unit/test_<name>.c, linked with the hypervisor
# sources listed in tests/unit/sources.mk as <name>_SRCS, the fake arch
# layer and cmocka.  The hypervisor's printf family is renamed so that it
# does not interpose on the host C library's.

UNIT_NAMES := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(addprefix $(BUILD)/unit/test_,$(UNIT_NAMES))
FAKE_SRCS  := $(wildcard tests/unit/fake/*.c)
HOST_RENAME := -Dvsnprintf=hv_vsnprintf -Dsnprintf=hv_snprintf

include tests/unit/sources.mk

.PHONY: unit-build
unit-build: $(UNIT_BINS)

define unit_rule
$(BUILD)/unit/test_$(1): tests/unit/test_$(1).c $$($(1)_SRCS) $(FAKE_SRCS) \
		$(wildcard hv/include/*/*.h tests/unit/fake/*.h) mk/unit.mk tests/unit/sources.mk
	@mkdir -p $$(@D)
	@echo "  HOSTCC  $$@"
	$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $$(HOST_RENAME) -o $$@ $$(filter %.c,$$^) -lcmocka
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call unit_rule,$(t))))
