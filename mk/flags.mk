# Compiler flags.  Everything builds with gcc or clang (make CC=clang),
# always with -Wall -Wextra -Werror.

CC      ?= cc
HOSTCC  ?= $(CC)
LD      := ld
OBJCOPY := objcopy
AR      := ar
NM      := nm
PYTHON  ?= python3

# V=1 shows full command lines.
Q := $(if $(V),,@)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wcast-qual -Wredundant-decls -Wnested-externs -Winline \
        -Wpointer-arith -Wundef -Wno-unused-parameter

# The hypervisor: freestanding 64-bit kernel code.  No red zone (interrupts
# land on the same stack), no SSE/x87 (guest FPU state is never disturbed
# by the hypervisor), position-independent code so that the image can sit
# in Xen's reserved range, far from both ends of the address space where
# the kernel code model would want it; frame pointers kept for the
# symbolic stack traces.
HV_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin -nostdinc \
        -fno-stack-protector -fpie -mno-red-zone \
        -mno-sse -mno-sse2 -mno-mmx -mno-3dnow -mno-avx -msoft-float \
        -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
        -fno-strict-aliasing -fno-common \
        -isystem $(shell $(CC) -print-file-name=include) \
        -include hv/include/proxen/visibility.h \
        -Ihv/include -Ihv/arch/x86/include -Iinclude -Ilib/include -Ibench
HV_ASFLAGS := -D__ASSEMBLY__ -g -Ihv/include -Ihv/arch/x86/include -Iinclude
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
        --no-warn-rwx-segments --build-id=none

# Host programs and unit tests: the hypervisor's common code compiled
# unmodified against the fake arch layer.
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -fno-omit-frame-pointer \
        -Ihv/include -Itests/unit/fake -Iinclude -Ilib/include
