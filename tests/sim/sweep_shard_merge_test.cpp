// `npusim sweep --shard K/3` three times + `npusim merge` gives the unsharded
// run's reports byte for byte; an incomplete or overlapping merge is refused.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "op_stream/failure.h"
#include "sim/sweep_result.h"

namespace npusim::sim {
namespace {
namespace fs = std::filesystem;

int npusim(const std::string& args) {
  const int status = std::system((std::string(NPUSIM_BINARY) + " " + args + " > /dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SweepShardMerge, ThreeShardsMergedEqualTheUnshardedRunPointForPoint) {
  const fs::path root = fs::temp_directory_path() / "npusim_shard_merge";
  fs::remove_all(root);
  const std::string study = std::string(NPUSIM_SOURCE_DIR) + "/scenarios/studies/head_padding_cost.yaml";
  ASSERT_EQ(npusim("sweep " + study + " -j 2 --report-dir " + (root / "all").string()), 0);
  std::string shard_dirs;
  for (int k = 1; k <= 3; ++k) {
    const fs::path dir = root / ("shard" + std::to_string(k));
    ASSERT_EQ(npusim("sweep " + study + " --shard " + std::to_string(k) + "/3 --report-dir " + dir.string()), 0);
    shard_dirs += " " + dir.string();
  }
  ASSERT_EQ(npusim("merge" + shard_dirs + " --report-dir " + (root / "merged").string()), 0);
  const SweepResult all = read_sweep_json(root / "all" / "sweep.json");
  const SweepResult merged = read_sweep_json(root / "merged" / "sweep.json");
  ASSERT_EQ(merged.points.size(), all.study.point_count());
  for (size_t i = 0; i < all.points.size(); ++i) {
    EXPECT_EQ(merged.points[i].labels, all.points[i].labels);
    EXPECT_EQ(merged.points[i].outcome, all.points[i].outcome);
    EXPECT_EQ(merged.points[i].metrics, all.points[i].metrics) << "point " << i;
  }
  for (const char* file : {"sweep.json", "sweep.csv", "sweep.html"})
    EXPECT_EQ(read_file(root / "merged" / file), read_file(root / "all" / file)) << file;

  // Two shards of three: points are missing, the merge says so (exit 2).
  EXPECT_EQ(npusim("merge " + (root / "shard1").string() + " " + (root / "shard2").string() + " --report-dir " +
                   (root / "partial").string()),
            2);
  const SweepResult shard1 = read_sweep_json(root / "shard1" / "sweep.json");
  EXPECT_THROW(merge_sweep_results({all, shard1}), FailureError);  // a point given twice
}

}  // namespace
}  // namespace npusim::sim
