#include "sim/expectations.h"

#include <fmt/format.h>

namespace npusim::sim {
namespace {
using reports::ExpectationResult;
using reports::RunResult;

std::string signature_text(const scenarios::FailureSignature& signature) {
  std::string out;
  for (const auto& [field, value] : signature) out += (out.empty() ? "" : ", ") + field + "=" + value;
  return out;
}

std::string failure_text(const RunResult& run) {
  if (!run.failure) return run.outcome;
  const Failure& f = *run.failure;
  return fmt::format("{} kind={} op={} parameter={} rule={} at {}", run.outcome, f.kind, f.op, f.parameter,
                     f.rule, f.where);
}

std::string bounds_text(const std::optional<double>& min, const std::optional<double>& max) {
  if (min && max) return fmt::format("in [{:g}, {:g}]", *min, *max);
  if (min) return fmt::format(">= {:g}", *min);
  if (max) return fmt::format("<= {:g}", *max);
  return "present";
}

bool within(double value, const std::optional<double>& min, const std::optional<double>& max) {
  return (!min || value >= *min) && (!max || value <= *max);
}

RunResult* find_run(std::vector<RunResult>& runs, const std::string& variant, const std::string& mode) {
  for (auto& r : runs)
    if (r.variant == variant && r.mode == mode) return &r;
  return nullptr;
}

// "timing.tpot_ms" -> ("timing", "tpot_ms")
std::pair<std::string, std::string> split_metric(const std::string& metric) {
  const auto dot = metric.find('.');
  return {metric.substr(0, dot), metric.substr(dot + 1)};
}
}  // namespace

bool failure_matches(const Failure& failure, const scenarios::FailureSignature& signature) {
  for (const auto& [field, want] : signature) {
    if (field == "kind" && failure.kind != want) return false;
    if (field == "op" && failure.op != want) return false;
    if (field == "parameter" && failure.parameter != want) return false;
    if (field == "parameter_contains" && failure.parameter.find(want) == std::string::npos) return false;
    if (field == "rule" && failure.rule != want) return false;
    if (field == "phase" && failure.where.find("(" + want + ")") == std::string::npos) return false;
    if (field == "message_contains" && failure.message.find(want) == std::string::npos) return false;
  }
  return true;
}

void check_expectations(const scenarios::Variant& variant, std::vector<RunResult>& runs) {
  const auto& expect = variant.expect;
  for (auto& run : runs) {
    ExpectationResult outcome;
    outcome.description = "outcome " + expect.outcome;
    if (expect.failure) outcome.description += " with " + signature_text(*expect.failure);
    outcome.passed = run.outcome == expect.outcome &&
                     (!expect.failure || (run.failure && failure_matches(*run.failure, *expect.failure)));
    outcome.detail = "observed " + failure_text(run);
    run.expectations.push_back(outcome);
  }
  for (const auto& bound : expect.metrics) {
    const auto [mode, name] = split_metric(bound.metric);
    ExpectationResult result;
    result.description = fmt::format("{} {} ({})", bound.metric, bounds_text(bound.min, bound.max), bound.mark.to_string());
    RunResult* run = find_run(runs, variant.name, mode);
    if (!run) {
      result.detail = "no " + mode + " run in this variant";
      if (!runs.empty()) runs.front().expectations.push_back(result);
      continue;
    }
    auto it = run->metrics.find(name);
    if (it == run->metrics.end()) {
      result.detail = "metric not produced (outcome " + run->outcome + ")";
    } else {
      result.passed = within(it->second, bound.min, bound.max);
      result.detail = fmt::format("observed {:g}", it->second);
    }
    run->expectations.push_back(result);
  }
}

void check_comparisons(const scenarios::Scenario& scenario, std::vector<RunResult>& runs) {
  for (const auto& c : scenario.comparisons) {
    const auto [mode, name] = split_metric(c.metric);
    ExpectationResult result;
    result.description = fmt::format("{}: {} of {} / {} {}", c.name, c.metric, c.variant, c.baseline_variant,
                                     bounds_text(c.min, c.max));
    RunResult* run = find_run(runs, c.variant, mode);
    RunResult* base = find_run(runs, c.baseline_variant, mode);
    if (!run || !base) {
      result.detail = "missing " + mode + " run of " + (run ? c.baseline_variant : c.variant);
      if (run) run->expectations.push_back(result);
      else if (!runs.empty()) runs.front().expectations.push_back(result);
      continue;
    }
    auto a = run->metrics.find(name);
    auto b = base->metrics.find(name);
    if (a == run->metrics.end() || b == base->metrics.end() || b->second == 0) {
      result.detail = "metric " + name + " missing or zero in one of the runs";
    } else {
      const double ratio = a->second / b->second;
      run->metrics[c.name] = ratio;
      result.passed = within(ratio, c.min, c.max);
      result.detail = fmt::format("{:g} / {:g} = {:.4g}", a->second, b->second, ratio);
    }
    run->expectations.push_back(result);
  }
}

}  // namespace npusim::sim
