# Proxen top-level build.  `make` builds the hypervisor image,
# `make test` runs every test, `make run` boots it in QEMU.

include mk/flags.mk
include mk/headers.mk

BUILD := build
.DEFAULT_GOAL := all
.PHONY: all run test fuzz clean deps bench bench-linux mutants iso linux-images

include mk/lib.mk
include mk/hv.mk
include mk/unit.mk
include mk/fuzz.mk
include mk/guest.mk
include mk/bench.mk

all: $(HV_IMAGE) $(GUEST_IMAGE) $(BENCH_IMAGE) $(DOM0_IMAGE) $(DEMO_IMAGE) $(IMAGES_CPIO) \
     $(DEMO_BZIMAGE) $(COALESCE_MODEL)

# CMDLINE, SMP, MEM, MODULES and QEMU_ARGS change the boot; see README.md.
# Tests need cmocka, clang with its fuzzer runtime, QEMU and python3.
# `make iso` (and the system test that boots the ISO) needs GRUB's tools.
ISO_PACKAGES := grub-pc-bin grub-common xorriso mtools
TEST_PACKAGES := libcmocka-dev clang libclang-rt-14-dev qemu-system-x86 python3 xz-utils lz4 $(ISO_PACKAGES)
PACKAGES := make gcc clang libclang-rt-14-dev binutils gawk python3 libcmocka-dev qemu-system-x86 lz4 xz-utils \
            $(ISO_PACKAGES)

# dom0 is the management shell (docs/shell.md) with the images' archive
# as its second module, starting two demo domains (the archive's
# .autostart); MODULES= boots the hypervisor alone.  Input piped
# into `make run` is run as a script (tools/run-qemu).
MODULES ?= $(DOM0_IMAGE) autostart,$(IMAGES_CPIO)

run: $(HV_IMAGE) $(DOM0_IMAGE) $(IMAGES_CPIO)
	@tools/need-packages qemu-system-x86
	@CMDLINE="$(CMDLINE)" SMP="$(SMP)" MEM="$(MEM)" MODULES="$(MODULES)" \
	  tools/run-qemu $(HV_IMAGE) $(QEMU_ARGS)

test:
	@tools/need-packages $(TEST_PACKAGES)
	@$(MAKE) --no-print-directory all unit-build fuzz-build check-headers iso linux-images
	@$(PYTHON) tests/run_tests.py --build $(BUILD)

# A GRUB rescue image (BIOS) booting Proxen, dom0's shell and its images,
# for a CD, a USB stick or any virtual machine: `qemu-system-x86_64 -cdrom
# build/proxen.iso -serial stdio`.  CMDLINE adds hypervisor options.
ISO := $(BUILD)/proxen.iso

iso: $(ISO)

$(ISO): $(HV_IMAGE) $(DOM0_IMAGE) $(IMAGES_CPIO) tools/mkiso
	@tools/need-packages $(ISO_PACKAGES)
	@echo "  ISO     $@"
	$(Q)tools/mkiso $@ $(HV_IMAGE) $(DOM0_IMAGE) $(IMAGES_CPIO) $(CMDLINE)

# The archive of the Linux system tests (docs/linux.md): Debian's cloud
# kernel as Debian ships it and busybox, fetched with apt-get download
# (cached in build/cache/linux; a failed download fails `make test`), the
# busybox initramfs, and the demo domain.
LINUX_CPIO := $(BUILD)/linux/linux.cpio
.PHONY: linux-images
linux-images: $(LINUX_CPIO)
$(LINUX_CPIO): tools/linux-fetch tools/mkinitramfs-busybox tools/mkcpio $(DEMO_IMAGE)
	@mkdir -p $(@D)
	@echo "  LINUX   $@"
	$(Q)set -e; got=$$(tools/linux-fetch $(BUILD)/cache/linux); \
	kernel=$$(echo "$$got" | sed -n 1p); busybox=$$(echo "$$got" | sed -n 2p); \
	tools/mkinitramfs-busybox $(@D)/initramfs.cpio "$$busybox"; \
	tools/mkcpio $@ vmlinuz="$$kernel" initramfs=$(@D)/initramfs.cpio demo=$(DEMO_IMAGE)

# Proxen and Xen 4.17 side by side in the same QEMU; see docs/benchmarks.md.
# BENCH_ARGS adds options, e.g. BENCH_ARGS="--reps 9 --guest path/to/kernel".
bench: all
	@tools/need-packages qemu-system-x86
	@$(COALESCE_MODEL) | tee $(BUILD)/bench/coalesce-model.txt
	@$(PYTHON) bench/run.py --build $(BUILD) $(BENCH_ARGS)
	@$(PYTHON) bench/linux_boot.py --build $(BUILD) --proxen-cmd "$(PROXEN_LINUX_CMD)" $(LINUX_BENCH_ARGS)

# Linux boot to its prompt alone (docs/benchmarks.md): Debian's cloud kernel
# and a busybox initramfs under Xen 4.17 and, as a domU created by dom0's
# shell, under Proxen (tools/linux-proxen-boot).
PROXEN_LINUX_CMD := tools/linux-proxen-boot $(BUILD)
bench-linux: all
	@tools/need-packages qemu-system-x86
	@$(PYTHON) bench/linux_boot.py --build $(BUILD) --proxen-cmd "$(PROXEN_LINUX_CMD)" $(LINUX_BENCH_ARGS)

# Delete each listed security check in turn; the tests must notice every
# one (tests/mutants/README.md).  MUTANTS=regex selects entries.
mutants: all
	@tools/need-packages $(TEST_PACKAGES)
	@$(PYTHON) tools/mutants $(if $(MUTANTS),'$(MUTANTS)')

deps:
	@tools/need-packages $(PACKAGES)

clean:
	rm -rf $(BUILD)
