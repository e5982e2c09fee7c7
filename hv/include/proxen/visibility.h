/* Included first in every hypervisor file (-include in mk/flags.mk).
 * The image is position-independent but statically linked: marking every
 * symbol hidden lets the compiler address all of them RIP-relative
 * instead of through a GOT that a static link has no use for. */
#pragma GCC visibility push(hidden)
