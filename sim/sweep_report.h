// The reports of a study run: sweep.json (sweep_result.h), sweep.csv (one row
// per point: axis labels, outcome, failure signature, every metric) and
// sweep.html (the study's plots as inline SVG, failures marked, and a table).
#pragma once
#include <filesystem>
#include <string>

#include "sim/sweep_result.h"

namespace npusim::sim {

std::string render_sweep_csv(const SweepResult& result);
std::string render_sweep_html(const SweepResult& result);

struct SweepFiles {
  std::filesystem::path json, csv, html;
};
SweepFiles write_sweep_reports(const SweepResult& result, const std::filesystem::path& dir);

}  // namespace npusim::sim
