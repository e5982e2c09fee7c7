/* Grant mappings between running domains, built from the demo image
 * given as this domain's module (guest/apps/demo/grant.c; the system
 * case guest-gntmap-domu gives it, the plain run skips):
 *  - two domUs exchange a page: one grants it, the other maps it, copies
 *    it, answers in it, unmaps and sends an event; the granter checks
 *    the answer and that its grant is idle again;
 *  - a domU that maps a grant of ours and is destroyed holding the
 *    mapping: its teardown unmaps it, so our grant is idle and our frame
 *    free of every reference again. */
#include <console.h>
#include <console_back.h>
#include <domu.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <lib/strtoul.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "gntmap.h"
#include "tests.h"

#define MS 1000000UL
#define DOMU_PAGES 2048

static bool have_image(void)
{
    if (start_info->mod_start && start_info->mod_len)
        return true;
    test_skip("no domU image among this domain's modules");
    return false;
}

static bool build(const char *name, const char *cmdline, struct domain_build *b)
{
    long rc = domu_build((const void *)start_info->mod_start, start_info->mod_len, name,
                         cmdline, DOMU_PAGES, b);

    if (rc)
        test_fail("building %s: %s (%ld)", name, b->why ? b->why : "?", rc);
    return !rc;
}

static void tell(domid_t id, const char *line)
{
    console_back_input(id, line, strlen(line));
}

static bool wait_text(domid_t id, const char *text, const char *what)
{
    if (domu_console_wait(id, text, 10000 * MS))
        return true;
    test_fail("%s: no \"%s\" on domain %u's console in 10 s", what, text, id);
    return false;
}

/* The number after text on id's console, in base (among its first 2 KiB
 * of output: on the stack, the image's bss being at its limit for the
 * dom0-layout-wraps-refused case). */
static uint64_t number_after(domid_t id, const char *text, unsigned int base)
{
    char buf[2048];
    size_t n = console_back_history(id, buf, sizeof(buf) - 1);
    const char *p;

    buf[n] = '\0';
    p = strstr(buf, text);
    return p ? simple_strtoull(p + strlen(text), NULL, base) : ~0ULL;
}

void test_gntmap_domu_exchange(void)
{
    struct domain_build a, b;
    struct evtchn_alloc_unbound au;
    char line[64];
    uint64_t ref;

    if (!have_image() || !build("granter", "grant", &a))
        return;
    if (!build("mapper", "map", &b))
        goto out_a;
    au = (struct evtchn_alloc_unbound){ .dom = a.domid, .remote_dom = b.domid };
    if (!expect_rc("alloc_unbound in the granter for the mapper",
                   hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0) ||
        !expect_rc("unpause the granter", domu_unpause(a.domid), 0) ||
        !expect_rc("unpause the mapper", domu_unpause(b.domid), 0))
        goto out;
    snprintf(line, sizeof(line), "%u %u\n", b.domid, au.port);
    tell(a.domid, line);
    if (!wait_text(a.domid, "demo: granted ref ", "the granter"))
        goto out;
    ref = number_after(a.domid, "demo: granted ref ", 10);
    snprintf(line, sizeof(line), "%u %lu %u\n", a.domid, ref, au.port);
    tell(b.domid, line);
    if (wait_text(b.domid, "demo: unmapped, told", "the mapper") &&
        wait_text(a.domid, "demo: exchange ok", "the granter"))
        printk("gntmap_domu_exchange: domain %u mapped domain %u's grant %lu and answered\n",
               b.domid, a.domid, ref);
out:
    expect_rc("destroy the mapper", domu_destroy(b.domid), 0);
out_a:
    expect_rc("destroy the granter", domu_destroy(a.domid), 0);
}

static long pin_l1(uint64_t mfn, bool pin)
{
    struct mmuext_op op = { .cmd = pin ? MMUEXT_PIN_L1_TABLE : MMUEXT_UNPIN_TABLE,
                            .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void test_gntmap_domu_mapper_destroyed(void)
{
    struct domain_build m;
    uint64_t *page;
    char line[64];

    if (!have_image())
        return;
    if (!expect_rc("mapping the grant table", gnt_map_table(1), 0))
        return;
    page = page_alloc();
    if (!page) {
        test_error("out of memory");
        goto out_table;
    }
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        page[i] = i;
    if (!build("holder", "map hold", &m))
        goto out_page;
    gnt_grant_v1(GNTMAP_REF, m.domid, virt_to_mfn(page), GTF_permit_access);
    if (!expect_rc("unpause the mapper", domu_unpause(m.domid), 0))
        goto out;
    snprintf(line, sizeof(line), "%u %u 0\n", 0, GNTMAP_REF);
    tell(m.domid, line);
    if (!wait_text(m.domid, "demo: mapped and copied", "the mapper"))
        goto out;
    if (gntmap_in_use(GNTMAP_REF) != (GTF_reading | GTF_writing))
        test_fail("our grant shows %#x while the domU maps it", gntmap_in_use(GNTMAP_REF));
    if (page[PAGE_SIZE / 8 - 1] != number_after(m.domid, "sum ", 16))
        test_fail("the domU's answer %#lx is not the sum it printed", page[PAGE_SIZE / 8 - 1]);
out:
    expect_rc("destroy the mapper holding our grant", domu_destroy(m.domid), 0);
    if (gntmap_in_use(GNTMAP_REF))
        test_fail("our grant still shows %#x after the mapper's end", gntmap_in_use(GNTMAP_REF));
    /* No reference left: the frame can become a page table. */
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        page[i] = 0;
    if (expect_rc("making the frame read-only", page_set_readonly(page, true), 0)) {
        if (expect_rc("pinning the frame as an L1 table", pin_l1(virt_to_mfn(page), true), 0))
            expect_rc("unpinning it", pin_l1(virt_to_mfn(page), false), 0);
        expect_rc("making the frame writable", page_set_readonly(page, false), 0);
    }
    __atomic_store_n(&gnt_v1()[GNTMAP_REF].flags, 0, __ATOMIC_RELEASE);
out_page:
    page_free(page);
out_table:
    gnt_unmap_table(1);
}
