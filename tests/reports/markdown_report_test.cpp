// The Markdown summary holds one table row per run with its outcome, failure
// signature, key figures and checks, then the unmet checks and highlights.
#include <gtest/gtest.h>

#include <sstream>

#include "reports/report_writers.h"
#include "tests/support/fake_runs.h"

namespace npusim::reports {
namespace {

std::vector<std::string> table_rows(const std::string& markdown) {
  std::vector<std::string> rows;
  std::istringstream in(markdown);
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.rfind("| scenario |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (in_table && line.rfind("|---", 0) == 0) continue;
    if (in_table && line.rfind("| ", 0) != 0) break;
    if (in_table) rows.push_back(line);
  }
  return rows;
}

TEST(MarkdownReport, HasOneTableRowPerRunWithOutcomeSignatureAndChecks) {
  std::string md = render_markdown(testing::fake_suite());
  auto rows = table_rows(md);
  ASSERT_EQ(rows.size(), 5u) << md;
  EXPECT_EQ(rows[0],
            "| sglang-21408-glm47-flash-heads (sglang#21408) | bug | timing | failed | "
            "`constraint FusedInferAttentionScore num_heads=20 [fia.mla.num_heads_power_of_two]` |  | ✅ 1/1 |");
  EXPECT_NE(rows[1].find("TTFT 12.5 ms, TPOT 3.25 ms, throughput 307.7 tok/s"), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find("✅ 3/3"), std::string::npos);
  EXPECT_NE(rows[4].find("❌ 1/2"), std::string::npos);
  EXPECT_NE(md.find("❌ checks unmet"), std::string::npos);
  EXPECT_NE(md.find("3 of 5 runs meet their expectations"), std::string::npos);
}

TEST(MarkdownReport, ListsUnmetChecksAndHighlights) {
  std::string md = render_markdown(testing::fake_suite());
  EXPECT_NE(md.find("## Unmet checks"), std::string::npos);
  EXPECT_NE(md.find("- **sglang-23122-qwen3-dflash / fix / timing**"), std::string::npos);
  EXPECT_NE(md.find("  - expected: speedup >= 2"), std::string::npos);
  EXPECT_NE(md.find("| sglang-23122-qwen3-dflash / fix / timing | 40 ms | 3.9 ms |  | 3.4 tok | 1.9 x |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| sglang-21408-glm47-flash-heads / fix / functional | 0.0012 | 0.99998 | 100 % |"),
            std::string::npos)
      << md;
}

TEST(MarkdownReport, EscapesPipesInCells) {
  SuiteResult suite = testing::fake_suite();
  suite.runs[0].variant = "a|b";
  auto rows = table_rows(render_markdown(suite));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_NE(rows[0].find("| a\\|b |"), std::string::npos) << rows[0];
}

TEST(MarkdownReport, SaysAllMetWhenEveryCheckPasses) {
  SuiteResult suite = testing::fake_suite();
  suite.runs.resize(2);
  std::string md = render_markdown(suite);
  EXPECT_NE(md.find("✅ all checks met"), std::string::npos);
  EXPECT_EQ(md.find("## Unmet checks"), std::string::npos);
}

}  // namespace
}  // namespace npusim::reports
