params_SRCS := hv/common/params.c hv/common/strtoul.c
