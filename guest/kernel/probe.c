/* Memory accesses that are allowed to fault (traps.h). */
#include <traps.h>

bool probe_read64(uint64_t addr, uint64_t *val)
{
    unsigned long before = last_trap.count;
    uint64_t v = 0;

    __asm__ volatile("1: movq (%[p]), %[v]\n"
                     "2:\n"
                     EXTABLE(1b, 2b)
                     : [v] "+r"(v) : [p] "r"(addr) : "memory");
    *val = v;
    return last_trap.count == before;
}

bool probe_write64(uint64_t addr, uint64_t val)
{
    unsigned long before = last_trap.count;

    __asm__ volatile("1: movq %[v], (%[p])\n"
                     "2:\n"
                     EXTABLE(1b, 2b)
                     : : [v] "r"(val), [p] "r"(addr) : "memory");
    return last_trap.count == before;
}
