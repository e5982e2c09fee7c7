/* GNTTABOP_copy and swap_grant_ref.  The initial domain grants pages to
 * itself (as on Xen) and copies between grants and its own frames; every
 * hostile copy gets Xen's status, leaves the destination as it was and
 * the entries' flags clear; a batch reports each copy apart. */
#include <arch.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "gnttab.h"
#include "tests.h"

#define REF_SRC  20               /* grants made by the tests */
#define REF_DST  21
#define REF_SPARE 22
#define SELF_ID  0                /* the initial domain's id */

static uint8_t *src_page, *dst_page;

/* Map the table, fill a source page with a pattern, zero a destination,
 * grant the source read-only and the destination writable to ourselves. */
static bool setup(void)
{
    if (gnt_map_table(1)) {
        test_error("cannot map the grant table");
        return false;
    }
    src_page = page_alloc();
    dst_page = page_alloc();
    if (!src_page || !dst_page) {
        test_error("out of memory");
        return false;
    }
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        src_page[i] = (uint8_t)(i * 7 + 3);
    gnt_grant_v1(REF_SRC, SELF_ID, virt_to_mfn(src_page), GTF_permit_access | GTF_readonly);
    gnt_grant_v1(REF_DST, SELF_ID, virt_to_mfn(dst_page), GTF_permit_access);
    return true;
}

static void teardown(void)
{
    gnt_v1()[REF_SRC] = (struct grant_entry_v1){ 0, 0, 0 };
    gnt_v1()[REF_DST] = (struct grant_entry_v1){ 0, 0, 0 };
    gnt_v1()[REF_SPARE] = (struct grant_entry_v1){ 0, 0, 0 };
    gnt_unmap_table(1);
    page_free(src_page);
    page_free(dst_page);
}

static struct gnttab_copy by_ref(grant_ref_t s, uint16_t soff, grant_ref_t d, uint16_t doff,
                                 uint16_t len)
{
    return (struct gnttab_copy){
        .source = { .u.ref = s, .domid = SELF_ID, .offset = soff },
        .dest = { .u.ref = d, .domid = SELF_ID, .offset = doff },
        .len = len, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref, .status = 1,
    };
}

static long copy(struct gnttab_copy *ops, unsigned int n)
{
    return hypercall_grant_table_op(GNTTABOP_copy, ops, n);
}

static bool dst_is_zero(void)
{
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        if (dst_page[i])
            return false;
    return true;
}

static bool flags_clear(grant_ref_t ref)
{
    return !(gnt_v1()[ref].flags & (GTF_reading | GTF_writing));
}

static bool copied(unsigned int doff, unsigned int soff, unsigned int len)
{
    return !memcmp(dst_page + doff, src_page + soff, len);
}

void test_gnttab_copy(void)
{
    struct gnttab_copy op;

    if (!setup())
        return;
    op = by_ref(REF_SRC, 10, REF_DST, 50, 100);
    if (!expect_rc("copy grant to grant", copy(&op, 1), 0) || op.status != GNTST_okay ||
        !copied(50, 10, 100) || dst_page[49] || dst_page[150])
        test_fail("copy of 100 bytes from grant to grant: status %d, data %s", op.status,
                  copied(50, 10, 100) ? "right" : "wrong");
    if (!flags_clear(REF_SRC) || !flags_clear(REF_DST))
        test_fail("flags %#x / %#x after the copy: GTF_reading/writing left set",
                  gnt_v1()[REF_SRC].flags, gnt_v1()[REF_DST].flags);

    /* Our own frame as either end, whole pages. */
    memset(dst_page, 0, PAGE_SIZE);
    op = by_ref(REF_SRC, 0, 0, 0, PAGE_SIZE);
    op.flags = GNTCOPY_source_gref;
    op.dest.u.gmfn = virt_to_mfn(dst_page);
    op.dest.domid = DOMID_SELF;
    if (copy(&op, 1) || op.status != GNTST_okay || !copied(0, 0, PAGE_SIZE))
        test_fail("copy grant to own frame: status %d", op.status);
    memset(dst_page, 0, PAGE_SIZE);
    op = by_ref(0, 4000, REF_DST, 0, 96);
    op.flags = GNTCOPY_dest_gref;
    op.source.u.gmfn = virt_to_mfn(src_page);
    op.source.domid = DOMID_SELF;
    if (copy(&op, 1) || op.status != GNTST_okay || !copied(0, 4000, 96))
        test_fail("copy own frame to grant: status %d", op.status);
    memset(dst_page, 0, PAGE_SIZE);
    op.flags = 0;
    op.dest.u.gmfn = virt_to_mfn(dst_page);
    op.dest.domid = DOMID_SELF;
    if (copy(&op, 1) || op.status != GNTST_okay || !copied(0, 4000, 96))
        test_fail("copy own frame to own frame: status %d", op.status);
    /* Within one page, overlapping. */
    op = by_ref(REF_DST, 0, REF_DST, 1, 50);
    if (copy(&op, 1) || op.status != GNTST_okay)
        test_fail("overlapping copy within one granted page: status %d", op.status);
    teardown();
}

struct refusal {
    const char *what;
    struct gnttab_copy op;
    int16_t status;
};

/* Every refusal leaves the destination untouched and no flag set. */
static void expect_refused(const struct refusal *r)
{
    struct gnttab_copy op = r->op;
    long rc;

    memset(dst_page, 0, PAGE_SIZE);
    rc = copy(&op, 1);
    if (rc || op.status != r->status)
        test_fail("%s: rc %ld status %d, expected 0 and %d", r->what, rc, op.status, r->status);
    if (!dst_is_zero())
        test_fail("%s: the destination was written", r->what);
    if (!flags_clear(REF_SRC) || !flags_clear(REF_DST) || !flags_clear(REF_SPARE))
        test_fail("%s: GTF_reading/writing left set (%#x %#x %#x)", r->what,
                  gnt_v1()[REF_SRC].flags, gnt_v1()[REF_DST].flags, gnt_v1()[REF_SPARE].flags);
}

void test_gnttab_copy_refused(void)
{
    struct gnttab_query_size q;
    uint64_t foreign = test_foreign_frame(), table[1];
    int16_t st;

    if (!setup())
        return;
    if (gnt_query(DOMID_SELF, &q) || gnt_setup(DOMID_SELF, 1, table, &st)) {
        test_error("query_size/setup_table failed");
        teardown();
        return;
    }
    uint32_t nr_entries = q.nr_frames * 512;
    struct refusal r[] = {
        { "source straddling the page end", by_ref(REF_SRC, 4000, REF_DST, 0, 97),
          GNTST_bad_copy_arg },
        { "destination straddling the page end", by_ref(REF_SRC, 0, REF_DST, 4095, 2),
          GNTST_bad_copy_arg },
        { "offset past the page", by_ref(REF_SRC, 0, REF_DST, 5000, 1), GNTST_bad_copy_arg },
        { "source ref just past the table", by_ref(nr_entries, 0, REF_DST, 0, 8),
          GNTST_bad_gntref },
        { "destination ref 0xffffffff", by_ref(REF_SRC, 0, 0xffffffffu, 0, 8),
          GNTST_bad_gntref },
        { "source ref not granted", by_ref(REF_SPARE, 0, REF_DST, 0, 8), GNTST_general_error },
        { "read-only grant as the destination", by_ref(REF_DST, 0, REF_SRC, 0, 8),
          GNTST_general_error },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(r); i++)
        expect_refused(&r[i]);

    struct refusal one;

    /* A grant to another domain. */
    gnt_grant_v1(REF_SPARE, 5, virt_to_mfn(src_page), GTF_permit_access);
    one = (struct refusal){ "a grant to domain 5", by_ref(REF_SPARE, 0, REF_DST, 0, 8),
                            GNTST_general_error };
    expect_refused(&one);
    if (gnt_v1()[REF_SPARE].flags != GTF_permit_access)
        test_fail("a refused grant's flags became %#x", gnt_v1()[REF_SPARE].flags);
    /* Grants of frames that are not the granter's memory. */
    gnt_grant_v1(REF_SPARE, SELF_ID, foreign, GTF_permit_access);
    one = (struct refusal){ "a grant of another domain's frame",
                            by_ref(REF_SPARE, 0, REF_DST, 0, 8), GNTST_bad_page };
    if (foreign)
        expect_refused(&one);
    gnt_grant_v1(REF_SPARE, SELF_ID, table[0], GTF_permit_access);
    one = (struct refusal){ "a grant of the grant table's own frame",
                            by_ref(REF_SPARE, 0, REF_DST, 0, 8), GNTST_bad_page };
    expect_refused(&one);
    gnt_grant_v1(REF_SPARE, SELF_ID, start_info->shared_info >> PAGE_SHIFT, GTF_permit_access);
    one.what = "a grant of shared_info";
    expect_refused(&one);
    gnt_grant_v1(REF_SPARE, SELF_ID, 0xffffffffu, GTF_permit_access);
    one.what = "a grant of a frame past the machine's memory";
    expect_refused(&one);
    gnt_grant_v1(REF_SPARE, SELF_ID, l4_mfn, GTF_permit_access);
    one = (struct refusal){ "a writable grant of a page table as the destination",
                            by_ref(REF_SRC, 0, REF_SPARE, 0, 8), GNTST_general_error };
    expect_refused(&one);
    gnt_v1()[REF_SPARE] = (struct grant_entry_v1){ 0, 0, 0 };

    /* Frames by number: our own only. */
    one = (struct refusal){ "a frame named for another domain", by_ref(REF_SRC, 0, 0, 0, 8),
                            GNTST_permission_denied };
    one.op.flags = GNTCOPY_source_gref;
    one.op.dest.u.gmfn = virt_to_mfn(dst_page);
    one.op.dest.domid = SELF_ID;
    expect_refused(&one);
    one.what = "a frame that is not ours";
    one.op.dest.domid = DOMID_SELF;
    one.op.dest.u.gmfn = foreign;
    one.status = GNTST_bad_page;
    if (foreign)
        expect_refused(&one);
    one.what = "our page table as the destination frame";
    one.op.dest.u.gmfn = l4_mfn;
    one.status = GNTST_general_error;
    expect_refused(&one);
    one = (struct refusal){ "a grant of no domain", by_ref(REF_SRC, 0, REF_DST, 0, 8),
                            GNTST_bad_domain };
    one.op.source.domid = NO_SUCH_DOMAIN;
    expect_refused(&one);
    /* Nothing is looked at for an empty copy, as on Xen. */
    one = (struct refusal){ "an empty copy with nonsense ends",
                            by_ref(0xffffffffu, 9999, 0xfffffffeu, 9999, 0), GNTST_okay };
    one.op.source.domid = NO_SUCH_DOMAIN;
    expect_refused(&one);
    expect_rc("copy at a hypervisor address",
              hypercall_grant_table_op(GNTTABOP_copy, (void *)HV_ADDRESS, 1), -EFAULT);
    expect_rc("copy with count 0", hypercall_grant_table_op(GNTTABOP_copy, NULL, 0), 0);
    teardown();
}

/* A batch: each copy has its own status, a bad one in the middle stops
 * nothing after it; a batch running into an unmapped page stops there
 * with -EFAULT, the copies before it done. */
void test_gnttab_copy_batch(void)
{
    struct gnttab_copy *ops = (struct gnttab_copy *)(SCRATCH_VA + 0x100000 - 3 * sizeof(*ops));
    struct gnttab_copy three[3];

    if (!setup())
        return;
    three[0] = by_ref(REF_SRC, 0, REF_DST, 0, 16);
    three[1] = by_ref(REF_SRC, 4090, REF_DST, 16, 16);
    three[2] = by_ref(REF_SRC, 32, REF_DST, 32, 16);
    if (!expect_rc("a batch of 3 copies", copy(three, 3), 0) ||
        three[0].status != GNTST_okay || three[1].status != GNTST_bad_copy_arg ||
        three[2].status != GNTST_okay || !copied(0, 0, 16) || !copied(32, 32, 16) ||
        dst_page[16])
        test_fail("batch statuses %d %d %d, expected 0 %d 0 (and the data of the good ones)",
                  three[0].status, three[1].status, three[2].status, GNTST_bad_copy_arg);

    /* The same domains again, but the destination now by frame number
     * under a domain id that is not DOMID_SELF: still refused, however
     * the batch went before (an end kept claimed between copies). */
    three[0] = by_ref(REF_SRC, 0, REF_DST, 0, 16);
    three[1] = by_ref(REF_SRC, 0, 0, 0, 16);
    three[1].flags = GNTCOPY_source_gref;
    three[1].dest.u.gmfn = virt_to_mfn(dst_page);
    memset(dst_page, 0, PAGE_SIZE);
    if (copy(three, 2) || three[0].status != GNTST_okay ||
        three[1].status != GNTST_permission_denied)
        test_fail("a frame named for domain 0 after a grant copy between the same domains: "
                  "statuses %d %d, expected 0 %d", three[0].status, three[1].status,
                  GNTST_permission_denied);
    if (!flags_clear(REF_SRC) || !flags_clear(REF_DST))
        test_fail("flags left set after a batch ending in a refusal");

    /* The last three entries of a mapped page, then an unmapped one. */
    if (pt_map((uint64_t)ops & PAGE_MASK, virt_to_mfn(page_alloc()), PTE_KERNEL_RW)) {
        test_error("cannot map a page for the batch");
        teardown();
        return;
    }
    (void)pt_unmap(SCRATCH_VA + 0x100000);
    memset(dst_page, 0, PAGE_SIZE);
    for (unsigned int i = 0; i < 3; i++)
        ops[i] = by_ref(REF_SRC, (uint16_t)(i * 100), REF_DST, (uint16_t)(i * 100), 100);
    expect_rc("a batch running into an unmapped page", copy(ops, 4), -EFAULT);
    if (ops[0].status || ops[1].status || ops[2].status || !copied(0, 0, 300))
        test_fail("the copies before the unmapped page: statuses %d %d %d", ops[0].status,
                  ops[1].status, ops[2].status);
    if (!flags_clear(REF_SRC) || !flags_clear(REF_DST))
        test_fail("flags left set after the batch stopped");
    (void)pt_unmap((uint64_t)ops & PAGE_MASK);
    teardown();
}

/* A long batch is preempted and continued (the hypercall restarts with
 * the rest): every copy done once, statuses all written. */
void test_gnttab_copy_long_batch(void)
{
    enum { N = 4096 };
    struct gnttab_copy *ops = page_alloc();
    unsigned int pages = (N * sizeof(*ops) + PAGE_SIZE - 1) / PAGE_SIZE, bad = 0;
    uint8_t *buf = NULL;

    if (!ops || !setup()) {
        test_error("set-up failed");
        return;
    }
    /* N copies of 1 byte each into 4096 different offsets: the page of
     * ops is too small, so use a contiguous run of pages. */
    page_free(ops);
    buf = (uint8_t *)(SCRATCH_VA);
    for (unsigned int i = 0; i < pages; i++)
        if (pt_map(SCRATCH_VA + i * PAGE_SIZE, virt_to_mfn(page_alloc()), PTE_KERNEL_RW)) {
            test_error("cannot map the batch");
            teardown();
            return;
        }
    ops = (struct gnttab_copy *)buf;
    for (unsigned int i = 0; i < N; i++)
        ops[i] = by_ref(REF_SRC, (uint16_t)i, REF_DST, (uint16_t)(N - 1 - i), 1);
    expect_rc("a batch of 4096 copies", copy(ops, N), 0);
    for (unsigned int i = 0; i < N; i++)
        if (ops[i].status != GNTST_okay || dst_page[N - 1 - i] != src_page[i])
            bad++;
    if (bad)
        test_fail("%u of %u copies in a long batch wrong or not done", bad, N);
    for (unsigned int i = 0; i < pages; i++)
        (void)pt_unmap(SCRATCH_VA + i * PAGE_SIZE);
    teardown();
}

void test_gnttab_swap_grant_ref(void)
{
    struct gnttab_swap_grant_ref s[3] = {
        { REF_SRC, REF_DST, 1, 0 }, { REF_SRC, REF_SRC, 1, 0 }, { REF_SRC, 1u << 20, 1, 0 },
    };

    if (!setup())
        return;
    if (!expect_rc("swap_grant_ref", hypercall_grant_table_op(GNTTABOP_swap_grant_ref, s, 3), 0))
        goto out;
    if (s[0].status != GNTST_okay || s[1].status != GNTST_okay ||
        s[2].status != GNTST_bad_gntref)
        test_fail("swap statuses %d %d %d, expected 0 0 %d", s[0].status, s[1].status,
                  s[2].status, GNTST_bad_gntref);
    if (gnt_v1()[REF_SRC].frame != (uint32_t)virt_to_mfn(dst_page) ||
        gnt_v1()[REF_DST].frame != (uint32_t)virt_to_mfn(src_page) ||
        gnt_v1()[REF_SRC].flags != GTF_permit_access ||
        gnt_v1()[REF_DST].flags != (GTF_permit_access | GTF_readonly))
        test_fail("entries after the swap: %#x/%#x and %#x/%#x", gnt_v1()[REF_SRC].flags,
                  gnt_v1()[REF_SRC].frame, gnt_v1()[REF_DST].flags, gnt_v1()[REF_DST].frame);
    s[0] = (struct gnttab_swap_grant_ref){ 0xffffffffu, REF_SRC, 1, 0 };
    if (hypercall_grant_table_op(GNTTABOP_swap_grant_ref, s, 1) ||
        s[0].status != GNTST_bad_gntref)
        test_fail("swap of ref 0xffffffff: status %d", s[0].status);
    expect_rc("swap_grant_ref at a hypervisor address",
              hypercall_grant_table_op(GNTTABOP_swap_grant_ref, (void *)HV_ADDRESS, 1), -EFAULT);
out:
    teardown();
}

/* Commands x86 Xen does not have. */
void test_gnttab_absent_commands(void)
{
    struct gnttab_dump_table dump = { .dom = DOMID_SELF };
    struct gnttab_cache_flush cf = { .op = GNTTAB_CACHE_CLEAN };

    expect_rc("dump_table", hypercall_grant_table_op(GNTTABOP_dump_table, &dump, 1), -ENOSYS);
    expect_rc("cache_flush", hypercall_grant_table_op(GNTTABOP_cache_flush, &cf, 1), -ENOSYS);
    expect_rc("cache_flush with continuation bits",
              hypercall_grant_table_op(GNTTABOP_cache_flush | (5u << 12), &cf, 1), -ENOSYS);
}

/* Version 2 sub-page grants: a copy within the window goes through, one
 * reaching outside it is GNTST_general_error, at either end. */
void test_gnttab_copy_sub_page(void)
{
    struct gnttab_copy op;
    uint32_t now;
    union grant_entry_v2 *e;

    if (!setup())
        return;
    if (!expect_rc("set_version(2)", gnt_set_version(2, &now), 0)) {
        teardown();
        return;
    }
    e = gnt_v2();
    e[REF_SRC].sub_page.frame = virt_to_mfn(src_page);
    e[REF_SRC].sub_page.page_off = 1000;
    e[REF_SRC].sub_page.length = 100;
    e[REF_SRC].hdr.domid = SELF_ID;
    __atomic_store_n(&e[REF_SRC].hdr.flags, GTF_permit_access | GTF_sub_page | GTF_readonly,
                     __ATOMIC_RELEASE);
    e[REF_DST].sub_page.frame = virt_to_mfn(dst_page);
    e[REF_DST].sub_page.page_off = 2000;
    e[REF_DST].sub_page.length = 50;
    e[REF_DST].hdr.domid = SELF_ID;
    __atomic_store_n(&e[REF_DST].hdr.flags, GTF_permit_access | GTF_sub_page, __ATOMIC_RELEASE);

    memset(dst_page, 0, PAGE_SIZE);
    op = by_ref(REF_SRC, 1010, REF_DST, 2000, 50);
    if (copy(&op, 1) || op.status != GNTST_okay || !copied(2000, 1010, 50))
        test_fail("copy within both windows: status %d", op.status);
    struct { const char *what; uint16_t soff, doff, len; } bad[] = {
        { "source before its window", 990, 2000, 20 },
        { "source past its window", 1090, 2000, 20 },
        { "destination before its window", 1000, 1990, 20 },
        { "destination past its window", 1000, 2040, 20 },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        memset(dst_page, 0, PAGE_SIZE);
        op = by_ref(REF_SRC, bad[i].soff, REF_DST, bad[i].doff, bad[i].len);
        if (copy(&op, 1) || op.status != GNTST_general_error || !dst_is_zero())
            test_fail("%s: status %d, expected GNTST_general_error and nothing written",
                      bad[i].what, op.status);
    }
    e[REF_SRC] = (union grant_entry_v2){ .hdr = { 0, 0 } };
    e[REF_DST] = (union grant_entry_v2){ .hdr = { 0, 0 } };
    expect_rc("set_version(1)", gnt_set_version(1, &now), 0);
    teardown();
}
