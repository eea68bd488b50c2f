// Process clocks for the build's phase metrics.
#pragma once

namespace haven::base {

// CPU time this process has used so far, user and system, all threads, in milliseconds.
double process_cpu_ms();

} // namespace haven::base
