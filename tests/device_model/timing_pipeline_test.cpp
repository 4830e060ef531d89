// Plain-C++ pieces of the timing model: the double-buffered tile pipeline and
// the bandwidth calendar the SystemC memory target is built on.
#include <gtest/gtest.h>

#include "device_model/timing/bandwidth_calendar.h"
#include "device_model/timing/tile_pipeline.h"

namespace npusim::device {
namespace {

TileCosts costs(double compute_ns, double load_bytes, double store_bytes) {
  TileCosts c;
  c.compute_ns = compute_ns;
  c.load_bytes = load_bytes;
  c.store_bytes = store_bytes;
  return c;
}

// A private link of 1 byte/ns: transfer time == bytes.
double private_link(double request_ns, double bytes) { return request_ns + bytes; }

TEST(TimingPipeline, ComputeBoundTilesHideTheirTransfers) {
  // 10 tiles of 100 ns compute, 20 ns load, 10 ns store: load0 + 10 x compute + last store.
  EXPECT_DOUBLE_EQ(run_core_tiles(10, 0, costs(100, 20, 10), private_link), 20 + 10 * 100 + 10);
}

TEST(TimingPipeline, MemoryBoundTilesAreLimitedByThePort) {
  const double end = run_core_tiles(10, 0, costs(5, 60, 40), private_link);
  EXPECT_GE(end, 10 * (60 + 40));
  EXPECT_LE(end, 10 * (60 + 40) + 5);
}

TEST(TimingPipeline, SingleTileIsLoadComputeStore) {
  EXPECT_DOUBLE_EQ(run_core_tiles(1, 50, costs(7, 3, 2), private_link), 50 + 3 + 7 + 2);
}

TEST(BandwidthCalendar, ALoneRequesterMovesAtItsPortRate) {
  BandwidthCalendar link(10.0, 100.0);
  EXPECT_NEAR(link.reserve(0, 1000, 2.0), 500, 1e-9);
}

TEST(BandwidthCalendar, ConcurrentRequestersShareTheLink) {
  BandwidthCalendar link(10.0, 100.0);
  const double first = link.reserve(0, 10000, 10.0);
  const double second = link.reserve(0, 10000, 10.0);
  EXPECT_NEAR(first, 1000, 1e-9);
  EXPECT_NEAR(second, 2000, 1e-9);  // waits for capacity the first one left
}

TEST(BandwidthCalendar, LateArrivingEarlierRequestBackfillsIdleBandwidth) {
  BandwidthCalendar link(10.0, 100.0);
  link.reserve(1000, 1000, 10.0);                 // books [1000, 1100)
  EXPECT_NEAR(link.reserve(0, 1000, 10.0), 100, 1e-9);  // the idle start is still free
  EXPECT_NEAR(link.bytes_moved(), 2000, 1e-9);
}

}  // namespace
}  // namespace npusim::device
