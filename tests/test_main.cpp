// Entry point of every test binary. libsystemc.so defines its own main(), which
// calls sc_main(): linking gtest_main instead can silently run SystemC's main
// and zero tests (DESIGN.md section 7), so the tests run from sc_main.
#include <gtest/gtest.h>
#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// sc_elab_and_sim prints SystemC's banner on stderr before calling sc_main
// unless this variable is set, so set it first and enter SystemC ourselves.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
