// The scenario's request_errors in the simulator: at each entry's at_ms the
// cluster's request-error injection (broker-model/request_error_injection.h)
// gets its errors; at the end of the fault phase pending ones are dropped,
// as `kafkasim real` does on the mock cluster.
#pragma once

#include "broker-model/cluster.h"
#include "harness/faults.h"
#include "harness/scenario.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

// Spawns a harness fiber when the scenario has request errors (none
// otherwise, so that the traces of other scenarios are unchanged).
// REQUIRES: `scenario` and `cluster` outlive the simulation's run.
// Each push is logged through `injector` (fault log "inject request-errors").
// REQUIRES: `injector` outlives the run too.
void schedule_request_errors(sim::Simulation& sim, kafka::Cluster& cluster, const Scenario& scenario,
                             FaultInjector& injector);

}  // namespace kafkasim::harness
