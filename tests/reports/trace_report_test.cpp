// The Perfetto trace: named process and tracks in reading order, one "X" event
// per timeline span in microseconds, and no two events of one track that
// overlap without nesting (trace viewers draw those wrongly).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "reports/report_writers.h"
#include "tests/support/fake_runs.h"

namespace npusim::reports {
namespace {

using nlohmann::json;

struct Trace {
  std::map<int, std::string> thread_names;
  std::map<int, int> sort_index;
  std::string process_name;
  std::vector<json> complete;  // "X" events
};

Trace read_trace(const std::string& text) {
  json doc = json::parse(text);
  Trace t;
  for (const json& e : doc.at("traceEvents")) {
    EXPECT_EQ(e.at("pid"), 1);
    if (e.at("ph") == "M" && e.at("name") == "process_name") t.process_name = e["args"]["name"];
    if (e.at("ph") == "M" && e.at("name") == "thread_name") t.thread_names[e["tid"]] = e["args"]["name"];
    if (e.at("ph") == "M" && e.at("name") == "thread_sort_index") t.sort_index[e["tid"]] = e["args"]["sort_index"];
    if (e.at("ph") == "X") t.complete.push_back(e);
  }
  return t;
}

TEST(TraceReport, NamesTheProcessAndTracksInReadingOrder) {
  RunResult run = testing::fake_suite().runs[1];
  Trace t = read_trace(render_trace(run));
  EXPECT_EQ(t.process_name, "sglang-21408-glm47-flash-heads / fix / functional on ascend-910b2");
  std::vector<std::string> by_sort_index;
  std::map<int, std::string> ordered;
  for (const auto& [tid, index] : t.sort_index) ordered[index] = t.thread_names.at(tid);
  for (const auto& [index, name] : ordered) by_sort_index.push_back(name);
  EXPECT_EQ(by_sort_index, (std::vector<std::string>{"host", "stream 0", "stream 2", "stream 10", "cube cores",
                                                     "cube cores (2)", "vector cores"}));
}

TEST(TraceReport, HasOneCompleteEventPerSpanInMicroseconds) {
  RunResult run = testing::fake_suite().runs[1];
  Trace t = read_trace(render_trace(run));
  ASSERT_EQ(t.complete.size(), run.timeline.size());
  bool found_fia = false;
  for (const json& e : t.complete) {
    if (e["name"] == "FusedInferAttentionScore" && t.thread_names.at(e["tid"]) == "stream 0") {
      found_fia = true;
      EXPECT_DOUBLE_EQ(e["ts"].get<double>(), 12.0);
      EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 20.0);
      EXPECT_EQ(e["cat"], "attention");
      EXPECT_EQ(e["args"]["layer"], 0);
      EXPECT_EQ(e["args"]["phase"], "decode");
    }
  }
  EXPECT_TRUE(found_fia);
}

TEST(TraceReport, EventsOfOneTrackNestOrFollowEachOther) {
  RunResult run = testing::fake_suite().runs[1];
  Trace t = read_trace(render_trace(run));
  for (size_t i = 0; i < t.complete.size(); ++i) {
    for (size_t j = 0; j < t.complete.size(); ++j) {
      const json& a = t.complete[i];
      const json& b = t.complete[j];
      if (i == j || a["tid"] != b["tid"]) continue;
      double a0 = a["ts"], a1 = a0 + a["dur"].get<double>();
      double b0 = b["ts"], b1 = b0 + b["dur"].get<double>();
      bool partial_overlap = a0 < b0 && b0 < a1 && a1 < b1;
      EXPECT_FALSE(partial_overlap) << a.dump() << " vs " << b.dump();
    }
  }
  // The nested Softmax stays on the vector track with the FIA span holding it.
  for (const json& e : t.complete) {
    if (e["name"] == "Softmax") {
      EXPECT_EQ(t.thread_names.at(e["tid"]), "vector cores");
    }
  }
}

TEST(TraceReport, FileNameIsSafeForAnyScenarioName) {
  RunResult run = testing::fake_suite().runs[1];
  run.scenario = "../etc/pass wd";
  EXPECT_EQ(trace_file_name(run), ".._etc_pass_wd.fix.functional.trace.json");
}

}  // namespace
}  // namespace npusim::reports
