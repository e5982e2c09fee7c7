/* A minimal ACPI table reader.  Tables come from firmware and are trusted
 * as far as the hardware is, but every length and checksum is still
 * checked so that a broken table is ignored rather than followed. */
#include <asm/acpi.h>
#include <asm/page.h>
#include <proxen/console.h>
#include <proxen/lib.h>

struct acpi_info acpi;

struct __attribute__((packed)) acpi_header {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
};

static uint8_t checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum += *b++;
    return sum;
}

/* Firmware tables live below 4 GiB, which the direct map covers. */
static const void *table_at(paddr_t pa)
{
    return hv_virt_to_maddr(DIRECTMAP_VIRT_START + pa) ? maddr_to_virt(pa) : NULL;
}

static const struct acpi_header *valid_table(paddr_t pa)
{
    const struct acpi_header *h = table_at(pa);

    if (!h || !table_at(pa + sizeof(*h)) || h->length < sizeof(*h) ||
        !table_at(pa + h->length - 1) || checksum(h, h->length))
        return NULL;
    return h;
}

static const uint8_t *find_rsdp(void)
{
    const uint16_t *ebda_seg = maddr_to_virt(0x40e);
    paddr_t areas[2][2] = { { (paddr_t)*ebda_seg << 4, ((paddr_t)*ebda_seg << 4) + 1024 },
                            { 0xe0000, 0x100000 } };

    for (unsigned int a = 0; a < 2; a++) {
        if (areas[a][0] < 0x400 || areas[a][1] > 0x100000)
            continue;
        for (paddr_t pa = areas[a][0]; pa + 20 <= areas[a][1]; pa += 16) {
            const uint8_t *p = maddr_to_virt(pa);

            if (!memcmp(p, "RSD PTR ", 8) && !checksum(p, 20))
                return p;
        }
    }
    return NULL;
}

static void parse_madt(const struct acpi_header *h)
{
    const uint8_t *p = (const uint8_t *)h, *end = p + h->length;

    acpi.lapic_base = *(const uint32_t *)(p + 36);
    for (p += 44; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        if (p[0] == 0 && p[1] >= 8 && (p[4] & 3) && acpi.nr_cpus < ARRAY_SIZE(acpi.cpu_apic_id))
            acpi.cpu_apic_id[acpi.nr_cpus++] = p[3];
        else if (p[0] == 1 && p[1] >= 12 && acpi.nr_ioapics < MAX_IOAPICS)
            acpi.ioapic_base[acpi.nr_ioapics++] = *(const uint32_t *)(p + 4);
        else if (p[0] == 5 && p[1] >= 12)
            acpi.lapic_base = *(const uint64_t *)(p + 4);
    }
}

/* \_S5 is a package in the DSDT's AML: find "_S5_", a PackageOp, and read
 * its first element (a ByteConst or Zero/One). */
static void find_s5(const struct acpi_header *dsdt)
{
    const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->length;

    for (p += sizeof(*dsdt); p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
            continue;
        p += 5;
        p += (*p >> 6) + 1;     /* PkgLength: 1-4 bytes */
        p++;                    /* NumElements */
        if (p >= end)
            return;
        if (*p == 0x0a && p + 1 < end)
            acpi.slp_typ_s5 = p[1];
        else if (*p <= 1)
            acpi.slp_typ_s5 = *p;
        return;
    }
}

static void parse_fadt(const struct acpi_header *h)
{
    const uint8_t *p = (const uint8_t *)h;
    const struct acpi_header *dsdt;

    if (h->length < 116)
        return;
    acpi.pm1a_cnt_port = (uint16_t)*(const uint32_t *)(p + 64);
    acpi.pm_timer_port = (uint16_t)*(const uint32_t *)(p + 76);
    acpi.pm_timer_32bit = *(const uint32_t *)(p + 112) & (1u << 8);
    if (h->length >= 129 && (*(const uint32_t *)(p + 112) & (1u << 10))) {
        acpi.reset_reg_valid = true;
        acpi.reset_space = p[116];
        acpi.reset_addr = *(const uint64_t *)(p + 120);
        acpi.reset_value = p[128];
    }
    dsdt = valid_table(*(const uint32_t *)(p + 40));
    if (dsdt)
        find_s5(dsdt);
}

static void parse_table(paddr_t pa)
{
    const struct acpi_header *h = valid_table(pa);

    if (!h)
        return;
    if (!memcmp(h->sig, "APIC", 4))
        parse_madt(h);
    else if (!memcmp(h->sig, "FACP", 4))
        parse_fadt(h);
    else if (!memcmp(h->sig, "HPET", 4) && h->length >= 56)
        acpi.hpet_base = *(const uint64_t *)((const uint8_t *)h + 44);
}

void acpi_init(void)
{
    const uint8_t *rsdp = find_rsdp();
    const struct acpi_header *root;
    bool xsdt;
    unsigned int entry;

    if (!rsdp) {
        pr_warn("ACPI: no RSDP found\n");
        return;
    }
    xsdt = rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24);
    root = valid_table(xsdt ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16));
    if (!root) {
        pr_warn("ACPI: bad root table\n");
        return;
    }
    acpi.found = true;
    entry = xsdt ? 8 : 4;
    for (uint32_t off = sizeof(*root); off + entry <= root->length; off += entry) {
        const uint8_t *e = (const uint8_t *)root + off;

        parse_table(xsdt ? *(const uint64_t *)e : *(const uint32_t *)e);
    }
    pr_info("ACPI: %u CPUs, %u IOAPICs, PM timer %#x, HPET %#llx\n", acpi.nr_cpus,
            acpi.nr_ioapics, acpi.pm_timer_port, (unsigned long long)acpi.hpet_base);
}
