/* The table of hypervisor boot options.  Options used by later layers
 * (dom0_mem, sched, tbuf_size) are accepted and kept now, so that one
 * command line works across versions. */
#include <proxen/console.h>
#include <proxen/console_input.h>
#include <proxen/grant_table.h>
#include <proxen/options.h>
#include <proxen/params.h>

char opt_console[16] = "com1";
unsigned long long opt_dom0_mem;
unsigned long long opt_dom0_max_vcpus;
unsigned long long opt_maxcpus = ~0ULL;
char opt_sched[16] = "rr";
unsigned long long opt_tbuf_size;
char opt_test[64];
bool opt_stretch_stats;
unsigned long long opt_tsc_skew_test;
unsigned long long opt_gnttab_max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
unsigned long long opt_gnttab_max_maptrack_frames = GNTTAB_DEFAULT_MAX_MAPTRACK_FRAMES;
char hv_cmdline[1024];              /* as given, for XENVER_commandline */

static const struct param boot_params[] = {
    { "console", PARAM_STRING, opt_console, sizeof(opt_console), NULL },
    { "loglvl", PARAM_CUSTOM, NULL, 0, console_parse_loglevel },
    { "conswitch", PARAM_CUSTOM, NULL, 0, console_input_parse_conswitch },
    { "dom0_mem", PARAM_SIZE, &opt_dom0_mem, 0, NULL },
    { "dom0_max_vcpus", PARAM_UINT, &opt_dom0_max_vcpus, 0, NULL },
    { "maxcpus", PARAM_UINT, &opt_maxcpus, 0, NULL },
    { "sched", PARAM_STRING, opt_sched, sizeof(opt_sched), NULL },
    { "tbuf_size", PARAM_UINT, &opt_tbuf_size, 0, NULL },
    { "test", PARAM_STRING, opt_test, sizeof(opt_test), NULL },
    { "stretch_stats", PARAM_BOOL, &opt_stretch_stats, 0, NULL },
    { "tsc_skew_test", PARAM_UINT, &opt_tsc_skew_test, 0, NULL },
    { "gnttab_max_frames", PARAM_UINT, &opt_gnttab_max_frames, 0, NULL },
    { "gnttab_max_maptrack_frames", PARAM_UINT, &opt_gnttab_max_maptrack_frames, 0, NULL },
};

static void report(enum param_problem why, const char *word, size_t len, void *ctx)
{
    static const char *const what[] = {
        [PARAM_UNKNOWN] = "unknown option",
        [PARAM_BAD_VALUE] = "bad value in",
        [PARAM_TOO_LONG] = "over-long option",
    };

    pr_warn("Command line: %s '%.*s' (ignored)\n", what[why], (int)MIN(len, 64), word);
}

void boot_options_parse(const char *cmdline)
{
    strlcpy(hv_cmdline, cmdline, sizeof(hv_cmdline));
    params_parse(cmdline, boot_params, ARRAY_SIZE(boot_params), report, NULL);
}
