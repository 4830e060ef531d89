// Entry point of every test binary. libsystemc.so defines its own main(), which
// calls sc_main(): linking gtest_main instead can silently run SystemC's main
// and zero tests (DESIGN.md section 7), so the tests run from sc_main.
#include <gtest/gtest.h>
#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  // SystemC prints its banner at exit; it would corrupt test listings and tool output.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
