params_SRCS := hv/common/params.c lib/strtoul.c
elf_image_SRCS := hv/common/elf_image.c hv/common/elf_xen_meta.c
ptwr_decode_SRCS := hv/arch/x86/pv/ptwr_decode.c
ptwr_decode_CFLAGS := -Ihv/arch/x86/include
desc_check_SRCS := hv/arch/x86/pv/desc_check.c
desc_check_CFLAGS := -Ihv/arch/x86/include
gp_decode_SRCS := hv/arch/x86/pv/gp_decode.c
gp_decode_CFLAGS := -Ihv/arch/x86/include
