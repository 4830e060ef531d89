// `npusim check`: will a model (or a recorded stream) hit an operator
// constraint on a device? Prints the tp x phase matrix, optionally as JSON.
// Exit 1 when a combination violates a declared constraint (a simulated OOM of
// the fixed engine is reported but is a capacity question, not a constraint).
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "op_stream/op_stream.h"
#include "sim/cli_options.h"
#include "sim/constraint_check.h"

namespace npusim::sim {
namespace {
using nlohmann::json;

template <typename T>
std::vector<T> split_list(const std::string& text, const std::string& option) {
  std::vector<T> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::istringstream parse(item);
    T value{};
    if (!(parse >> value) || !parse.eof()) throw UsageError(option + ": bad list item '" + item + "'");
    out.push_back(value);
  }
  if (out.empty()) throw UsageError(option + " needs at least one value");
  return out;
}

// A tp the model cannot be split by is not a constraint of the device.
bool not_applicable(const CheckCell& c) {
  return c.scan_failure && (c.scan_failure->kind == "config" || c.scan_failure->kind == "input");
}

std::string verdict(const CheckCell& c) {
  if (not_applicable(c)) return "n/a";
  if (c.scan_failure) return "stopped: " + c.scan_failure->kind;
  if (c.violations.empty()) return "ok";
  return std::to_string(c.violations.size()) + (c.violations.size() == 1 ? " violation" : " violations");
}

std::string fixed_text(const CheckCell& c) {
  if (not_applicable(c)) return "-";
  if (!c.fixed_failure) return c.fixed_outcome;
  return c.fixed_failure->kind == "oom" ? "OOM" : "failed: " + c.fixed_failure->kind;
}

std::string gib(double v) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << v;
  return out.str();
}

std::string ms(double v) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(3) << v << " ms";
  return out.str();
}

void print_matrix(const std::vector<CheckCell>& cells, std::ostream& out) {
  out << std::left << std::setw(5) << "tp" << std::setw(9) << "phase" << std::setw(22) << "constraints"
      << std::setw(18) << "fixed engine" << "memory (GiB needed / device)\n";
  for (const auto& c : cells)
    out << std::setw(5) << (c.tp ? std::to_string(c.tp) : "-") << std::setw(9) << c.phase << std::setw(22)
        << verdict(c) << std::setw(18) << fixed_text(c)
        << (not_applicable(c) ? "-" : gib(c.memory_peak_gib) + " / " + gib(c.memory_capacity_gib)) << "\n";
  for (const auto& c : cells) {
    const std::string cell = c.tp ? "tp " + std::to_string(c.tp) + " " + c.phase : c.phase;
    if (c.scan_failure) out << "\n" << cell << ": " << c.scan_failure->to_string() << "\n";
    for (const auto& v : c.violations) {
      const Failure& f = v.failure;
      out << "\n" << cell << ": " << f.op << " " << f.parameter << " = " << f.value << " violates " << f.rule
          << " (" << v.occurrences << " op" << (v.occurrences == 1 ? "" : "s") << ", first: " << f.where << ")\n"
          << "  " << f.message << "\n  fix: "
          << (v.suggested_value ? f.parameter + " " + f.value + " -> " + std::to_string(*v.suggested_value) + "; " : "")
          << f.hint << "\n";
      if (c.fixed_step_ms && c.unfixed_step_ms)
        out << "  the fixed engine's " << (c.phase == "decode" ? "decode step" : "prefill") << ": "
            << ms(*c.fixed_step_ms) << " vs " << ms(*c.unfixed_step_ms)
            << " on a device without the rule (x" << std::setprecision(3) << *c.fixed_step_ms / *c.unfixed_step_ms
            << ", analytic timing)\n";
    }
    if (c.fixed_failure && !not_applicable(c)) out << "\n" << cell << " fixed engine: " << c.fixed_failure->to_string() << "\n";
  }
}

json failure_json(const Failure& f) {
  return {{"kind", f.kind}, {"op", f.op},     {"parameter", f.parameter}, {"value", f.value},
          {"rule", f.rule}, {"message", f.message}, {"hint", f.hint},   {"where", f.where}};
}

json optional_number(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json(*v) : json(nullptr);
}

json cell_json(const CheckCell& c) {
  json violations = json::array();
  for (const auto& v : c.violations) {
    json j = failure_json(v.failure);
    j["phase"] = v.phase;
    j["occurrences"] = v.occurrences;
    j["suggested_value"] = v.suggested_value ? json(*v.suggested_value) : json(nullptr);
    violations.push_back(std::move(j));
  }
  const bool costed = c.fixed_step_ms && c.unfixed_step_ms && *c.unfixed_step_ms > 0;
  return {{"tp", c.tp},
          {"phase", c.phase},
          {"verdict", not_applicable(c) ? "not_applicable" : c.constraint_ok() ? "ok" : "violations"},
          {"violations", violations},
          {"scan_failure", c.scan_failure ? failure_json(*c.scan_failure) : json(nullptr)},
          {"fixed_engine", {{"outcome", c.fixed_outcome},
                            {"failure", c.fixed_failure ? failure_json(*c.fixed_failure) : json(nullptr)}}},
          {"memory", {{"needed_gib", c.memory_peak_gib}, {"capacity_gib", c.memory_capacity_gib}}},
          {"fix_cost", {{"fixed_step_ms", optional_number(c.fixed_step_ms)},
                        {"unfixed_step_ms", optional_number(c.unfixed_step_ms)},
                        {"ratio", costed ? json(*c.fixed_step_ms / *c.unfixed_step_ms) : json(nullptr)}}}};
}

}  // namespace

int command_check(const Args& args) {
  return guarded("check", [&] {
    po::options_description options("options");
    CheckOptions co;
    std::string model_path, stream_path, tps = "1,2,4,8,16", phases = "prefill,decode", json_path;
    options.add_options()("model", po::value(&model_path), "HF config.json (or a shipped model name)")(
        "stream", po::value(&stream_path), "check a recorded op stream (JSON Lines) instead of a model")(
        "tp", po::value(&tps)->default_value(tps), "tensor-parallel sizes, comma separated")(
        "phase", po::value(&phases)->default_value(phases), "prefill and/or decode, comma separated")(
        "device", po::value(&co.device)->default_value(co.device), "device preset or YAML")(
        "set", po::value(&co.overrides)->composing(), "override a preset key: KEY=VALUE (repeatable)")(
        "patch", po::value(&co.patches)->composing(), "ID=on|off for the fixed engine (repeatable)")(
        "batch", po::value(&co.workload.batch)->default_value(1), "sequences")(
        "seq", po::value(&co.workload.prompt_len)->default_value(128), "prompt tokens per sequence")(
        "steps", po::value(&co.workload.decode_steps)->default_value(2), "decode steps")(
        "dtype", po::value(&co.workload.dtype)->default_value("bfloat16"), "bfloat16 | float16")(
        "eager", "decode without the graph runner")(
        "json", po::value(&json_path), "also write the matrix as JSON here");
    po::positional_options_description positional;
    po::variables_map vm;
    if (!parse_command_line("check", "--model CONFIG.json | --stream FILE.jsonl [--tp 1,2,4] [--phase prefill,decode] "
                            "[--device PRESET] [--set K=V]... [--json FILE]", args, options, positional, vm))
      return kExitOk;
    if (model_path.empty() == stream_path.empty()) throw UsageError("give exactly one of --model and --stream");
    co.tps = split_list<int64_t>(tps, "--tp");
    co.phases = split_list<std::string>(phases, "--phase");
    for (const auto& p : co.phases)
      if (p != "prefill" && p != "decode") throw UsageError("--phase takes prefill and decode, not '" + p + "'");
    co.workload.use_graph = !vm.count("eager");

    std::vector<CheckCell> cells;
    json doc = {{"device", co.device}, {"overrides", co.overrides}};
    if (!model_path.empty()) {
      const engine::ModelConfig model = engine::load_model(model_path);
      cells = check_compatibility(model, co);
      doc["model"] = model.name;
      doc["workload"] = {{"batch", co.workload.batch}, {"prompt_len", co.workload.prompt_len},
                         {"decode_steps", co.workload.decode_steps}, {"dtype", co.workload.dtype},
                         {"use_graph", co.workload.use_graph}};
      std::cout << "npusim check: " << model.name << " on " << co.device << " (batch " << co.workload.batch
                << ", prompt " << co.workload.prompt_len << ", " << co.workload.decode_steps << " decode steps)\n\n";
    } else {
      cells.push_back(check_stream(read_op_stream_file(stream_path).records, co));
      doc["stream"] = stream_path;
      std::cout << "npusim check: " << stream_path << " on " << co.device << "\n\n";
    }
    print_matrix(cells, std::cout);

    bool ok = true;
    doc["cells"] = json::array();
    for (const auto& c : cells) {
      ok = ok && (c.constraint_ok() || not_applicable(c));
      doc["cells"].push_back(cell_json(c));
    }
    doc["ok"] = ok;
    if (!json_path.empty()) {
      std::ofstream out(json_path);
      out << doc.dump(2) << "\n";
      if (!out) throw UsageError("cannot write " + json_path);
    }
    std::cout << "\n" << (ok ? "no constraint violated" : "constraints violated (exit 1)") << "\n";
    return ok ? kExitOk : kExitSimulatedFailure;
  });
}

}  // namespace npusim::sim
