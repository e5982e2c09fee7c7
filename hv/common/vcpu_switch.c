/* A vCPU switched in or out on its CPU (vcpu_switch.h).  Until there is a
 * scheduler, vCPU n runs on CPU n: it switches out when it blocks or goes
 * down and in when it wakes or comes up, in place. */
#include <proxen/domain.h>
#include <proxen/runstate.h>
#include <proxen/vcpu_switch.h>
#include <public/vcpu.h>

void vcpu_switch_in(struct vcpu *v)
{
    runstate_change(v, RUNSTATE_running);
}

void vcpu_switch_out(struct vcpu *v, int state)
{
    runstate_change(v, state);
}
