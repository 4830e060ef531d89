#include "sim/workload_settings.h"

#include <functional>
#include <map>

#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"

namespace npusim::sim {
namespace {
using scenarios::Setting;

[[noreturn]] void fail(const std::string& key, const Setting& s, const std::string& expected) {
  Failure f;
  f.kind = "input";
  f.op = "scenario";
  f.parameter = key;
  f.value = s.value;
  f.where = s.mark.to_string();
  f.message = "workload." + key + " is '" + s.value + "', expected " + expected;
  throw FailureError(f);
}

int64_t integer(const std::string& key, const Setting& s) {
  try {
    size_t used = 0;
    const long long v = std::stoll(s.value, &used);
    if (used == s.value.size()) return v;
  } catch (const std::exception&) {
  }
  fail(key, s, "an integer");
}

bool boolean(const std::string& key, const Setting& s) {
  if (s.value == "true" || s.value == "on") return true;
  if (s.value == "false" || s.value == "off") return false;
  fail(key, s, "true or false");
}

std::vector<int64_t> integers(const std::string& key, const Setting& s) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (start <= s.value.size()) {
    const size_t comma = s.value.find(',', start);
    const std::string part = s.value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    out.push_back(integer(key, {part, s.mark}));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

using Apply = std::function<void(engine::Workload&, const std::string&, const Setting&)>;

const std::map<std::string, Apply>& appliers() {
  static const std::map<std::string, Apply> table = {
      {"phase", [](auto& w, auto&, auto& s) { w.phase = s.value; }},
      {"batch", [](auto& w, auto& k, auto& s) { w.batch = integer(k, s); }},
      {"prompt_len", [](auto& w, auto& k, auto& s) { w.prompt_len = integer(k, s); }},
      {"decode_steps", [](auto& w, auto& k, auto& s) { w.decode_steps = integer(k, s); }},
      {"tp", [](auto& w, auto& k, auto& s) { w.tp = integer(k, s); }},
      {"dtype", [](auto& w, auto&, auto& s) { w.dtype = s.value; }},
      {"use_graph", [](auto& w, auto& k, auto& s) { w.use_graph = boolean(k, s); }},
      {"seed", [](auto& w, auto& k, auto& s) { w.seed = static_cast<uint64_t>(integer(k, s)); }},
      {"quantization", [](auto& w, auto&, auto& s) { w.quantization = s.value; }},
      {"spec.method", [](auto& w, auto&, auto& s) { w.spec.method = s.value; }},
      {"spec.draft_model", [](auto& w, auto&, auto& s) { w.spec.draft_model = s.value; }},
      {"spec.num_steps", [](auto& w, auto& k, auto& s) { w.spec.num_steps = integer(k, s); }},
      {"spec.draft_quantization", [](auto& w, auto&, auto& s) { w.spec.draft_quantization = s.value; }},
      {"spec.accepted_per_step", [](auto& w, auto& k, auto& s) { w.spec.accepted_per_step = integers(k, s); }},
      {"spec.requests", [](auto& w, auto& k, auto& s) { w.spec.requests = integer(k, s); }},
  };
  return table;
}
}  // namespace

engine::Workload workload_from_settings(const scenarios::Settings& settings) {
  engine::Workload w;
  std::vector<std::string> known;
  for (const auto& [key, _] : appliers()) known.push_back(key);
  for (const auto& [key, setting] : settings) {
    auto it = appliers().find(key);
    if (it == appliers().end()) {
      Failure f;
      f.kind = "input";
      f.op = "scenario";
      f.parameter = key;
      f.where = setting.mark.to_string();
      f.message = "unknown workload key '" + key + "'" + did_you_mean(key, known);
      throw FailureError(f);
    }
    it->second(w, key, setting);
  }
  try {
    w.validate();
  } catch (const FailureError& e) {
    Failure f = e.failure();
    auto it = settings.find(f.parameter);
    if (it != settings.end()) f.where = it->second.mark.to_string();
    f.kind = "input";
    throw FailureError(f);
  }
  return w;
}

}  // namespace npusim::sim
