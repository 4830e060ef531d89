// Chrome/Perfetto trace of one run's simulated timeline (Trace Event Format:
// "X" complete events, "M" metadata naming the process and its tracks).
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "reports/atomic_file.h"
#include "reports/report_writers.h"
#include "reports/run_labels.h"

namespace npusim::reports {
namespace {

using nlohmann::json;

constexpr std::string_view kTraceDir = "traces";
constexpr double kNsPerUs = 1000.0;
constexpr int kPid = 1;

// Tracks in the order a reader scans them: the host that launches, the streams
// it launches on, then the cores that execute.
int track_rank(const std::string& track) {
  if (track == "host") return 0;
  if (track.rfind("stream", 0) == 0) return 1;
  if (track == "cube cores") return 2;
  if (track == "vector cores") return 3;
  return 4;
}

// "stream 10" after "stream 2".
bool track_before(const std::string& a, const std::string& b) {
  int ra = track_rank(a), rb = track_rank(b);
  if (ra != rb) return ra < rb;
  if (a.size() != b.size() && ra == 1) return a.size() < b.size();
  return a < b;
}

// A trace viewer draws the "X" events of one thread as a stack, so spans on a
// track that overlap without nesting (two streams sharing the cube cores) go to
// extra lanes of that track instead of corrupting the stack.
struct Lane {
  std::string track;
  int index;                       // 0: the track itself, 1..: overflow lanes
  std::vector<double> open_ends_ns;  // ends of the spans enclosing the next one

  // Takes the span if it nests in or follows what the lane holds.
  bool take(double start_ns, double end_ns) {
    while (!open_ends_ns.empty() && open_ends_ns.back() <= start_ns) open_ends_ns.pop_back();
    if (!open_ends_ns.empty() && end_ns > open_ends_ns.back()) return false;
    open_ends_ns.push_back(end_ns);
    return true;
  }
};

std::string lane_name(const Lane& lane) {
  return lane.index == 0 ? lane.track : lane.track + " (" + std::to_string(lane.index + 1) + ")";
}

}  // namespace

std::string render_trace(const RunResult& run) {
  std::vector<size_t> order(run.timeline.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const TimelineSpan& x = run.timeline[a];
    const TimelineSpan& y = run.timeline[b];
    if (x.track != y.track) return track_before(x.track, y.track);
    if (x.start_ns != y.start_ns) return x.start_ns < y.start_ns;
    return x.duration_ns > y.duration_ns;  // parents before the spans they contain
  });

  std::vector<Lane> lanes;
  json events = json::array();
  for (size_t i : order) {
    const TimelineSpan& span = run.timeline[i];
    double end_ns = span.start_ns + std::max(0.0, span.duration_ns);
    auto lane = std::find_if(lanes.begin(), lanes.end(), [&](Lane& l) {
      return l.track == span.track && l.take(span.start_ns, end_ns);
    });
    if (lane == lanes.end()) {
      int index = static_cast<int>(std::count_if(lanes.begin(), lanes.end(),
                                                 [&](const Lane& l) { return l.track == span.track; }));
      lanes.push_back({span.track, index, {end_ns}});
      lane = lanes.end() - 1;
    }
    json args = json::object();
    if (span.layer >= 0) args["layer"] = span.layer;
    if (!span.phase.empty()) args["phase"] = span.phase;
    events.push_back({{"name", span.name},
                      {"cat", span.category.empty() ? std::string("other") : span.category},
                      {"ph", "X"},
                      {"pid", kPid},
                      {"tid", static_cast<int>(lane - lanes.begin()) + 1},
                      {"ts", span.start_ns / kNsPerUs},
                      {"dur", std::max(0.0, span.duration_ns) / kNsPerUs},
                      {"args", args}});
  }

  json metadata = json::array();
  metadata.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", 0},
                      {"args", {{"name", run_label(run) + " on " + run.device}}}});
  for (size_t i = 0; i < lanes.size(); ++i) {
    int tid = static_cast<int>(i) + 1;
    metadata.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid},
                        {"args", {{"name", lane_name(lanes[i])}}}});
    metadata.push_back({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid},
                        {"args", {{"sort_index", tid}}}});
  }
  for (auto& e : events) metadata.push_back(std::move(e));
  json doc = {{"traceEvents", metadata},
              {"displayTimeUnit", "ns"},
              {"otherData", {{"scenario", run.scenario}, {"variant", run.variant}, {"mode", run.mode},
                             {"model", run.model}, {"device", run.device}}}};
  // Compact: traces of long runs hold ~10^5 events and nobody reads them raw.
  return doc.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string trace_file_name(const RunResult& run) {
  std::string name = run.scenario + "." + run.variant + "." + run.mode;
  for (char& c : name) {
    bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (!safe) c = '_';
  }
  return name + ".trace.json";
}

std::string write_trace(const RunResult& run, const std::filesystem::path& report_dir) {
  std::string relative = std::string(kTraceDir) + "/" + trace_file_name(run);
  write_file_atomically(report_dir / relative, render_trace(run));
  return relative;
}

std::string trace_path(const RunResult& run) {
  if (!run.trace_file.empty()) return run.trace_file;
  return run.timeline.empty() ? "" : std::string(kTraceDir) + "/" + trace_file_name(run);
}

}  // namespace npusim::reports
