// The HTML page loads in headless Chromium with no network and no errors, and
// what it renders is not blank: the screenshot shows the charts' colours.
#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "reports/atomic_file.h"
#include "reports/report_writers.h"
#include "tests/support/fake_runs.h"

namespace npusim::reports {
namespace {

namespace fs = std::filesystem;

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    std::string path_env = std::getenv("PATH") ? std::getenv("PATH") : "";
    std::istringstream dirs(path_env);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      fs::path candidate = fs::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return "";
}

struct Command {
  int status = -1;
  std::string output;  // stdout and stderr
};

Command run(const std::string& command) {
  Command result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  result.status = ::pclose(pipe);
  return result;
}

struct Image {
  unsigned width = 0, height = 0;
  std::vector<unsigned char> rgba;
  bool has_pixel(unsigned char r, unsigned char g, unsigned char b, size_t at_least) const {
    size_t count = 0;
    for (size_t i = 0; i + 3 < rgba.size(); i += 4) {
      count += rgba[i] == r && rgba[i + 1] == g && rgba[i + 2] == b ? 1 : 0;
    }
    return count >= at_least;
  }
  double non_white_fraction() const {
    size_t count = 0;
    for (size_t i = 0; i + 3 < rgba.size(); i += 4) count += rgba[i] < 250 || rgba[i + 1] < 250 || rgba[i + 2] < 250;
    return static_cast<double>(count) / (rgba.size() / 4.0);
  }
};

Image decode_png(const fs::path& file) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  Image out;
  if (png_image_begin_read_from_file(&image, file.c_str()) == 0) return out;
  image.format = PNG_FORMAT_RGBA;
  out.rgba.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr) == 0) return {};
  out.width = image.width;
  out.height = image.height;
  return out;
}

// Chromium logs every console message (page errors, blocked fetches) with
// --enable-logging=stderr as a line holding ":CONSOLE".
std::vector<std::string> console_messages(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

class HtmlReport : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = find_chromium();
    // CI installs it (scripts/debian-packages.txt): its absence is a failure, not a skip.
    ASSERT_FALSE(chromium_.empty()) << "chromium not found on PATH: install the Debian package `chromium` "
                                       "(scripts/install_deps.sh) to check the HTML report";
    dir_ = fs::temp_directory_path() / ("npusim_html_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    page_ = dir_ / "report.html";
    write_file_atomically(page_, render_html(testing::fake_suite()));
  }

  Command dump_dom() const { return run(chromium("--enable-logging=stderr --v=0 --dump-dom")); }

  Image screenshot() const {
    fs::path png = dir_ / "screenshot.png";
    Command shot = run(chromium("--screenshot=" + png.string()));
    EXPECT_EQ(shot.status, 0) << shot.output;
    Image image = decode_png(png);
    EXPECT_EQ(image.width, 1200u) << "screenshot missing or not a PNG: " << shot.output;
    EXPECT_EQ(image.height, 900u);
    return image;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The flags keep Chromium off the network and out of the user's profile.
  std::string chromium(const std::string& action) const {
    return "timeout 120 " + chromium_ +
           " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
           " --disable-background-networking --disable-component-update --disable-sync"
           " --user-data-dir=" + (dir_ / "profile").string() + " --window-size=1200,900 " + action +
           " file://" + page_.string();
  }

  std::string chromium_;
  fs::path dir_, page_;
};

TEST_F(HtmlReport, IsSelfContained) {
  std::string html = render_html(testing::fake_suite());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
}

TEST_F(HtmlReport, LoadsInHeadlessChromiumWithoutErrors) {
  Command dom = dump_dom();
  ASSERT_EQ(dom.status, 0) << dom.output;
  // The parsed page ends where the writer ended it and holds every chart.
  std::string html = render_html(testing::fake_suite());
  auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(dom.output, "<svg"), count(html, "<svg"));
  EXPECT_GE(count(html, "<svg"), 5u);
  EXPECT_NE(dom.output.find("</html>"), std::string::npos);
  EXPECT_NE(dom.output.find("Simulated time by op class"), std::string::npos);
  auto console = console_messages(dom.output);
  EXPECT_TRUE(console.empty()) << console.front();
}

TEST_F(HtmlReport, ConsoleCheckCatchesABlockedFetchAndAScriptError) {
  // The check above can fail: a page that fetches and scripts is reported.
  std::string html = render_html(testing::fake_suite());
  html.replace(html.find("<body>"), 6, "<body><img src=\"https://example.invalid/x.png\"><script>f()</script>");
  write_file_atomically(page_, html);
  Command dom = dump_dom();
  ASSERT_EQ(dom.status, 0) << dom.output;
  EXPECT_EQ(console_messages(dom.output).size(), 2u) << dom.output;
}

// Bars in the palette's first colour (#4e79a7) and the red "checks unmet"
// badge (#c62828) are drawn solid over many pixels.
constexpr size_t kSolidArea = 200;
constexpr double kMinInk = 0.02;

TEST_F(HtmlReport, ScreenshotShowsTheCharts) {
  Image image = screenshot();
  EXPECT_GT(image.non_white_fraction(), kMinInk) << "page rendered blank";
  EXPECT_TRUE(image.has_pixel(0x4e, 0x79, 0xa7, kSolidArea)) << "no chart bar visible";
  EXPECT_TRUE(image.has_pixel(0xc6, 0x28, 0x28, kSolidArea)) << "no summary badge visible";
}

TEST_F(HtmlReport, ScreenshotCheckRejectsABlankPage) {
  write_file_atomically(page_, "<!DOCTYPE html><html><body></body></html>");
  Image image = screenshot();
  EXPECT_LT(image.non_white_fraction(), kMinInk);
  EXPECT_FALSE(image.has_pixel(0x4e, 0x79, 0xa7, kSolidArea));
}

}  // namespace
}  // namespace npusim::reports
