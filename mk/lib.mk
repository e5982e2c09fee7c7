# The shared freestanding library (lib/, headers in lib/include/lib/):
# string functions, the printf family, integer parsing, error names, the
# ELF and Xen-notes image parser, the xenstore (lib/xenstore/).  It is
# compiled twice, with the hypervisor's flags and with the guest's, into
# an archive each, so that an image links only the parts it uses; and on
# the host by the unit tests and fuzzers that list its sources
# (tests/unit/sources.mk).  It includes only its own headers, the public
# ABI and the compiler's, never hv/ or guest/.

LIB_SRCS       := $(wildcard lib/*.c lib/xenstore/*.c)
LIB_HV_OBJS    := $(patsubst lib/%.c,$(BUILD)/lib/hv/%.o,$(LIB_SRCS))
LIB_GUEST_OBJS := $(patsubst lib/%.c,$(BUILD)/lib/guest/%.o,$(LIB_SRCS))
LIB_HV_A       := $(BUILD)/lib/hv/lib.a
LIB_GUEST_A    := $(BUILD)/lib/guest/lib.a

$(LIB_HV_A): $(LIB_HV_OBJS)
$(LIB_GUEST_A): $(LIB_GUEST_OBJS)
$(LIB_HV_A) $(LIB_GUEST_A):
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/lib/hv/%.o: lib/%.c mk/flags.mk mk/lib.mk
	@mkdir -p $(@D)
	@echo "  CC      $< (hv)"
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/lib/guest/%.o: lib/%.c mk/guest.mk mk/lib.mk
	@mkdir -p $(@D)
	@echo "  CC      $< (guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

-include $(LIB_HV_OBJS:.o=.d) $(LIB_GUEST_OBJS:.o=.d)
