/* The fake arch's part of domains and vCPUs: nothing, so that common
 * code that knows struct domain (event channels) builds on the host. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

struct arch_vcpu {
    int unused;
};

struct arch_domain {
    int unused;
};

#endif
