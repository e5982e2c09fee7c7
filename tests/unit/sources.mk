page_alloc_SRCS := hv/common/page_alloc.c
xmalloc_SRCS := hv/common/xmalloc.c hv/common/page_alloc.c
vsnprintf_SRCS := hv/common/vsnprintf.c
params_SRCS := hv/common/params.c hv/common/strtoul.c
timer_heap_SRCS := hv/common/timer_heap.c
console_SRCS := hv/common/console.c hv/common/vsnprintf.c
elf_image_SRCS := hv/common/elf_image.c
page_type_SRCS := hv/common/page_type.c hv/common/page_alloc.c
