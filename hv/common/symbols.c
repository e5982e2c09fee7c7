/* Symbol lookup for stack traces.  The table is generated from the linked
 * image by mk/gensyms.awk and linked in on a second pass; text addresses
 * do not move between passes because the table sits after all code. */
#include <proxen/lib.h>
#include <proxen/symbols.h>

extern const uint64_t symbols_addrs[];
extern const uint64_t symbols_count;
extern const uint32_t symbols_name_offsets[];
extern const char symbols_names[];

const char *symbols_lookup(uint64_t addr, uint64_t *offset)
{
    uint64_t lo = 0, hi = symbols_count;

    if (!hi || addr < symbols_addrs[0])
        return NULL;
    while (hi - lo > 1) {        /* invariant: addrs[lo] <= addr < addrs[hi] */
        uint64_t mid = lo + (hi - lo) / 2;

        if (symbols_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - symbols_addrs[lo];
    return symbols_names + symbols_name_offsets[lo];
}
