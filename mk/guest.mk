# The Proxen guest OS (guest/): a 64-bit PV kernel, booted as dom0 (and
# later as domUs).  It is built against the guest ABI (include/public) and
# its own headers (guest/include) only, never the hypervisor's.  Linked at
# VIRT_BASE in the top 2 GiB with the kernel code model
# (guest/include/layout.h).
#
# One kernel (guest/kernel, guest/arch/x86_64, and the shared library lib/
# built with these flags: mk/lib.mk), several images:
# each links the kernel with one program, which provides guest_main()
# (guest/include/kernel.h).
#   proxen-guest  the in-guest tests (guest/apps/tests, guest/tests) and the
#                 fuzzer of hypercalls and instructions they run (guest/fuzz)
#   proxen-bench  the benchmarks run by `make bench` (guest/apps/bench)
#   proxen-dom0   the management shell (guest/apps/shell), what `make run`
#                 boots as dom0, with images.cpio as its module
#   proxen-demo   a demo domain counting on its console (guest/apps/demo)
# images.cpio holds the images dom0 can create domains from, by name.

GUEST_IMAGE := $(BUILD)/guest/proxen-guest
BENCH_IMAGE := $(BUILD)/guest/proxen-bench
DOM0_IMAGE  := $(BUILD)/guest/proxen-dom0
DEMO_IMAGE  := $(BUILD)/guest/proxen-demo
IMAGES_CPIO := $(BUILD)/guest/images.cpio
# The demo domain wrapped as a distribution ships a kernel: bzImages with
# an LZ4 and an XZ payload (tools/mkbzimage), for the tests of dom0's
# unpacking.
DEMO_BZIMAGE := $(BUILD)/guest/proxen-demo.bz $(BUILD)/guest/proxen-demo-xz.bz

guest_objs = $(patsubst %.c,$(BUILD)/%.o,$(filter %.c,$(1))) \
             $(patsubst %.S,$(BUILD)/%.o,$(filter %.S,$(1)))

GUEST_KERNEL_SRCS := $(wildcard guest/kernel/*.c) \
                     $(filter-out %.lds.S,$(wildcard guest/arch/x86_64/*.S))
GUEST_TESTS_SRCS  := $(wildcard guest/apps/tests/*.c guest/tests/*.c guest/tests/*.S guest/fuzz/*.c)
GUEST_BENCH_SRCS  := $(wildcard guest/apps/bench/*.c guest/apps/bench/*.S)
GUEST_DOM0_SRCS   := $(wildcard guest/apps/shell/*.c)
GUEST_DEMO_SRCS   := $(wildcard guest/apps/demo/*.c)

GUEST_KERNEL_OBJS := $(call guest_objs,$(GUEST_KERNEL_SRCS))
GUEST_TESTS_OBJS  := $(call guest_objs,$(GUEST_TESTS_SRCS))
GUEST_BENCH_OBJS  := $(call guest_objs,$(GUEST_BENCH_SRCS))
GUEST_DOM0_OBJS   := $(call guest_objs,$(GUEST_DOM0_SRCS))
GUEST_DEMO_OBJS   := $(call guest_objs,$(GUEST_DEMO_SRCS))
GUEST_LDS   := $(BUILD)/guest/guest.lds
GUEST_DEPS  := $(patsubst %.o,%.d,$(GUEST_KERNEL_OBJS) $(GUEST_TESTS_OBJS) $(GUEST_BENCH_OBJS) \
                                  $(GUEST_DOM0_OBJS) $(GUEST_DEMO_OBJS)) \
               $(GUEST_LDS).d

GUEST_WARN := -Wall -Wextra -Werror -Wcast-qual -Wredundant-decls -Wnested-externs \
        -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Winline -Wshadow -Wundef
# Freestanding kernel code in ring 3: no red zone (exception frames land on
# the same stack), no SSE/x87 (no FPU state to manage), kernel code model.
GUEST_CFLAGS := -std=gnu11 -O2 -g $(GUEST_WARN) -ffreestanding -nostdinc \
        -isystem $(shell $(CC) -print-file-name=include) \
        -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
        -mno-sse -mno-sse2 -mno-mmx -mno-3dnow -mno-avx -msoft-float \
        -fno-stack-protector -fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-common \
        -Iguest/include -Iinclude -Ilib/include
GUEST_ASFLAGS := -g -Iguest/include -Iinclude
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
        --build-id=none

.PHONY: guest
guest: $(GUEST_IMAGE) $(BENCH_IMAGE) $(DOM0_IMAGE) $(DEMO_IMAGE) $(IMAGES_CPIO)

# The benchmarks share bench/cpu_loop.h with the hypervisor's bare-metal run.
$(GUEST_BENCH_OBJS): GUEST_CFLAGS += -Ibench

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

$(GUEST_IMAGE): $(GUEST_KERNEL_OBJS) $(GUEST_TESTS_OBJS) $(LIB_GUEST_A) $(GUEST_LDS)
$(BENCH_IMAGE): $(GUEST_KERNEL_OBJS) $(GUEST_BENCH_OBJS) $(LIB_GUEST_A) $(GUEST_LDS)
$(DOM0_IMAGE): $(GUEST_KERNEL_OBJS) $(GUEST_DOM0_OBJS) $(LIB_GUEST_A) $(GUEST_LDS)
$(DEMO_IMAGE): $(GUEST_KERNEL_OBJS) $(GUEST_DEMO_OBJS) $(LIB_GUEST_A) $(GUEST_LDS)
$(GUEST_IMAGE) $(BENCH_IMAGE) $(DOM0_IMAGE) $(DEMO_IMAGE):
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -T $(GUEST_LDS) -o $@ $(filter %.o,$^) $(filter %.a,$^)

-include $(GUEST_DEPS)

# The images dom0's shell offers (`images`), by name.
# .autostart: the commands the shell runs first when dom0's command line
# says "autostart" (make run and make iso do).
IMAGES := demo=$(DEMO_IMAGE) guest=$(GUEST_IMAGE) bench=$(BENCH_IMAGE) \
          .autostart=guest/apps/shell/autostart

$(BUILD)/guest/proxen-demo.bz: $(DEMO_IMAGE) tools/mkbzimage
	@echo "  BZIMAGE $@"
	$(Q)tools/mkbzimage $< $@

$(BUILD)/guest/proxen-demo-xz.bz: $(DEMO_IMAGE) tools/mkbzimage
	@echo "  BZIMAGE $@"
	$(Q)tools/mkbzimage --xz $< $@

$(IMAGES_CPIO): $(DEMO_IMAGE) $(GUEST_IMAGE) $(BENCH_IMAGE) guest/apps/shell/autostart \
		tools/mkcpio mk/guest.mk
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) tools/mkcpio $@ $(IMAGES)

# The demo kernel moved to virtual bases the dom0 builder must refuse
# (tests/system/cases.py): inside the hypervisor's range, with a boot
# layout across the non-canonical hole, and one wrapping around the top.
# Its image is well under the 1 MiB these bases leave below each edge
# (the test kernel, larger, would cross them with its segments alone).
SHIFTED_BASES := hv-range:0xffff830000000000 hv-end:0xffff87ffffff0000 \
                 noncanonical:0x00007ffffff00000 wrap:0xfffffffffff00000
SHIFTED_IMAGES := $(foreach b,$(SHIFTED_BASES),$(BUILD)/guest/shifted/$(word 1,$(subst :, ,$(b))))

$(BUILD)/guest/shifted/%: $(DEMO_IMAGE) tests/system/shift-kernel.py
	@mkdir -p $(@D)
	$(Q)$(PYTHON) tests/system/shift-kernel.py $< $@ \
	  $(word 2,$(subst :, ,$(filter $*:%,$(SHIFTED_BASES))))

all: $(SHIFTED_IMAGES)
