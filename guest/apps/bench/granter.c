/* The demo domU that grants a page of its own to the initial domain
 * (guest/apps/demo/grant.c), built once for every benchmark that works on
 * another domain's grant (grant_map.c, grant_copy.c): the first
 * granter_get() builds it, the last granter_put() destroys it.  The page
 * holds GRANTER_WORD0 * (i + 1) in its i-th word; the demo reads nothing
 * back until an event that never comes. */
#include <console_back.h>
#include <domu.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <lib/strtoul.h>
#include "bench.h"

#define DOMU_PAGES 2048
#define MS 1000000ULL
#define GRANTED "demo: granted ref "

static struct domain_build granter;
static grant_ref_t granted_ref;
static unsigned int users;

/* The number after text on id's console, or ~0. */
static uint64_t number_after(domid_t id, const char *text)
{
    char buf[2048];
    size_t n = console_back_history(id, buf, sizeof(buf) - 1);
    const char *p;

    buf[n] = '\0';
    p = strstr(buf, text);
    return p ? simple_strtoull(p + strlen(text), NULL, 10) : ~0ULL;
}

/* Built and told to grant a page to us: it prints the reference, then
 * waits for an event that never comes. */
static bool granter_start(void)
{
    struct evtchn_alloc_unbound au;
    char line[32];
    uint64_t ref;

    if (!start_info->mod_start || !start_info->mod_len) {
        bench_fail("no domU image among dom0's modules");
        return false;
    }
    if (domu_build((const void *)start_info->mod_start, start_info->mod_len, "granter",
                   "grant", DOMU_PAGES, &granter)) {
        bench_fail("the demo domain cannot be built here (%s)", granter.why ? granter.why : "?");
        return false;
    }
    au = (struct evtchn_alloc_unbound){ .dom = granter.domid, .remote_dom = DOMID_SELF };
    if (hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au) || domu_unpause(granter.domid))
        goto fail;
    snprintf(line, sizeof(line), "0 %u\n", au.port);
    console_back_input(granter.domid, line, strlen(line));
    if (!domu_console_wait(granter.domid, GRANTED, 10000 * MS))
        goto fail;
    ref = number_after(granter.domid, GRANTED);
    if (ref >> 32)
        goto fail;
    granted_ref = (grant_ref_t)ref;
    return true;
fail:
    bench_fail("the demo domain did not grant a page");
    domu_destroy(granter.domid);
    return false;
}

bool granter_get(domid_t *dom, grant_ref_t *ref)
{
    if (!users && !granter_start())
        return false;
    users++;
    *dom = granter.domid;
    *ref = granted_ref;
    return true;
}

void granter_put(void)
{
    if (users && !--users)
        domu_destroy(granter.domid);
}
