#include "sim/sweep_result.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace npusim::sim {
namespace {
using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw FailureError({"input", "merge", "", "", "", what, "", where});
}

json header_json(const StudyHeader& h) {
  json plots = json::array();
  for (const auto& p : h.plots) plots.push_back({{"kind", p.kind}, {"x", p.x}, {"y", p.y}, {"metric", p.metric}, {"ratio_to", p.ratio_to}});
  json axes = json::array();
  for (size_t a = 0; a < h.axis_names.size(); ++a) axes.push_back({{"name", h.axis_names[a]}, {"labels", h.axis_labels[a]}});
  return {{"id", h.id}, {"title", h.title}, {"description", h.description}, {"axes", axes},
          {"metrics", h.metrics}, {"plots", plots}, {"points_total", h.point_count()}};
}

StudyHeader header_from(const json& j) {
  StudyHeader h;
  h.id = j.at("id").get<std::string>();
  h.title = j.at("title").get<std::string>();
  h.description = j.at("description").get<std::string>();
  for (const auto& a : j.at("axes")) {
    h.axis_names.push_back(a.at("name").get<std::string>());
    h.axis_labels.push_back(a.at("labels").get<std::vector<std::string>>());
  }
  h.metrics = j.at("metrics").get<std::vector<std::string>>();
  for (const auto& p : j.at("plots"))
    h.plots.push_back({p.at("kind").get<std::string>(), p.at("x").get<std::string>(), p.at("y").get<std::string>(),
                       p.at("metric").get<std::string>(), p.at("ratio_to").get<std::string>()});
  return h;
}

json failure_json(const Failure& f) {
  return {{"kind", f.kind}, {"op", f.op},           {"parameter", f.parameter}, {"value", f.value},
          {"rule", f.rule}, {"message", f.message}, {"hint", f.hint},           {"where", f.where}};
}

Failure failure_from(const json& j) {
  return {j.at("kind"), j.at("op"), j.at("parameter"), j.at("value"),
          j.at("rule"), j.at("message"), j.at("hint"), j.at("where")};
}
}  // namespace

std::string SweepPoint::signature() const {
  if (!failure) return "";
  std::string s = failure->kind;
  for (const std::string* part : {&failure->op, &failure->parameter, &failure->rule})
    if (!part->empty()) s += " " + *part;
  return s;
}

std::string render_sweep_json(const SweepResult& result) {
  json points = json::array();
  for (const auto& p : result.points) {
    json metrics = json::object();
    for (const auto& [k, v] : p.metrics) metrics[k] = std::isfinite(v) ? json(v) : json(nullptr);
    points.push_back({{"index", p.index}, {"labels", p.labels}, {"outcome", p.outcome},
                      {"failure", p.failure ? failure_json(*p.failure) : json(nullptr)},
                      {"signature", p.signature()}, {"metrics", metrics}});
  }
  return json{{"schema", "npusim.sweep"}, {"version", 1}, {"study", header_json(result.study)}, {"points", points}}
             .dump(1) + "\n";
}

SweepResult read_sweep_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) bad(file.string(), "cannot read the sweep result");
  SweepResult r;
  try {
    const json j = json::parse(in);
    if (j.at("schema") != "npusim.sweep" || j.at("version") != 1) bad(file.string(), "not an npusim.sweep version 1 file");
    r.study = header_from(j.at("study"));
    for (const auto& p : j.at("points")) {
      SweepPoint point;
      point.index = p.at("index").get<size_t>();
      point.labels = p.at("labels").get<std::vector<std::string>>();
      point.outcome = p.at("outcome").get<std::string>();
      if (!p.at("failure").is_null()) point.failure = failure_from(p.at("failure"));
      for (const auto& [k, v] : p.at("metrics").items()) point.metrics[k] = v.is_null() ? NAN : v.get<double>();
      r.points.push_back(std::move(point));
    }
  } catch (const json::exception& e) {
    bad(file.string(), std::string("malformed sweep result: ") + e.what());
  }
  return r;
}

SweepResult merge_sweep_results(const std::vector<SweepResult>& parts) {
  if (parts.empty()) bad("", "nothing to merge");
  SweepResult merged;
  merged.study = parts.front().study;
  const std::string header = header_json(merged.study).dump();
  std::vector<std::optional<SweepPoint>> slots(merged.study.point_count());
  for (const auto& part : parts) {
    if (header_json(part.study).dump() != header)
      bad("", "shards of different studies (or of different versions of '" + merged.study.id + "')");
    for (const auto& p : part.points) {
      if (p.index >= slots.size()) bad("", "point " + std::to_string(p.index) + " is outside the study");
      if (slots[p.index]) bad("", "point " + std::to_string(p.index) + " is in two shards");
      slots[p.index] = p;
    }
  }
  std::ostringstream missing;
  size_t n_missing = 0;
  for (size_t i = 0; i < slots.size(); ++i)
    if (!slots[i] && n_missing++ < 10) missing << (n_missing > 1 ? ", " : "") << i;
  if (n_missing)
    bad("", std::to_string(n_missing) + " of " + std::to_string(slots.size()) + " points missing (" + missing.str() +
                (n_missing > 10 ? ", ..." : "") + "): merge every shard");
  for (auto& s : slots) merged.points.push_back(std::move(*s));
  return merged;
}

}  // namespace npusim::sim
