/* A vCPU switched in or out on its CPU (vcpu_switch.h): schedule() calls
 * these around the arch's save and load (schedule.c). */
#include <proxen/domain.h>
#include <proxen/periodic_timer.h>
#include <proxen/runstate.h>
#include <proxen/vcpu_switch.h>
#include <public/vcpu.h>

void vcpu_switch_in(struct vcpu *v)
{
    runstate_change(v, RUNSTATE_running);
    periodic_timer_resume(v);
}

void vcpu_switch_out(struct vcpu *v, int state)
{
    periodic_timer_pause(v);
    runstate_change(v, state);
}
