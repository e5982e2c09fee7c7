# Host programs of `make bench`.  The coalescing model: Proxen's event
# coalescer and timers compiled for the host against a simulated clock
# (bench/coalesce/, docs/benchmarks.md).

COALESCE_MODEL := $(BUILD)/bench/coalesce-model
COALESCE_MODEL_SRCS := bench/coalesce/model.c bench/coalesce/host.c \
	hv/common/event_coalesce.c hv/common/timer.c hv/common/timer_heap.c \
	hv/common/lock_order.c

$(COALESCE_MODEL): $(COALESCE_MODEL_SRCS) bench/coalesce/model.h \
		$(wildcard hv/include/*/*.h) mk/bench.mk mk/flags.mk
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -O2 -o $@ $(COALESCE_MODEL_SRCS) -lm
