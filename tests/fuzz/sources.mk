params_SRCS := hv/common/params.c hv/common/strtoul.c
elf_image_SRCS := hv/common/elf_image.c
