# The Proxen guest OS (guest/): a 64-bit PV kernel, booted as dom0 (and
# later as domUs), that hosts the in-guest tests.  It is built against the
# guest ABI (include/public) and its own headers (guest/include) only,
# never the hypervisor's.  Linked at VIRT_BASE in the top 2 GiB with the
# kernel code model (guest/include/layout.h).

GUEST_IMAGE := $(BUILD)/guest/proxen-guest
GUEST_SRCS  := $(wildcard guest/kernel/*.c guest/lib/*.c guest/tests/*.c)
GUEST_ASMS  := $(wildcard guest/arch/x86_64/*.S guest/tests/*.S)
GUEST_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(GUEST_SRCS)) \
               $(patsubst %.S,$(BUILD)/%.o,$(filter-out %.lds.S,$(GUEST_ASMS)))
GUEST_LDS   := $(BUILD)/guest/guest.lds
GUEST_DEPS  := $(GUEST_OBJS:.o=.d) $(GUEST_LDS).d

GUEST_WARN := -Wall -Wextra -Werror -Wcast-qual -Wredundant-decls -Wnested-externs \
        -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Winline -Wshadow -Wundef
# Freestanding kernel code in ring 3: no red zone (exception frames land on
# the same stack), no SSE/x87 (no FPU state to manage), kernel code model.
GUEST_CFLAGS := -std=gnu11 -O2 -g $(GUEST_WARN) -ffreestanding -nostdinc \
        -isystem $(shell $(CC) -print-file-name=include) \
        -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
        -mno-sse -mno-sse2 -mno-mmx -mno-3dnow -mno-avx -msoft-float \
        -fno-stack-protector -fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-common \
        -Iguest/include -Iinclude
GUEST_ASFLAGS := -g -Iguest/include -Iinclude
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
        --build-id=none

.PHONY: guest
guest: $(GUEST_IMAGE)

$(BUILD)/guest/%.o: guest/%.c mk/guest.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: guest/%.S mk/guest.mk
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

$(GUEST_LDS): guest/arch/x86_64/guest.lds.S mk/guest.mk
	@mkdir -p $(@D)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLER__ -Iguest/include -MMD -MP -MT $@ -MF $@.d $< -o $@

$(GUEST_IMAGE): $(GUEST_OBJS) $(GUEST_LDS)
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -T $(GUEST_LDS) -o $@ $(GUEST_OBJS)

-include $(GUEST_DEPS)
