// Benchmarks link SystemC, whose library defines main(): run from sc_main.
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// sc_elab_and_sim prints SystemC's banner on stderr before calling sc_main
// unless this variable is set, so set it first and enter SystemC ourselves.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
