// The loader against desired-state files built to exhaust it (issue 13, "the desired state
// misbehaves"): 10,000 levels of nesting in every YAML style, 100,000 keys in one mapping or
// 100,000 documents in one file, and a file far over the size cap. Each is refused (or
// reported) with file:line and the field where there is one, in bounded time and memory, and a
// valid deployment in another file of the same load still comes out. Memory is read as the peak
// RSS growth of this process (VmHWM), so each case runs in a fresh child: a limit here is a
// bound with a wide margin, not a benchmark.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include "spec/diagnostic_sink.h"
#include "spec/loader.h"
#include "spec_test_support.h"

namespace spaceport::spec {
namespace {

using spaceport::spec::testing::Lines;
using spaceport::spec::testing::ScratchDir;
using ::testing::HasSubstr;

std::string Valid(const std::string& name) {
  return "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: " + name +
         "\nspec:\n  image:\n    repository: ghcr.io/o/" + name +
         "\n    version: v1.0.0\n  spaces:\n    - id: o/" + name + "\n";
}

// The process's peak resident set (VmHWM) in KiB, from /proc.
long PeakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

long RssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

struct Outcome {
  std::vector<std::string> lines;
  std::vector<std::string> keys;
  double seconds = 0;
  long rss_growth_kib = 0;
};

// Loads `hostile` (as hostile.yaml) next to valid.yaml and measures time and peak RSS growth.
Outcome LoadBeside(const std::string& hostile) {
  ScratchDir dir;
  dir.Write("hostile.yaml", hostile);
  dir.Write("valid.yaml", Valid("good"));
  const long before = RssKib();
  const auto start = std::chrono::steady_clock::now();
  LoadResult r = LoadPaths({dir.path().string()});
  Outcome out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.rss_growth_kib = PeakRssKib() - before;
  out.lines = Lines(r.diagnostics);
  for (const auto& d : r.deployments) out.keys.push_back(d.Key());
  // Diagnostics relative to the scratch directory, so the cases can state them.
  const std::string prefix = dir.path().string() + "/";
  for (auto& line : out.lines)
    if (line.rfind(prefix, 0) == 0) line = line.substr(prefix.size());
  return out;
}

std::string Report(const Outcome& o) {
  std::string text = std::to_string(o.seconds) + " s, +" + std::to_string(o.rss_growth_kib / 1024) +
                     " MiB peak RSS\n";
  for (size_t i = 0; i < o.lines.size() && i < 5; ++i) text += "  " + o.lines[i] + "\n";
  if (o.lines.size() > 5) text += "  ... " + std::to_string(o.lines.size()) + " lines\n";
  return text;
}

// Generous bounds for a loaded 2-core machine; the figures print as [hostile] lines.
constexpr double kSeconds = 10;
constexpr long kRssKib = 256 * 1024;

void ExpectBounded(const std::string& name, const Outcome& o) {
  std::cout << "[hostile] " << name << ": " << Report(o);
  EXPECT_LT(o.seconds, kSeconds) << name;
  EXPECT_LT(o.rss_growth_kib, kRssKib) << name;
  EXPECT_THAT(o.keys, ::testing::Contains("default/good")) << name << ": the valid file was lost";
}

std::string Nested(int levels, const std::function<std::string(int)>& open, const std::string& close) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += open(i);
  text += "x";
  for (int i = 0; i < levels; ++i) text += close;
  return text + "\n";
}

TEST(HostileDesiredState, NestedBlockMappingsStopAtTheDepthLimitWithTheirLine) {
  // Block mappings indent one more step per level, so 10,000 of them are 100 MB (the size cap
  // refuses that, below); 2,000 levels are 4 MB and reach the parser.
  std::string text =
      "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: deep\nspec:\n";
  for (int i = 1; i <= 2000; ++i) text += std::string(i, ' ') + "a:\n";
  const Outcome o = LoadBeside(text);
  ExpectBounded("2,000 block mappings", o);
  // The 65th level is the mapping that opens on line 69 (column 65), where the error points.
  EXPECT_THAT(o.lines, ::testing::Contains("hostile.yaml:69:65: nesting is deeper than 64 levels"))
      << Report(o);
}

TEST(HostileDesiredState, TenThousandNestedFlowSequencesAndMappingsStopAtTheDepthLimit) {
  struct Case {
    std::string name, text, error;
  };
  const std::vector<Case> cases = {
      {"10,000 flow sequences", "spec: " + Nested(10000, [](int) { return std::string("["); }, "]"),
       "hostile.yaml:1:70: nesting is deeper than 64 levels"},
      {"10,000 flow mappings", "spec: " + Nested(10000, [](int) { return std::string("{a: "); }, "}"),
       "hostile.yaml:1:259: nesting is deeper than 64 levels"},
      {"10,000 compact block sequences",
       "spec:\n  " + Nested(10000, [](int) { return std::string("- "); }, ""),
       "hostile.yaml:2:129: nesting is deeper than 64 levels"},
  };
  for (const Case& c : cases) {
    const Outcome o = LoadBeside(c.text);
    ExpectBounded(c.name, o);
    EXPECT_THAT(o.lines, ::testing::Contains(c.error)) << c.name << "\n" << Report(o);
  }
}

TEST(HostileDesiredState, AHundredThousandUnknownKeysAreReportedInBoundedTimeAndMemory) {
  std::string keys;
  for (int i = 0; i < 100000; ++i) keys += "  k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  std::string text = Valid("wide");
  text.replace(text.find("spec:\n"), 6, "spec:\n" + keys);  // 100,000 unknown keys at the top of spec
  const Outcome o = LoadBeside(text);
  ExpectBounded("100,000 keys", o);
  EXPECT_THAT(o.lines, ::testing::Contains(HasSubstr("hostile.yaml:6:3: spec.k0: "))) << Report(o);
  EXPECT_THAT(o.keys, ::testing::Not(::testing::Contains("default/wide")));
  // The first 100 problems and one note, not 100,000 lines.
  EXPECT_LE(o.lines.size(), DiagnosticSink::kMaxDiagnostics + 5) << Report(o);
  EXPECT_THAT(o.lines, ::testing::Contains(HasSubstr("more problems in this document are not shown")))
      << Report(o);
}

TEST(HostileDesiredState, AHundredThousandKeysInOneMappingValueParseInBoundedTimeAndMemory) {
  // A map field that takes any keys (spaces[].variables): valid, large, loaded.
  std::string text = Valid("vars") + "      variables:\n";
  for (int i = 0; i < 100000; ++i) text += "        K" + std::to_string(i) + ": v\n";
  const Outcome o = LoadBeside(text);
  ExpectBounded("100,000 variables", o);
}

TEST(HostileDesiredState, AHundredThousandDocumentsInOneFileStopAtTheDocumentLimit) {
  // 1.1 MB of "---\nkN: 1\n": before the limit (and before documents were parsed one at a
  // time) this took 288 MiB; each loaded document costs a deployment's worth of memory.
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "---\nk" + std::to_string(i) + ": 1\n";
  const Outcome o = LoadBeside(text);
  ExpectBounded("100,000 documents", o);
  EXPECT_LT(o.rss_growth_kib, 64 * 1024);
  // Document 10,001 starts on line 20,002.
  EXPECT_THAT(o.lines, ::testing::Contains(
                           "hostile.yaml:20002:1: the file holds more than 10000 documents; this "
                           "one and the rest are not loaded (split it into smaller files)"))
      << Report(o);
  EXPECT_EQ(o.lines.size(), 10001u) << Report(o);
}

TEST(HostileDesiredState, AHundredMegabyteFileIsRefusedWithoutReadingItAll) {
  ScratchDir dir;
  {
    std::ofstream out(dir.path() / "hostile.yaml", std::ios::binary);
    const std::string block = "# " + std::string(1021, 'x') + "\n";
    for (int i = 0; i < 100 * 1024; ++i) out << block;
  }
  dir.Write("valid.yaml", Valid("good"));
  const long before = RssKib();
  const auto start = std::chrono::steady_clock::now();
  const LoadResult r = LoadPaths({dir.path().string()});
  Outcome o;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  o.rss_growth_kib = PeakRssKib() - before;
  for (const auto& d : r.deployments) o.keys.push_back(d.Key());
  o.lines = Lines(r.diagnostics);
  ExpectBounded("100 MB file", o);
  EXPECT_THAT(o.lines, ::testing::ElementsAre((dir.path() / "hostile.yaml").string() +
                                              ": the file is larger than 8 MiB; split it into smaller files"));
  EXPECT_LT(o.rss_growth_kib, 64 * 1024) << "more than the cap was read";
}

}  // namespace
}  // namespace spaceport::spec
