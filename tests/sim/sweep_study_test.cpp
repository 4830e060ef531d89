// Studies: grid enumeration, axis assignments, shards, and the seed-1 flip.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "op_stream/failure.h"
#include "sim/sweep_report.h"
#include "sim/sweep_runner.h"
#include "sim/sweep_study.h"

namespace npusim::sim {
namespace {
namespace fs = std::filesystem;

const std::string kSeed1 = std::string(NPUSIM_SOURCE_DIR) + "/scenarios/sglang_21408_glm47_flash_heads.yaml";

// FIA power-of-two rule on/off x batch on seed 1's bug variant (no padding).
fs::path write_two_axis_study() {
  const fs::path file = fs::temp_directory_path() / "npusim_two_axis_study.yaml";
  std::ofstream(file) << "study: fia-rule-x-batch\n"
                         "scenario: " << kSeed1 << "\n"
                         "variant: bug\n"
                         "mode: timing\n"
                         "axes:\n"
                         "  - {name: fia_rule, key: set.constraints.fia.mla.num_heads_power_of_two.enabled,"
                         " values: [true, false]}\n"
                         "  - {name: batch, key: workload.batch, values: [1, 2, 4]}\n"
                         "metrics: [timing.tpot_ms]\n"
                         "plots:\n"
                         "  - {kind: line, x: batch, metric: timing.tpot_ms}\n"
                         "  - {kind: heatmap, x: batch, y: fia_rule, metric: timing.tpot_ms}\n"
                         "  - {kind: line, x: batch, metric: timing.tpot_ms, ratio_to: fia_rule=false}\n";
  return file;
}

TEST(SweepStudy, PointsAreTheGridInOrderWithTheAxisValuesApplied) {
  const Study s = load_study(write_two_axis_study().string());
  ASSERT_EQ(s.header.point_count(), 6u);
  EXPECT_EQ(s.header.labels_of(0), (std::vector<std::string>{"true", "1"}));
  EXPECT_EQ(s.header.labels_of(5), (std::vector<std::string>{"false", "4"}));
  const scenarios::Variant v = s.point_variant(4);
  EXPECT_EQ(v.workload.at("batch").value, "2");
  EXPECT_EQ(v.device_overrides.back(), "constraints.fia.mla.num_heads_power_of_two.enabled=false");
  EXPECT_FALSE(v.patches.at("sglang#21408"));  // the bug variant's own patch state stays
  EXPECT_EQ(v.modes, (std::vector<std::string>{"timing"}));
  EXPECT_EQ(s.fidelity, "analytic");
}

TEST(SweepStudy, TheFiaRuleAxisFlipsTheSeed1BugFromFailToPass) {
  const Study s = load_study(write_two_axis_study().string());
  SweepOptions o;
  o.jobs = 2;
  const SweepResult r = run_sweep(s, o);
  ASSERT_EQ(r.points.size(), 6u);
  for (const auto& p : r.points) {
    SCOPED_TRACE("point " + std::to_string(p.index));
    EXPECT_EQ(p.index, &p - r.points.data());
    if (p.labels[0] == "true") {
      EXPECT_EQ(p.outcome, "failed");
      EXPECT_EQ(p.signature(), "constraint FusedInferAttentionScore num_heads fia.mla.num_heads_power_of_two");
    } else {
      EXPECT_EQ(p.outcome, "ok");
      EXPECT_GT(p.metrics.at("timing.tpot_ms"), 0);
    }
  }
  const std::string html = render_sweep_html(r);
  EXPECT_NE(html.find("class='fail'"), std::string::npos);  // failures marked in the plots
  EXPECT_NE(html.find("fia.mla.num_heads_power_of_two"), std::string::npos);
  // The ratio plot has no baseline where the rule is on (those points failed): marked too.
  EXPECT_NE(html.find("timing.tpot_ms of fia_rule=false / of the point"), std::string::npos);
  const std::string csv = render_sweep_csv(r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);  // header + 6 points
}

TEST(SweepStudy, ShardsPartitionThePointsDeterministically) {
  std::multiset<size_t> seen;
  for (const char* shard : {"1/3", "2/3", "3/3"})
    for (size_t i : shard_points(10, shard)) seen.insert(i);
  ASSERT_EQ(seen.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(seen.count(i), 1u);
  EXPECT_EQ(shard_points(10, "2/3"), (std::vector<size_t>{1, 4, 7}));
  for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0"}) EXPECT_THROW(shard_points(10, bad), FailureError) << bad;
}

TEST(SweepStudy, BadAxisInputIsAnInputErrorNamingTheFile) {
  const fs::path file = fs::temp_directory_path() / "npusim_bad_study.yaml";
  std::ofstream(file) << "study: bad\nscenario: " << kSeed1 << "\nvariant: fix\naxes:\n"
                      << "  - {name: x, key: set.memory.hbm_bandwith_GBps, values: [800]}\n";
  try {
    load_study(file.string());
    FAIL() << "a misspelt preset key was accepted";
  } catch (const FailureError& e) {
    EXPECT_NE(e.failure().message.find(file.string()), std::string::npos) << e.failure().to_string();
  }
}

}  // namespace
}  // namespace npusim::sim
