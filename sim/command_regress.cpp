// `npusim regress [SUITE]` and `npusim run SCENARIO`: run scenario variants in
// child processes, check expectations and baselines, write the reports.
#include <thread>

#include "regressions/regression_runner.h"
#include "regressions/suite.h"
#include "sim/cli_options.h"

namespace npusim::sim {
namespace {
constexpr const char* kDefaultSuite = NPUSIM_SOURCE_DIR "/regressions/seed_suite.yaml";

void add_common_options(po::options_description& options, regressions::RegressOptions& ro) {
  options.add_options()("report-dir", po::value(&ro.report_dir)->default_value("reports-out"), "where reports go")(
      "jobs,j", po::value(&ro.jobs)->default_value(1), "variants run at once (child processes)")(
      "fidelity", po::value(&ro.fidelity_override), "systemc | analytic (default: each scenario's own)")(
      "variant", po::value(&ro.only_variants)->composing(), "run only this variant (repeatable)");
}

void check_common(const regressions::RegressOptions& ro) {
  if (ro.jobs < 1) throw UsageError("--jobs must be at least 1");
  if (!ro.fidelity_override.empty() && ro.fidelity_override != "systemc" && ro.fidelity_override != "analytic")
    throw UsageError("--fidelity must be systemc or analytic, not '" + ro.fidelity_override + "'");
}
}  // namespace

int command_regress(const Args& args) {
  return guarded("regress", [&] {
    po::options_description options("options");
    regressions::RegressOptions ro;
    std::string suite_file;
    options.add_options()("suite", po::value(&suite_file)->default_value(kDefaultSuite), "suite YAML")(
        "update-baselines", po::bool_switch(&ro.update_baselines), "rewrite the suite's baselines from this run");
    add_common_options(options, ro);
    po::positional_options_description positional;
    positional.add("suite", 1);
    po::variables_map vm;
    if (!parse_command_line("regress", "[SUITE.yaml] --report-dir DIR [-j N] [--update-baselines]", args, options,
                            positional, vm))
      return kExitOk;
    check_common(ro);
    if (ro.update_baselines && !ro.only_variants.empty())
      throw UsageError("--update-baselines rewrites whole scenarios' baselines: run every variant (drop --variant)");
    return regressions::run_suite(regressions::load_suite(suite_file), ro);
  });
}

int command_run(const Args& args) {
  return guarded("run", [&] {
    po::options_description options("options");
    regressions::RegressOptions ro;
    std::string scenario_file;
    options.add_options()("scenario", po::value(&scenario_file)->required(), "scenario YAML");
    add_common_options(options, ro);
    po::positional_options_description positional;
    positional.add("scenario", 1);
    po::variables_map vm;
    if (!parse_command_line("run", "SCENARIO.yaml --report-dir DIR [-j N] [--variant NAME]...", args, options,
                            positional, vm))
      return kExitOk;
    check_common(ro);
    return regressions::run_suite(regressions::single_scenario_suite(scenario_file), ro);
  });
}

}  // namespace npusim::sim
