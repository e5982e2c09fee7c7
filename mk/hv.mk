# The hypervisor image.  Linked twice: the first link yields the symbol
# table (mk/gensyms.awk) that the second links in for stack traces.  The
# table sits after all code, so text addresses agree between the passes;
# the build checks that they do.

HV_IMAGE := $(BUILD)/proxen
HV_SRCS  := $(wildcard hv/common/*.c hv/arch/x86/*.c hv/arch/x86/pv/*.c)
HV_ASMS  := $(wildcard hv/arch/x86/*.S hv/arch/x86/boot/*.S hv/arch/x86/pv/*.S)
HV_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(HV_SRCS)) $(patsubst %.S,$(BUILD)/%.o,$(HV_ASMS))
HV_LDS   := hv/arch/x86/hv.lds
HV_DEPS  := $(HV_OBJS:.o=.d)

$(BUILD)/hv/%.o: hv/%.c mk/flags.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv/%.o: hv/%.S mk/flags.mk
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv/empty-syms.S:
	@mkdir -p $(@D)
	@echo | awk -f mk/gensyms.awk > $@

$(BUILD)/hv/%.syms.o: $(BUILD)/hv/%.syms.S
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/hv/empty-syms.o: $(BUILD)/hv/empty-syms.S
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/proxen.pass1: $(HV_OBJS) $(LIB_HV_A) $(BUILD)/hv/empty-syms.o $(HV_LDS)
	$(Q)$(LD) $(HV_LDFLAGS) -T $(HV_LDS) -o $@ $(HV_OBJS) $(LIB_HV_A) $(BUILD)/hv/empty-syms.o

$(BUILD)/hv/proxen.syms.S: $(BUILD)/proxen.pass1 mk/gensyms.awk
	$(Q)$(NM) -n $< | awk -f mk/gensyms.awk > $@

$(HV_IMAGE): $(HV_OBJS) $(LIB_HV_A) $(BUILD)/hv/proxen.syms.o $(HV_LDS)
	@echo "  LD      $@"
	$(Q)$(LD) $(HV_LDFLAGS) -T $(HV_LDS) -o $@.tmp $(HV_OBJS) $(LIB_HV_A) $(BUILD)/hv/proxen.syms.o
	@$(NM) -n $@.tmp | awk -f mk/gensyms.awk | cmp -s - $(BUILD)/hv/proxen.syms.S || \
	  { echo "symbol table does not match the final image" >&2; exit 1; }
	@tools/check-multiboot $@.tmp
	@mv $@.tmp $@

-include $(HV_DEPS)

# A truncated ELF (the image's first 4 KiB) for the dom0-loader tests.
$(BUILD)/proxen.head: $(HV_IMAGE)
	@head -c 4096 $< > $@

all: $(BUILD)/proxen.head
