/* The coalescing model's view of its simulated machine (host.c). */
#ifndef BENCH_COALESCE_MODEL_H
#define BENCH_COALESCE_MODEL_H

#include <proxen/types.h>

void model_set_now(s_time_t now);
/* The one-shot deadline timer.c last programmed, 0 for none. */
s_time_t model_timer_deadline(void);

#endif
