// `npusim merge DIR... --report-dir OUT`: one study report from the sweep.json
// of each shard's report directory, identical to the unsharded run's.
#include <iostream>

#include "sim/cli_options.h"
#include "sim/sweep_report.h"
#include "sim/sweep_result.h"

namespace npusim::sim {

int command_merge(const Args& args) {
  return guarded("merge", [&] {
    po::options_description options("options");
    std::vector<std::string> dirs;
    std::string report_dir;
    options.add_options()("dirs", po::value(&dirs)->multitoken()->required(), "shard report directories")(
        "report-dir", po::value(&report_dir)->default_value("sweep-out"), "where the merged report goes");
    po::positional_options_description positional;
    positional.add("dirs", -1);
    po::variables_map vm;
    if (!parse_command_line("merge", "DIR... --report-dir OUT", args, options, positional, vm)) return kExitOk;
    std::vector<SweepResult> parts;
    for (const auto& d : dirs) parts.push_back(read_sweep_json(std::filesystem::path(d) / "sweep.json"));
    const SweepResult merged = merge_sweep_results(parts);
    const SweepFiles files = write_sweep_reports(merged, report_dir);
    std::cout << merged.study.id << ": " << merged.points.size() << " points from " << parts.size()
              << " shard(s)\nreports: " << files.json.string() << ", " << files.csv.string() << ", "
              << files.html.string() << "\n";
    return kExitOk;
  });
}

}  // namespace npusim::sim
