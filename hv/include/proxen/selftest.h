/* Boot-time self tests selected by `test=` on the command line.  System
 * tests (tests/system) use them to drive the hypervisor into a state and
 * end the run with a verdict through machine_poweroff(status). */
#ifndef PROXEN_SELFTEST_H
#define PROXEN_SELFTEST_H

void selftest_run(const char *name);

#endif
