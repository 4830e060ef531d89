#include "sim/sweep_runner.h"

#include <iostream>
#include <numeric>

#include "reports/report_writers.h"
#include "sim/child_process.h"
#include "sim/scenario_runner.h"

namespace npusim::sim {
namespace {

// A point's outcome is its first run that did not end ok (functional before
// timing), else ok; its metrics are every run's, keyed MODE.METRIC.
SweepPoint point_from(const StudyHeader& study, size_t index, const std::vector<reports::RunResult>& runs) {
  SweepPoint p;
  p.index = index;
  p.labels = study.labels_of(index);
  p.outcome = "ok";
  for (const auto& r : runs) {
    for (const auto& [name, value] : r.metrics) p.metrics[r.mode + "." + name] = value;
    if (p.outcome == "ok" && r.outcome != "ok") {
      p.outcome = r.outcome;
      p.failure = r.failure;
    }
  }
  return p;
}

}  // namespace

SweepResult run_sweep(const Study& study, const SweepOptions& options) {
  std::vector<size_t> indices = options.points;
  if (indices.empty()) {
    indices.resize(study.header.point_count());
    std::iota(indices.begin(), indices.end(), size_t{0});
  }
  const RunOptions run_options{"", options.fidelity_override.empty() ? study.fidelity : options.fidelity_override};
  Study timed = study;
  timed.scenario.fidelity = run_options.fidelity_override;

  std::vector<ChildWork> work;
  for (size_t index : indices)
    work.push_back([&timed, index, run_options] {
      reports::SuiteResult part;
      part.runs = run_variant(timed.scenario, timed.point_variant(index), run_options);
      return reports::render_json(part);
    });

  SweepResult result;
  result.study = study.header;
  result.points.resize(indices.size());
  size_t done = 0;
  run_in_children(work, options.jobs, study.time_limit_s, [&](size_t i, const ChildOutcome& outcome) {
    const size_t index = indices[i];
    std::vector<reports::RunResult> runs;
    Failure lost;
    lost.kind = outcome.timed_out ? "timeout" : "crashed";
    lost.message = outcome.error;
    if (outcome.finished) {
      try {
        runs = reports::parse_json(outcome.reply).runs;
      } catch (const FailureError& e) {
        lost.message = "unreadable result: " + e.failure().message;
      }
    }
    SweepPoint p = point_from(study.header, index, runs);
    if (runs.empty()) {
      p.outcome = lost.kind;
      p.failure = lost;
    }
    std::string where;
    for (size_t a = 0; a < p.labels.size(); ++a) where += (a ? " " : "") + study.header.axis_names[a] + "=" + p.labels[a];
    std::cout << "[" << ++done << "/" << indices.size() << "] point " << index << " (" << where << "): " << p.outcome
              << (p.failure ? " " + p.signature() : "") << "\n" << std::flush;
    result.points[i] = std::move(p);
  });
  return result;
}

}  // namespace npusim::sim
