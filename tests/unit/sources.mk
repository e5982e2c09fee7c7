page_alloc_SRCS := hv/common/page_alloc.c hv/common/lock_order.c
xmalloc_SRCS := hv/common/xmalloc.c hv/common/page_alloc.c hv/common/lock_order.c
vsnprintf_SRCS := hv/common/vsnprintf.c
params_SRCS := hv/common/params.c hv/common/strtoul.c
timer_heap_SRCS := hv/common/timer_heap.c
console_SRCS := hv/common/console.c hv/common/vsnprintf.c hv/common/lock_order.c
elf_image_SRCS := hv/common/elf_image.c hv/common/elf_xen_meta.c
page_type_SRCS := hv/common/page_type.c hv/common/page_alloc.c hv/common/lock_order.c
# Preemption checks every 2 entries: the fake tables have 8.
page_type_CFLAGS := -DPT_PREEMPT_EVERY=2
ptwr_decode_SRCS := hv/arch/x86/pv/ptwr_decode.c
timer_SRCS := hv/common/timer.c hv/common/timer_heap.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c hv/common/vsnprintf.c hv/common/lock_order.c
ptwr_decode_CFLAGS := -Ihv/arch/x86/include
lock_order_SRCS := hv/common/lock_order.c
desc_check_SRCS := hv/arch/x86/pv/desc_check.c
desc_check_CFLAGS := -Ihv/arch/x86/include
trap_policy_SRCS :=
trap_policy_CFLAGS := -Ihv/arch/x86/include
gp_decode_SRCS := hv/arch/x86/pv/gp_decode.c
gp_decode_CFLAGS := -Ihv/arch/x86/include
event_channel_SRCS := hv/common/event_channel.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c hv/common/vsnprintf.c hv/common/lock_order.c
event_coalesce_SRCS := hv/common/event_coalesce.c hv/common/timer.c hv/common/timer_heap.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c hv/common/vsnprintf.c hv/common/lock_order.c
tsc_sync_SRCS := hv/arch/x86/tsc_sync.c
tsc_sync_CFLAGS := -Ihv/arch/x86/include
calendar_SRCS := hv/common/calendar.c
virq_coalesce_SRCS := hv/common/virq_coalesce.c hv/common/event_coalesce.c hv/common/event_channel.c hv/common/timer.c hv/common/timer_heap.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c hv/common/vsnprintf.c hv/common/lock_order.c
sched_rr_SRCS := hv/common/sched_core.c hv/common/sched_rr.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c hv/common/vsnprintf.c hv/common/lock_order.c hv/common/string.c
control_SRCS := hv/common/control.c hv/common/page_alloc.c hv/common/console.c hv/common/vsnprintf.c hv/common/lock_order.c hv/common/string.c
