// run_results.json: valid against its schema, read back identically by the
// reader, deterministic, host fields only under host_info, bad input named.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "draft07_validator.h"
#include "op_stream/failure.h"
#include "reports/report_writers.h"
#include "tests/support/fake_runs.h"

namespace npusim::reports {
namespace {

using nlohmann::json;

json load_schema() {
  std::ifstream in(std::string(NPUSIM_SOURCE_DIR) + "/reports/schema/run_results.schema.json");
  EXPECT_TRUE(in.good()) << "schema file missing";
  return json::parse(in);
}

TEST(JsonReport, ValidatesAgainstTheSchema) {
  json doc = json::parse(render_json(testing::fake_suite()));
  auto errors = testing::validate_draft07(load_schema(), doc);
  EXPECT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(doc["runs"].size(), 5u);
  EXPECT_EQ(doc["runs"][0]["failure"]["signature"],
            "constraint FusedInferAttentionScore num_heads=20 [fia.mla.num_heads_power_of_two]");
  EXPECT_EQ(doc["runs"][1]["trace_file"], "traces/sglang-21408-glm47-flash-heads.fix.functional.trace.json");
  EXPECT_TRUE(doc["runs"][0]["trace_file"].is_null());
  EXPECT_EQ(doc["suite"]["totals"]["runs_meeting_expectations"], 3);
  EXPECT_EQ(doc["suite"]["totals"]["all_met"], false);
}

TEST(JsonReport, SchemaRejectsAMissingOrUnknownField) {
  json schema = load_schema();
  json doc = json::parse(render_json(testing::fake_suite()));
  json missing = doc;
  missing["runs"][1].erase("outcome");
  EXPECT_FALSE(testing::validate_draft07(schema, missing).empty());
  json unknown_outcome = doc;
  unknown_outcome["runs"][1]["outcome"] = "exploded";
  EXPECT_FALSE(testing::validate_draft07(schema, unknown_outcome).empty());
  json stray = doc;
  stray["runs"][0]["wall_time_s"] = 1.0;  // host figures belong under host_info
  EXPECT_FALSE(testing::validate_draft07(schema, stray).empty());
}

TEST(JsonReport, RoundTripsThroughTheReader) {
  SuiteResult original = testing::fake_suite();
  std::string text = render_json(original);
  SuiteResult read = parse_json(text);
  ASSERT_EQ(read.runs.size(), original.runs.size());
  EXPECT_TRUE(read.runs[1].timeline.empty()) << "timelines live in the trace files";
  EXPECT_EQ(read.runs[1].metrics, original.runs[1].metrics);
  EXPECT_EQ(read.runs[1].weights, original.runs[1].weights);
  EXPECT_EQ(read.runs[0].failure->rule, original.runs[0].failure->rule);
  EXPECT_EQ(read.runs[4].expectations[0].detail, original.runs[4].expectations[0].detail);
  EXPECT_EQ(read.runs[1].trace_file, "traces/sglang-21408-glm47-flash-heads.fix.functional.trace.json");
  // Every other field: the re-rendered text is identical.
  EXPECT_EQ(render_json(read), text);
}

TEST(JsonReport, IsDeterministicAndKeepsHostFieldsUnderHostInfo) {
  SuiteResult a = testing::fake_suite();
  EXPECT_EQ(render_json(a), render_json(testing::fake_suite()));
  SuiteResult b = a;
  b.host_info["generated_at"] = "2030-01-01T00:00:00Z";
  for (RunResult& run : b.runs) run.host_info["wall_s"] = "99";
  json ja = json::parse(render_json(a));
  json jb = json::parse(render_json(b));
  EXPECT_NE(ja, jb);
  for (json* doc : {&ja, &jb}) {
    doc->erase("host_info");
    for (json& run : (*doc)["runs"]) run.erase("host_info");
  }
  EXPECT_EQ(ja.dump(), jb.dump());
}

TEST(JsonReport, NonFiniteFiguresAreNullAndReadBackAsNan) {
  SuiteResult suite = testing::fake_suite();
  suite.runs[1].metrics["speedup"] = std::nan("");
  suite.runs[1].metrics["tokens_per_s"] = INFINITY;
  std::string text = render_json(suite);
  json doc = json::parse(text);
  EXPECT_TRUE(doc["runs"][1]["metrics"]["speedup"].is_null());
  EXPECT_TRUE(testing::validate_draft07(load_schema(), doc).empty());
  EXPECT_TRUE(std::isnan(parse_json(text).runs[1].metrics.at("tokens_per_s")));
}

Failure read_failure(const std::string& text) {
  try {
    parse_json(text);
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "parse_json accepted bad input";
  return {};
}

TEST(JsonReport, ReaderNamesThePathOfABadValue) {
  json doc = json::parse(render_json(testing::fake_suite()));
  json wrong_type = doc;
  wrong_type["runs"][1]["metrics"]["ttft_ms"] = "fast";
  Failure f = read_failure(wrong_type.dump());
  EXPECT_EQ(f.kind, "input");
  EXPECT_EQ(f.parameter, "$.runs[1].metrics.ttft_ms");
  json unknown = doc;
  unknown["runs"][0]["surprise"] = true;
  EXPECT_EQ(read_failure(unknown.dump()).parameter, "$.runs[0].surprise");
  json newer = doc;
  newer["schema_version"] = 2;
  EXPECT_EQ(read_failure(newer.dump()).parameter, "$.schema_version");
  std::string text = doc.dump();
  EXPECT_EQ(read_failure(text.substr(0, text.size() / 2)).parameter, "$") << "truncated file";
  EXPECT_EQ(read_failure("[]").parameter, "$");
}

TEST(JsonReport, MalformedUtf8InAMessageStillYieldsValidJson) {
  SuiteResult suite = testing::fake_suite();
  suite.runs[0].failure->message = "bad byte \xff here";
  json doc = json::parse(render_json(suite));
  EXPECT_EQ(doc["runs"][0]["failure"]["message"], "bad byte \xEF\xBF\xBD here");
}

}  // namespace
}  // namespace npusim::reports
