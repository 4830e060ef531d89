#include "regressions/regression_runner.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "op_stream/failure.h"
#include "regressions/baseline.h"
#include "regressions/progress_display.h"
#include "reports/report_writers.h"
#include "scenarios/scenario.h"
#include "sim/child_process.h"
#include "sim/expectations.h"
#include "sim/scenario_runner.h"

namespace npusim::regressions {
namespace {
namespace fs = std::filesystem;
using reports::RunResult;

struct Item {
  const scenarios::Scenario* scenario;
  const scenarios::Variant* variant;
  std::string label() const { return scenario->id + " / " + variant->name; }
};

std::string status_of(const std::vector<RunResult>& runs) {
  std::string out;
  for (const auto& r : runs) {
    out += (out.empty() ? "" : ", ") + r.mode + " " + r.outcome;
    if (r.failure && r.outcome == "failed") out += " (" + r.failure->kind + (r.failure->rule.empty() ? "" : " " + r.failure->rule) + ")";
  }
  const bool met = std::all_of(runs.begin(), runs.end(), [](const RunResult& r) { return r.expectations_met(); });
  return out + (met ? "  expectations met" : "  EXPECTATION NOT MET");
}

bool selected(const RegressOptions& options, const std::string& variant) {
  const auto& only = options.only_variants;
  return only.empty() || std::find(only.begin(), only.end(), variant) != only.end();
}

// A --variant naming no variant would run nothing and pass.
void check_variant_names(const std::vector<scenarios::Scenario>& scenarios, const std::vector<std::string>& names) {
  std::vector<std::string> known;
  for (const auto& s : scenarios)
    for (const auto& v : s.variants)
      if (std::find(known.begin(), known.end(), v.name) == known.end()) known.push_back(v.name);
  for (const auto& name : names)
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw FailureError({"input", "--variant", "variant", name, "", "no scenario of the suite has variant '" + name + "'",
                          fmt::format("pick one of: {}", fmt::join(known, ", ")), ""});
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buffer;
}
}  // namespace

int run_suite(const Suite& suite, const RegressOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<scenarios::Scenario> loaded;
  loaded.reserve(suite.scenario_files.size());
  for (const auto& file : suite.scenario_files) loaded.push_back(scenarios::load_scenario(file));

  check_variant_names(loaded, options.only_variants);
  std::vector<Item> items;
  for (const auto& s : loaded)
    for (const auto& v : s.variants) {
      if (!selected(options, v.name)) continue;
      sim::validate_variant(s, v);  // bad input stops here, before any child runs
      items.push_back({&s, &v});
    }

  const fs::path report_dir = options.report_dir;
  sim::RunOptions run_options{report_dir, options.fidelity_override};
  std::vector<sim::ChildWork> work;
  for (const auto& item : items)
    work.push_back([item, run_options] {
      reports::SuiteResult part;
      part.runs = sim::run_variant(*item.scenario, *item.variant, run_options);
      return reports::render_json(part);
    });

  std::vector<std::vector<RunResult>> results(items.size());
  ProgressDisplay progress(items.size());
  sim::run_in_children(work, options.jobs, suite.time_limit_s, [&](size_t i, const sim::ChildOutcome& outcome) {
    const Item& item = items[i];
    if (outcome.finished) {
      try {
        results[i] = reports::parse_json(outcome.reply).runs;
      } catch (const FailureError& e) {
        results[i] = sim::crashed_variant(*item.scenario, *item.variant, "crashed", "unreadable result: " + e.failure().message);
      }
    } else {
      results[i] = sim::crashed_variant(*item.scenario, *item.variant, outcome.timed_out ? "timeout" : "crashed", outcome.error);
    }
    for (auto& r : results[i]) r.host_info["wall_s"] = std::to_string(outcome.wall_s);
    progress.finished(item.label(), status_of(results[i]), outcome.wall_s);
  }, [&](size_t i) { progress.started(items[i].label()); });
  progress.done();

  reports::SuiteResult suite_result;
  suite_result.name = suite.name;
  for (auto& runs : results)
    for (auto& r : runs) suite_result.runs.push_back(std::move(r));

  for (const auto& s : loaded) {
    std::vector<RunResult> scenario_runs;
    std::vector<size_t> positions;
    for (size_t i = 0; i < suite_result.runs.size(); ++i)
      if (suite_result.runs[i].scenario == s.id) {
        scenario_runs.push_back(suite_result.runs[i]);
        positions.push_back(i);
      }
    // With --variant, a comparison is checked only when both of its variants ran.
    scenarios::Scenario compared = s;
    compared.comparisons.erase(std::remove_if(compared.comparisons.begin(), compared.comparisons.end(),
                                              [&](const scenarios::Comparison& c) {
                                                return !selected(options, c.variant) ||
                                                       !selected(options, c.baseline_variant);
                                              }),
                               compared.comparisons.end());
    sim::check_comparisons(compared, scenario_runs);
    std::vector<RunResult*> pointers;
    for (size_t k = 0; k < positions.size(); ++k) {
      suite_result.runs[positions[k]] = std::move(scenario_runs[k]);
      pointers.push_back(&suite_result.runs[positions[k]]);
    }
    if (suite.baseline_dir.empty()) continue;
    if (options.update_baselines) {
      std::cout << "baseline written: " << write_baseline(suite, s.id, pointers) << "\n";
    } else if (!compare_with_baseline(suite, s.id, pointers)) {
      std::cout << "no baseline for " << s.id << " (run with --update-baselines and review the diff)\n";
    }
  }

  suite_result.host_info["generated_at"] = now_utc();
  suite_result.host_info["wall_time_s"] =
      std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  suite_result.host_info["jobs"] = std::to_string(options.jobs);
  const auto files = reports::write_reports(suite_result, report_dir);
  const auto t = reports::totals(suite_result);
  std::cout << "\n" << suite.name << ": " << t.runs_meeting_expectations << "/" << t.runs
            << " runs met their expectations (" << t.expectations_passed << "/" << t.expectations << " checks)\n"
            << "reports: " << files.markdown.string() << ", " << files.json.string() << ", " << files.junit.string()
            << ", " << files.html.string() << ", " << (report_dir / "traces").string() << "/\n";
  return t.all_met() ? 0 : 1;
}

}  // namespace npusim::regressions
