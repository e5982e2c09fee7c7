page_alloc_SRCS := hv/common/page_alloc.c hv/common/lock_order.c
xmalloc_SRCS := hv/common/xmalloc.c hv/common/page_alloc.c hv/common/lock_order.c
vsnprintf_SRCS := lib/vsnprintf.c
params_SRCS := hv/common/params.c lib/strtoul.c
timer_heap_SRCS := hv/common/timer_heap.c
console_SRCS := hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c
elf_image_SRCS := lib/elf_image.c lib/elf_xen_meta.c lib/strtoul.c
page_type_SRCS := hv/common/page_type.c hv/common/page_alloc.c hv/common/lock_order.c
# Preemption checks every 2 entries: the fake tables have 8.
page_type_CFLAGS := -DPT_PREEMPT_EVERY=2
ptwr_decode_SRCS := hv/arch/x86/pv/ptwr_decode.c
timer_SRCS := hv/common/timer.c hv/common/timer_heap.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c
ptwr_decode_CFLAGS := -Ihv/arch/x86/include
lock_order_SRCS := hv/common/lock_order.c
desc_check_SRCS := hv/arch/x86/pv/desc_check.c
desc_check_CFLAGS := -Ihv/arch/x86/include
trap_policy_SRCS :=
trap_policy_CFLAGS := -Ihv/arch/x86/include
gp_decode_SRCS := hv/arch/x86/pv/gp_decode.c
gp_decode_CFLAGS := -Ihv/arch/x86/include
event_channel_SRCS := hv/common/event_channel.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c
grant_table_SRCS := hv/common/grant_table.c hv/common/grant_pin.c hv/common/grant_version.c hv/common/grant_entries.c hv/common/grant_table_op.c hv/common/grant_copy.c hv/common/grant_map.c hv/common/grant_map_op.c hv/common/grant_transfer.c hv/common/maptrack.c hv/common/maptrack_index.c hv/common/page_type.c hv/common/page_alloc.c hv/common/xmalloc.c hv/common/console.c lib/vsnprintf.c lib/string.c hv/common/lock_order.c
event_coalesce_SRCS := hv/common/event_coalesce.c hv/common/timer.c hv/common/timer_heap.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c
tsc_sync_SRCS := hv/arch/x86/tsc_sync.c
tsc_sync_CFLAGS := -Ihv/arch/x86/include
calendar_SRCS := hv/common/calendar.c
virq_coalesce_SRCS := hv/common/virq_coalesce.c hv/common/event_coalesce.c hv/common/event_channel.c hv/common/timer.c hv/common/timer_heap.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c
sched_rr_SRCS := hv/common/sched_core.c hv/common/sched_rr.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c lib/string.c
control_SRCS := hv/common/control.c hv/common/control_build.c hv/common/control_sched.c hv/common/page_alloc.c hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c lib/string.c
runstate_SRCS := hv/common/runstate.c hv/common/lock_order.c
console_input_SRCS := hv/common/console_input.c hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c
string_SRCS := lib/string.c
errno_SRCS := lib/errno_name.c lib/vsnprintf.c
cpio_SRCS := guest/apps/shell/cpio.c
cpio_CFLAGS := -Iguest/apps/shell
foreign_owner_SRCS := hv/common/foreign_owner.c
domain_ids_SRCS := hv/common/domain_ids.c
strtoul_SRCS := lib/strtoul.c
xencons_ring_SRCS := lib/xencons_ring.c
schedule_SRCS := hv/common/schedule.c hv/common/sched_core.c hv/common/sched_rr.c hv/common/timer.c hv/common/timer_heap.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/console.c lib/vsnprintf.c hv/common/lock_order.c lib/string.c
xs_ring_SRCS := lib/xs_ring.c
heap_SRCS := lib/heap.c
ratelimit_SRCS := lib/ratelimit.c
maptrack_SRCS := hv/common/maptrack.c hv/common/maptrack_index.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/lock_order.c
xenstore_SRCS := $(wildcard lib/xenstore/*.c) lib/string.c
grant_map_SRCS := hv/common/grant_map.c hv/common/maptrack.c hv/common/maptrack_index.c hv/common/xmalloc.c hv/common/page_alloc.c hv/common/lock_order.c
# The decoders read hostile input: their tests run under the sanitizers,
# with inputs copied to buffers of their exact size.
lz4_SRCS := lib/lz4.c lib/xxhash32.c lib/string.c
lz4_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
bzimage_SRCS := lib/bzimage.c lib/kernel_unpack.c lib/lz4.c lib/xxhash32.c lib/string.c lib/xz.c lib/xz_lzma2.c lib/xz_bcj.c lib/xz_crc.c
bzimage_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
xz_SRCS := lib/xz.c lib/xz_lzma2.c lib/xz_bcj.c lib/xz_crc.c
xz_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -Ilib -DXZ_VECTORS='"$(abspath $(BUILD))/unit/xz-vectors"'
# The hypercall argument decoders read what a guest wrote: under the
# sanitizers too.
pv_args_SRCS := hv/arch/x86/pv/arg_decode.c hv/arch/x86/guest_range.c
pv_args_CFLAGS := -Ihv/arch/x86/include -fsanitize=address,undefined -fno-sanitize-recover=undefined
multicall_SRCS := hv/common/multicall.c
multicall_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
domain_teardown_SRCS := hv/common/domain.c hv/common/domain_teardown.c hv/common/domain_ids.c hv/common/grant_table.c hv/common/grant_pin.c hv/common/grant_version.c hv/common/grant_entries.c hv/common/grant_table_op.c hv/common/grant_copy.c hv/common/grant_map.c hv/common/grant_map_op.c hv/common/grant_transfer.c hv/common/maptrack.c hv/common/maptrack_index.c hv/common/page_type.c hv/common/page_alloc.c hv/common/xmalloc.c hv/common/console.c lib/vsnprintf.c lib/string.c hv/common/lock_order.c
# Preemption checks every 2 entries: the fake tables have 8.
domain_teardown_CFLAGS := -DPT_PREEMPT_EVERY=2
