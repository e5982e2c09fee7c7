/* What the boot loader handed us, copied out of the multiboot structures
 * into hypervisor memory so that nothing later depends on where the
 * loader put them. */
#ifndef ASM_BOOT_H
#define ASM_BOOT_H

#include <proxen/types.h>

#define MAX_BOOT_MODULES   16
#define MAX_MEMMAP_ENTRIES 128
#define BOOT_CMDLINE_MAX   1024

enum memmap_type {
    MEMMAP_RAM = 1,
    MEMMAP_RESERVED = 2,
    MEMMAP_ACPI = 3,
    MEMMAP_NVS = 4,
    MEMMAP_BAD = 5,
};

struct memmap_entry {
    uint64_t addr, len;
    uint32_t type;
};

struct boot_module {
    paddr_t start, end;                 /* [start, end) */
    char cmdline[256];                  /* "name args..." as the loader gave it */
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];     /* hypervisor options only */
    unsigned int nr_modules;
    struct boot_module modules[MAX_BOOT_MODULES];
    unsigned int nr_memmap;
    struct memmap_entry memmap[MAX_MEMMAP_ENTRIES];
    paddr_t reserved_end;               /* end of everything the loader placed */
};

extern struct boot_info boot_info;

/* Parse the multiboot v1 info at physical address mbi (identity-mapped at
 * this point).  Returns 0 or -EINVAL if the loader is not multiboot. */
int multiboot_parse(uint32_t magic, paddr_t mbi, struct boot_info *bi);

uint64_t memmap_ram_bytes(const struct boot_info *bi);

#endif
