// Trends the timing model must show on every preset, measured on timed ops
// (tile pipeline + bandwidth shares), not on a formula of one parameter.
#include <gtest/gtest.h>

#include <vector>

#include "tests/device_model/timing_test_streams.h"

namespace npusim::device {
namespace {
using namespace test_records;

const char* const kPresets[] = {"ascend910b", "h100_sxm"};

double duration_ns(const TimingResult& r, size_t record) { return timed(r, record).end_ns - timed(r, record).start_ns; }

// Cost of the MLA decode FIA at 20, 32 and 128 query heads, one op at a time.
struct MlaDecodeCosts {
  double h20_ns, h32_ns, h128_ns;
};
MlaDecodeCosts mla_decode_costs(const char* preset, int64_t batch, int64_t kv_len) {
  StreamBuilder s;
  std::vector<size_t> ops;
  for (int64_t heads : {20, 32, 128}) {
    ops.push_back(s.mla_decode_attention(heads, batch, kv_len));
    s.call(RecordKind::synchronize);
  }
  const TimingResult r = simulate_timing(s.records, DeviceConfig::load(preset), Fidelity::analytic);
  return {duration_ns(r, ops[0]), duration_ns(r, ops[1]), duration_ns(r, ops[2])};
}

// GLM-4.7-Flash's 20 query heads padded to 32 (sglang#21408). The cube
// fractal (16 rows) already pads 20 heads to 32 rows, and with one latent KV
// head the op reads ~1.9 x heads FLOP per KV byte, far under either preset's
// ridge point: the KV read dominates and padding costs only query/output
// bytes, well under the 1.6x a heads-only formula gives. Past the ridge
// (128 heads) the cube work shows.
TEST(TimingTrends, MlaDecodeHeadPaddingCostsLittleWhileKvBoundAndHeadsCostPastTheRidge) {
  for (const char* preset : kPresets) {
    SCOPED_TRACE(preset);
    const MlaDecodeCosts c = mla_decode_costs(preset, 32, 4096);
    RecordProperty(std::string(preset) + "_fia_32_over_20", std::to_string(c.h32_ns / c.h20_ns));
    RecordProperty(std::string(preset) + "_fia_128_over_32", std::to_string(c.h128_ns / c.h32_ns));
    EXPECT_GE(c.h32_ns / c.h20_ns, 0.97);
    EXPECT_LT(c.h32_ns / c.h20_ns, 1.2);
    EXPECT_GT(c.h128_ns / c.h32_ns, 1.2);
  }
}

// With a short context the query/output bytes are a visible share of the op.
TEST(TimingTrends, MlaDecodeHeadPaddingCostsMoreWithShortContext) {
  for (const char* preset : kPresets) {
    SCOPED_TRACE(preset);
    const MlaDecodeCosts short_kv = mla_decode_costs(preset, 128, 128), long_kv = mla_decode_costs(preset, 128, 4096);
    RecordProperty(std::string(preset) + "_fia_32_over_20_kv128", std::to_string(short_kv.h32_ns / short_kv.h20_ns));
    EXPECT_GT(short_kv.h32_ns / short_kv.h20_ns, long_kv.h32_ns / long_kv.h20_ns + 0.05);
  }
}

// Decode attention whose KV heads are padded with the query heads (MHA:
// kv heads = heads, as FIA needs kv heads to divide heads): 20 -> 32 heads
// reads 1.6x the KV cache, and decode attention is KV-bandwidth-bound, so the
// cost grows with the heads, less than 1.6x only by what does not scale (fixed
// tile cycles, core-count quantisation).
TEST(TimingTrends, MhaDecodeAttentionCostGrowsWithPaddedHeads) {
  for (const char* preset : kPresets) {
    SCOPED_TRACE(preset);
    for (int64_t kv_len : {1024, 4096}) {
      SCOPED_TRACE("kv_len " + std::to_string(kv_len));
      StreamBuilder s;
      const size_t h20 = s.gqa_decode_attention(20, 20, 32, kv_len);
      s.call(RecordKind::synchronize);
      const size_t h32 = s.gqa_decode_attention(32, 32, 32, kv_len);
      s.call(RecordKind::synchronize);
      const TimingResult r = simulate_timing(s.records, DeviceConfig::load(preset), Fidelity::analytic);
      const double ratio = duration_ns(r, h32) / duration_ns(r, h20);
      RecordProperty(std::string(preset) + "_mha_decode_32_over_20_kv" + std::to_string(kv_len), std::to_string(ratio));
      EXPECT_GE(ratio, 1.2);
      EXPECT_LE(ratio, 1.7);
    }
  }
}

TEST(TimingTrends, NonCausalPrefillAttentionCostsMoreThanCausal) {
  for (const char* preset : kPresets) {
    SCOPED_TRACE(preset);
    StreamBuilder s;
    const size_t causal = s.gqa_prefill_attention(4096, true);
    s.call(RecordKind::synchronize);
    const size_t full = s.gqa_prefill_attention(4096, false);
    s.call(RecordKind::synchronize);
    const TimingResult r = simulate_timing(s.records, DeviceConfig::load(preset), Fidelity::analytic);
    const double ratio = duration_ns(r, full) / duration_ns(r, causal);
    RecordProperty(std::string(preset) + "_full_over_causal", std::to_string(ratio));
    // Causal skips about half the score tiles; the diagonal tiles still run whole.
    EXPECT_GT(ratio, 1.5);
    EXPECT_LE(ratio, 2.0 + 1e-9);
  }
}

}  // namespace
}  // namespace npusim::device
