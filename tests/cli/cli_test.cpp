// The `spaceport` binary as users and CI scripts see it: exit codes, where output goes, --help.
// Every case runs the real executable (SPACEPORT_BIN) from the repository root.
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/json.h"
#include "cli/run_command.h"

namespace spaceport::cli {
namespace {

using spaceport::testing::CommandResult;
using spaceport::testing::RunCommand;

CommandResult Spaceport(std::vector<std::string> args) {
  args.insert(args.begin(), SPACEPORT_BIN);
  return RunCommand(args, SPACEPORT_SOURCE_DIR);
}

struct CliCase {
  std::string name;  // the outcome, in prose
  std::vector<std::string> args;
  int exit_code;
  std::vector<std::string> stdout_has;
  std::vector<std::string> stderr_has;
};

// Names the case in test listings (ctest shows GetParam() otherwise as raw bytes).
void PrintTo(const CliCase& c, std::ostream* os) { *os << c.name; }

class CliTable : public ::testing::TestWithParam<CliCase> {};

TEST_P(CliTable, ExitCodeAndOutputAreAsDocumented) {
  const CliCase& c = GetParam();
  const CommandResult r = Spaceport(c.args);
  EXPECT_EQ(r.exit_code, c.exit_code) << "stdout:\n" << r.out << "\nstderr:\n" << r.err;
  for (const std::string& want : c.stdout_has)
    EXPECT_NE(r.out.find(want), std::string::npos) << "stdout lacks: " << want << "\n" << r.out;
  for (const std::string& want : c.stderr_has)
    EXPECT_NE(r.err.find(want), std::string::npos) << "stderr lacks: " << want << "\n" << r.err;
}

const std::vector<std::string> kExitCodeLines = {"Exit codes:", "  0  no drift", "  1  drift",
                                                 "  2  error"};

INSTANTIATE_TEST_SUITE_P(
    Cases, CliTable,
    ::testing::Values(
        CliCase{"validate_on_the_examples_succeeds",
                {"validate", "examples/"},
                0,
                {},
                {"documents: ", " valid, 0 invalid"}},
        CliCase{"validate_on_a_missing_path_is_an_error",
                {"validate", "no/such/dir"},
                2,
                {"no/such/dir"},
                {"error"}},
        CliCase{
            "help_on_the_program_exits_0_and_lists_exit_codes", {"--help"}, 0, kExitCodeLines, {}},
        CliCase{"help_on_validate_exits_0_and_lists_exit_codes",
                {"validate", "--help"},
                0,
                kExitCodeLines,
                {}},
        CliCase{
            "help_on_plan_exits_0_and_lists_exit_codes", {"plan", "--help"}, 0, kExitCodeLines, {}},
        CliCase{"help_on_version_exits_0_and_lists_exit_codes",
                {"version", "--help"},
                0,
                kExitCodeLines,
                {}},
        CliCase{"help_on_plan_shows_examples",
                {"plan", "-h"},
                0,
                {"Examples:", "--observation examples/observation.json"},
                {}},
        CliCase{"version_prints_program_and_api_versions",
                {"version"},
                0,
                {"spaceport 0.1.0\napi spaceport.dev/v1alpha1\n"},
                {}},
        CliCase{"no_command_is_a_usage_error", {}, 2, {}, {"spaceport: "}},
        CliCase{"an_unknown_command_is_a_usage_error", {"frobnicate"}, 2, {}, {"frobnicate"}},
        CliCase{"an_unknown_flag_on_validate_is_a_usage_error",
                {"validate", "--bogus", "examples/"},
                2,
                {},
                {"--bogus"}},
        CliCase{"an_unknown_flag_on_plan_is_a_usage_error",
                {"plan", "examples/", "--observation", "examples/observation.json", "--bogus"},
                2,
                {},
                {"--bogus"}},
        CliCase{"an_unknown_output_format_is_a_usage_error",
                {"plan", "examples/", "--observation", "examples/observation.json", "-o", "yaml"},
                2,
                {},
                {"yaml"}},
        CliCase{"validate_without_a_path_is_a_usage_error", {"validate"}, 2, {}, {"PATH"}},
        CliCase{"plan_without_an_observation_reports_every_unreachable_registry_as_an_error",
                {"plan", "examples/", "--config", "tests/cli/data/config-unreachable.yaml"},
                2,
                {},
                {"ghcr.io/", "not observed (RegistryError)", "127.0.0.1:1", "Space "}},
        CliCase{"plan_with_a_broken_controller_config_names_file_line_and_field",
                {"plan", "examples/", "--config", "tests/cli/data/config-broken.yaml"},
                2,
                {},
                {"tests/cli/data/config-broken.yaml:5:5: registries[0].endpont: unknown field",
                 "did you mean \"endpoint\"?"}},
        CliCase{"plan_with_a_missing_observation_file_is_an_error",
                {"plan", "examples/", "--observation", "no/such/observation.json"},
                2,
                {},
                {"no/such/observation.json"}},
        CliCase{"plan_with_an_observation_that_is_not_json_is_an_error",
                {"plan", "examples/", "--observation", "examples/grok2api.yaml"},
                2,
                {},
                {"cannot use the observation", "examples/grok2api.yaml"}},
        CliCase{"plan_against_the_recorded_observation_finds_drift",
                {"plan", "examples/", "--observation", "examples/observation.json"},
                1,
                {"~ hardware: ", "PublishWrapper", "CommitSpaceFiles", "SetVariables", "\nPlan: "},
                {}},
        CliCase{"plan_against_the_in_sync_observation_finds_nothing",
                {"plan", "examples/", "--observation", "examples/observation-in-sync.json"},
                0,
                {"InSync", "Plan: 0 actions, 0 drift items in 0 deployments; 0 invalid\n"},
                {}},
        CliCase{
            "plan_as_markdown_is_a_pull_request_comment",
            {"plan", "examples/", "--observation", "examples/observation.json", "-o", "markdown"},
            1,
            {"## Spaceport plan\n", "| Target | Field | Observed | Desired |", "**Plan:** "},
            {}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(PlanJson, OutputParsesAndCarriesTheDocumentedKeys) {
  const CommandResult r = Spaceport(
      {"plan", "examples/", "--observation", "examples/observation.json", "--output", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  Result<Json> doc = Json::Parse(r.out);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString() << "\n" << r.out;
  EXPECT_EQ(doc->GetString("apiVersion"), "spaceport.dev/v1alpha1");
  EXPECT_EQ(doc->GetString("kind"), "Plan");
  for (const char* key : {"summary", "deployments", "drift", "actions", "invalid"})
    EXPECT_NE(doc->Find(key), nullptr) << key;
  const Json& summary = *doc->Find("summary");
  EXPECT_GT(summary.Find("driftItems")->AsInt().value_or(0), 0);
  EXPECT_EQ(summary.Find("actions")->AsInt(), static_cast<int64_t>(doc->Find("actions")->size()));
  const Json& deployments = *doc->Find("deployments");
  ASSERT_GT(deployments.size(), 0u);
  for (const char* key :
       {"key", "file", "state", "reason", "resolvedVersion", "resolvedDigest", "notes"})
    EXPECT_NE(deployments.At(0).Find(key), nullptr) << key;
}

TEST(PlanJson, DiagnosticsStayOffStdoutSoTheJsonIsAlwaysParseable) {
  const std::string corpus = std::string(SPACEPORT_TEST_DATA) + "/spec/corpus";
  const CommandResult r = Spaceport({"plan", "examples/", corpus, "--observation",
                                     "examples/observation.json", "-o", "json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
  EXPECT_TRUE(Json::Parse(r.out).ok()) << r.out;
}

TEST(Secrets, AValueInTheEnvironmentNeverReachesAnyOutput) {
  // examples/grok2api.yaml reads API_KEY fromEnv GROK_API_KEY; the planner only ever sees
  // fingerprints, so the value must not appear whatever the format.
  const std::string sentinel = "sentinel-secret-value-5f2a9c";
  ::setenv("GROK_API_KEY", sentinel.c_str(), 1);
  for (const char* format : {"text", "markdown", "json"}) {
    const CommandResult r = Spaceport(
        {"plan", "examples/", "--observation", "examples/observation.json", "-o", format});
    EXPECT_EQ(r.out.find(sentinel), std::string::npos) << format;
    EXPECT_EQ(r.err.find(sentinel), std::string::npos) << format;
  }
  ::unsetenv("GROK_API_KEY");
}

TEST(Validate, DiagnosticsGoToStdoutAndTheSummaryToStderr) {
  const std::string bad = std::string(SPACEPORT_TEST_DATA) + "/spec/corpus";
  const CommandResult r = Spaceport({"validate", bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(": "), std::string::npos);
  EXPECT_EQ(r.out.find(" documents: "), std::string::npos);
  EXPECT_NE(r.err.find(" invalid ("), std::string::npos) << r.err;
}

}  // namespace
}  // namespace spaceport::cli
