// Benchmarks link SystemC, whose library defines main(): run from sc_main.
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  // SystemC prints its banner at exit; it would corrupt test listings and tool output.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
