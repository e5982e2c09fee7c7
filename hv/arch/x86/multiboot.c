/* Multiboot v1: copy the loader's information into struct boot_info.
 * Runs on the boot page tables, where the low 4 GiB is identity-mapped, so
 * the loader's physical addresses can be dereferenced directly. */
#include <asm/boot.h>
#include <proxen/errno.h>
#include <proxen/lib.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002
#define MBI_FLAG_CMDLINE  (1u << 2)
#define MBI_FLAG_MODS     (1u << 3)
#define MBI_FLAG_MMAP     (1u << 6)

/* Layouts from the Multiboot 0.6.96 specification. */
struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};
struct mb_module {
    uint32_t mod_start, mod_end, string, reserved;
};
struct __attribute__((packed)) mb_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
};

struct boot_info boot_info;

static const void *phys(paddr_t pa) { return (const void *)(uintptr_t)pa; }

static void note_end(struct boot_info *bi, paddr_t end)
{
    if (end > bi->reserved_end)
        bi->reserved_end = end;
}

static void copy_string(struct boot_info *bi, char *dst, size_t size, uint32_t pa)
{
    const char *s = phys(pa);

    strlcpy(dst, s, size);
    note_end(bi, pa + strlen(s) + 1);
}

/* Loaders put the image path first ("proxen loglvl=..."); drop it. */
static void strip_image_name(char *cmdline)
{
    char *sp = strchr(cmdline, ' ');
    size_t first = sp ? (size_t)(sp - cmdline) : strlen(cmdline);

    for (size_t i = 0; i < first; i++)
        if (cmdline[i] == '=')
            return;           /* an option, not a path: keep it */
    while (cmdline[first] == ' ')
        first++;
    memmove(cmdline, cmdline + first, strlen(cmdline + first) + 1);
}

static void parse_mmap(struct boot_info *bi, const struct mb_info *mbi)
{
    uint32_t off = 0;

    while (off + sizeof(struct mb_mmap) <= mbi->mmap_length + 4 &&
           bi->nr_memmap < MAX_MEMMAP_ENTRIES) {
        const struct mb_mmap *e = phys(mbi->mmap_addr + off);
        struct memmap_entry *m = &bi->memmap[bi->nr_memmap];

        if (e->len) {
            m->addr = e->addr;
            m->len = e->len;
            m->type = e->type;
            bi->nr_memmap++;
        }
        off += e->size + 4;
    }
    note_end(bi, mbi->mmap_addr + mbi->mmap_length);
}

/* Without a memory map, fall back to the basic lower/upper sizes. */
static void basic_mmap(struct boot_info *bi, const struct mb_info *mbi)
{
    bi->memmap[0] = (struct memmap_entry){ 0, (uint64_t)mbi->mem_lower << 10, MEMMAP_RAM };
    bi->memmap[1] = (struct memmap_entry){ 1 << 20, (uint64_t)mbi->mem_upper << 10, MEMMAP_RAM };
    bi->nr_memmap = 2;
}

int multiboot_parse(uint32_t magic, paddr_t mbi_pa, struct boot_info *bi)
{
    const struct mb_info *mbi = phys(mbi_pa);

    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        return -EINVAL;
    note_end(bi, mbi_pa + sizeof(*mbi));
    if (mbi->flags & MBI_FLAG_CMDLINE) {
        copy_string(bi, bi->cmdline, sizeof(bi->cmdline), mbi->cmdline);
        strip_image_name(bi->cmdline);
    }
    if (mbi->flags & MBI_FLAG_MMAP)
        parse_mmap(bi, mbi);
    else
        basic_mmap(bi, mbi);
    if (mbi->flags & MBI_FLAG_MODS) {
        const struct mb_module *mod = phys(mbi->mods_addr);

        for (uint32_t i = 0; i < mbi->mods_count && i < MAX_BOOT_MODULES; i++) {
            struct boot_module *bm = &bi->modules[bi->nr_modules++];

            bm->start = mod[i].mod_start;
            bm->end = mod[i].mod_end;
            note_end(bi, bm->end);
            if (mod[i].string)
                copy_string(bi, bm->cmdline, sizeof(bm->cmdline), mod[i].string);
        }
        note_end(bi, mbi->mods_addr + mbi->mods_count * sizeof(*mod));
    }
    return 0;
}

uint64_t memmap_ram_bytes(const struct boot_info *bi)
{
    uint64_t total = 0;

    for (unsigned int i = 0; i < bi->nr_memmap; i++)
        if (bi->memmap[i].type == MEMMAP_RAM)
            total += bi->memmap[i].len;
    return total;
}
