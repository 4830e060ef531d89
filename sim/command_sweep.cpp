// `npusim sweep STUDY.yaml`: runs a study's points (or one shard of them) in
// child processes and writes sweep.json, sweep.csv and sweep.html. Failed
// points are results of the study, not errors: exit 1 only when a point
// crashed or timed out.
#include <algorithm>
#include <iostream>

#include "sim/cli_options.h"
#include "sim/sweep_report.h"
#include "sim/sweep_runner.h"
#include "sim/sweep_study.h"

namespace npusim::sim {

int command_sweep(const Args& args) {
  return guarded("sweep", [&] {
    po::options_description options("options");
    std::string study_file, report_dir, shard;
    SweepOptions so;
    options.add_options()("study", po::value(&study_file)->required(), "study YAML (docs/STUDIES.md)")(
        "report-dir", po::value(&report_dir)->default_value("sweep-out"), "where sweep.{json,csv,html} go")(
        "jobs,j", po::value(&so.jobs)->default_value(1), "points run at once (child processes)")(
        "shard", po::value(&shard), "K/N: run only points with index % N == K-1 (merge with npusim merge)")(
        "fidelity", po::value(&so.fidelity_override), "systemc | analytic (default: the study's, analytic)");
    po::positional_options_description positional;
    positional.add("study", 1);
    po::variables_map vm;
    if (!parse_command_line("sweep", "STUDY.yaml --report-dir DIR [-j N] [--shard K/N]", args, options, positional, vm))
      return kExitOk;
    if (so.jobs < 1) throw UsageError("--jobs must be at least 1");
    if (!so.fidelity_override.empty() && so.fidelity_override != "systemc" && so.fidelity_override != "analytic")
      throw UsageError("--fidelity must be systemc or analytic");
    const Study study = load_study(study_file);
    if (!shard.empty()) so.points = shard_points(study.header.point_count(), shard);
    const size_t n = shard.empty() ? study.header.point_count() : so.points.size();
    std::cout << study.header.id << ": " << n << " of " << study.header.point_count() << " points"
              << (shard.empty() ? "" : " (shard " + shard + ")") << ", " << so.jobs << " at a time" << std::endl;
    const SweepResult result = run_sweep(study, so);
    const SweepFiles files = write_sweep_reports(result, report_dir);
    const auto lost = std::count_if(result.points.begin(), result.points.end(), [](const SweepPoint& p) {
      return p.outcome == "crashed" || p.outcome == "timeout";
    });
    const auto failed = std::count_if(result.points.begin(), result.points.end(),
                                      [](const SweepPoint& p) { return p.outcome == "failed"; });
    std::cout << failed << " point(s) failed in simulation, " << lost << " crashed or timed out\nreports: "
              << files.json.string() << ", " << files.csv.string() << ", " << files.html.string() << "\n";
    return lost ? kExitSimulatedFailure : kExitOk;
  });
}

}  // namespace npusim::sim
