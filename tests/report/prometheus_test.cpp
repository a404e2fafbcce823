// MetricRegistry renders the Prometheus text format; every test parses the text back with the
// strict reader in tests/support/prometheus_text.h (and one hands it to the real promtool), so
// what is asserted is what a scraper would see.
#include "report/prometheus.h"

#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/process.h"
#include "support/prometheus_text.h"
#include "support/temp_dir.h"

namespace spaceport::report {
namespace {

using support::ParsePrometheusText;
using support::PrometheusLabels;
using support::PrometheusText;

PrometheusText Parse(const std::string& text) {
  auto parsed = ParsePrometheusText(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  return parsed.ok() ? *parsed : PrometheusText{};
}

// The families a running controller serves, with awkward label values, so the promtool check
// and the round trip cover what production renders.
void DeclareControllerMetrics(MetricRegistry& m) {
  m.DeclareCounter("controller_runtime_reconcile_total", "Total number of reconciliations per controller.",
                   {"controller", "result"});
  m.Add("controller_runtime_reconcile_total", {"spacedeployment", "success"}, 41);
  m.Add("controller_runtime_reconcile_total", {"spacedeployment", "error"}, 2);
  m.DeclareHistogram("controller_runtime_reconcile_time_seconds",
                     "Length of time per reconciliation per controller.", {"controller"},
                     {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  for (double seconds : {0.003, 0.2, 0.42, 7.0, 120.0})
    m.Observe("controller_runtime_reconcile_time_seconds", {"spacedeployment"}, seconds);
  m.DeclareGauge("workqueue_depth", "Current depth of workqueue.", {"name"});
  m.Set("workqueue_depth", {"spacedeployment"}, 3);
  m.DeclareCounter("workqueue_adds_total", "Total number of adds handled by workqueue.", {"name"});
  m.Add("workqueue_adds_total", {"spacedeployment"}, 17);
  m.DeclareGauge("spaceport_drift", "1 per drifted field of a Space or image.",
                 {"deployment", "space", "field"});
  m.Set("spaceport_drift", {"default/tools", "acme/tools", "variables.LOG_LEVEL"}, 1);
  m.Set("spaceport_drift", {"default/odd", "acme/\"quoted\"\\path", "multi\nline"}, 1);
  m.DeclareGauge("spaceport_space_stage", "1 for the current stage of each Space.", {"space", "stage"});
  m.Set("spaceport_space_stage", {"acme/tools", "RUNNING"}, 1);
  m.DeclareCounter("spaceport_api_requests_total", "Requests sent per API host and status code.",
                   {"host", "code"});
  m.Add("spaceport_api_requests_total", {"huggingface.co", "200"}, 1234);
  m.Add("spaceport_api_requests_total", {"ghcr.io", "429"});
  m.DeclareGauge("spaceport_ratelimit_remaining", "Requests left in the current budget window.", {"host"});
  m.Set("spaceport_ratelimit_remaining", {"huggingface.co"}, 766);
  m.DeclareGauge("spaceport_ready", "1 once sources are loaded and the first pass is done.", {});
  m.Set("spaceport_ready", {}, 1);
  m.DeclareGauge("spaceport_suspended", "1 per suspended deployment.", {"deployment"});  // none yet
}

struct ValueCase {
  std::string name;
  double value;
  std::string want;
};
void PrintTo(const ValueCase& c, std::ostream* os) { *os << c.name; }

class FormatSampleValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(FormatSampleValueTest, WritesTextThatParsesBackExactly) {
  EXPECT_EQ(FormatSampleValue(GetParam().value), GetParam().want);
  auto parsed = ParsePrometheusText("x " + GetParam().want + "\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  double back = parsed->Value("x").value_or(-1);
  if (std::isnan(GetParam().value)) {
    EXPECT_TRUE(std::isnan(back));
  } else {
    EXPECT_EQ(back, GetParam().value);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FormatSampleValueTest,
    ::testing::Values(
        ValueCase{"integers_have_no_fraction", 3, "3"},
        ValueCase{"zero_is_plain_zero", 0, "0"},
        ValueCase{"negative_integers_keep_their_sign", -42, "-42"},
        ValueCase{"a_binary_fraction_is_exact", 0.25, "0.25"},
        ValueCase{"a_decimal_fraction_is_the_shortest_exact_text", 0.1, "0.1"},
        ValueCase{"a_large_count_stays_exact", 9007199254740992.0, "9007199254740992"},
        ValueCase{"huge_values_use_an_exponent", 1e300, "1e+300"},
        ValueCase{"positive_infinity_is_plus_inf", std::numeric_limits<double>::infinity(), "+Inf"},
        ValueCase{"negative_infinity_is_minus_inf", -std::numeric_limits<double>::infinity(), "-Inf"},
        ValueCase{"not_a_number_is_NaN", std::numeric_limits<double>::quiet_NaN(), "NaN"}),
    [](const auto& param_info) { return param_info.param.name; });

struct LabelCase {
  std::string name;
  std::string value;
  std::string escaped;
};
void PrintTo(const LabelCase& c, std::ostream* os) { *os << c.name; }

class LabelValueTest : public ::testing::TestWithParam<LabelCase> {};

TEST_P(LabelValueTest, IsEscapedAndReadsBackAsItself) {
  EXPECT_EQ(EscapeLabelValue(GetParam().value), GetParam().escaped);
  MetricRegistry m;
  m.DeclareGauge("spaceport_drift", "Drift.", {"deployment", "field"});
  m.Set("spaceport_drift", {GetParam().value, "after"}, 1);
  PrometheusText text = Parse(m.Render());
  EXPECT_EQ(text.Value("spaceport_drift", {{"deployment", GetParam().value}, {"field", "after"}}), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LabelValueTest,
    ::testing::Values(
        LabelCase{"plain_text_is_unchanged", "default/tools", "default/tools"},
        LabelCase{"a_quote_is_backslash_escaped", "say \"hi\"", "say \\\"hi\\\""},
        LabelCase{"a_backslash_is_doubled", "C:\\dir\\", "C:\\\\dir\\\\"},
        LabelCase{"a_newline_becomes_backslash_n", "one\ntwo", "one\\ntwo"},
        LabelCase{"a_literal_backslash_n_stays_distinct_from_a_newline", "a\\nb", "a\\\\nb"},
        LabelCase{"braces_commas_and_equals_need_no_escape", "{a=\"1\",b}", "{a=\\\"1\\\",b}"},
        LabelCase{"utf8_passes_through", "caf\xc3\xa9 \xe2\x9c\x93", "caf\xc3\xa9 \xe2\x9c\x93"},
        LabelCase{"an_empty_value_is_allowed", "", ""}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(MetricRegistry, RendersTheExactTextFormat) {
  MetricRegistry m;
  m.DeclareGauge("workqueue_depth", "Current depth of workqueue.", {});
  m.Set("workqueue_depth", {}, 2);
  m.DeclareCounter("controller_runtime_reconcile_total", "Total reconciles.", {"controller", "result"});
  m.Add("controller_runtime_reconcile_total", {"spacedeployment", "success"}, 1);
  m.DeclareHistogram("controller_runtime_reconcile_time_seconds", "Reconcile duration.",
                     {"controller"}, {0.5, 1});
  m.Observe("controller_runtime_reconcile_time_seconds", {"spacedeployment"}, 0.25);
  EXPECT_EQ(m.Render(),
            "# HELP controller_runtime_reconcile_time_seconds Reconcile duration.\n"
            "# TYPE controller_runtime_reconcile_time_seconds histogram\n"
            "controller_runtime_reconcile_time_seconds_bucket{controller=\"spacedeployment\",le=\"0.5\"} 1\n"
            "controller_runtime_reconcile_time_seconds_bucket{controller=\"spacedeployment\",le=\"1\"} 1\n"
            "controller_runtime_reconcile_time_seconds_bucket{controller=\"spacedeployment\",le=\"+Inf\"} 1\n"
            "controller_runtime_reconcile_time_seconds_sum{controller=\"spacedeployment\"} 0.25\n"
            "controller_runtime_reconcile_time_seconds_count{controller=\"spacedeployment\"} 1\n"
            "# HELP controller_runtime_reconcile_total Total reconciles.\n"
            "# TYPE controller_runtime_reconcile_total counter\n"
            "controller_runtime_reconcile_total{controller=\"spacedeployment\",result=\"success\"} 1\n"
            "# HELP workqueue_depth Current depth of workqueue.\n"
            "# TYPE workqueue_depth gauge\n"
            "workqueue_depth 2\n");
}

TEST(MetricRegistry, EverySampleReadsBackWithItsValueAndType) {
  MetricRegistry m;
  DeclareControllerMetrics(m);
  PrometheusText text = Parse(m.Render());
  ASSERT_NE(text.Find("controller_runtime_reconcile_total"), nullptr);
  EXPECT_EQ(text.Find("controller_runtime_reconcile_total")->type, "counter");
  EXPECT_EQ(text.Find("workqueue_depth")->type, "gauge");
  EXPECT_EQ(text.Find("controller_runtime_reconcile_time_seconds")->type, "histogram");
  EXPECT_EQ(text.Find("workqueue_depth")->help, "Current depth of workqueue.");
  EXPECT_EQ(text.Value("controller_runtime_reconcile_total",
                       {{"controller", "spacedeployment"}, {"result", "success"}}),
            41);
  EXPECT_EQ(text.Value("controller_runtime_reconcile_total",
                       {{"controller", "spacedeployment"}, {"result", "error"}}),
            2);
  EXPECT_EQ(text.Value("workqueue_depth", {{"name", "spacedeployment"}}), 3);
  EXPECT_EQ(text.Value("spaceport_drift", {{"deployment", "default/odd"},
                                           {"space", "acme/\"quoted\"\\path"},
                                           {"field", "multi\nline"}}),
            1);
  EXPECT_EQ(text.Value("spaceport_api_requests_total", {{"host", "ghcr.io"}, {"code", "429"}}), 1);
  EXPECT_EQ(text.Value("spaceport_ratelimit_remaining", {{"host", "huggingface.co"}}), 766);
  EXPECT_EQ(text.Value("spaceport_ready"), 1);
  EXPECT_EQ(text.Value("controller_runtime_reconcile_time_seconds_count",
                       {{"controller", "spacedeployment"}}),
            5);
}

TEST(MetricRegistry, FamiliesAreSortedByNameWhateverTheDeclarationOrder) {
  MetricRegistry m;
  for (const char* name : {"workqueue_depth", "controller_runtime_active_workers", "spaceport_drift"})
    m.DeclareGauge(name, "x", {});
  EXPECT_EQ(Parse(m.Render()).FamilyNames(),
            (std::vector<std::string>{"controller_runtime_active_workers", "spaceport_drift",
                                      "workqueue_depth"}));
}

TEST(MetricRegistry, SamplesAreSortedByLabelValues) {
  MetricRegistry m;
  m.DeclareGauge("spaceport_space_stage", "Stage.", {"space", "stage"});
  m.Set("spaceport_space_stage", {"b/two", "RUNNING"}, 1);
  m.Set("spaceport_space_stage", {"a/one", "BUILDING"}, 1);
  m.Set("spaceport_space_stage", {"a/one", "APP_STARTING"}, 0);
  std::vector<std::string> order;
  for (const auto& s : Parse(m.Render()).Samples("spaceport_space_stage"))
    order.push_back(s.labels.at("space") + " " + s.labels.at("stage"));
  EXPECT_EQ(order, (std::vector<std::string>{"a/one APP_STARTING", "a/one BUILDING", "b/two RUNNING"}));
}

TEST(MetricRegistry, HistogramBucketsAreCumulativeAndInfEqualsCount) {
  MetricRegistry m;
  // Declared unsorted, with a duplicate and an explicit +Inf: stored ascending, unique, +Inf once.
  m.DeclareHistogram("h_seconds", "H.", {"controller"},
                     {1, 0.25, 0.5, 0.5, std::numeric_limits<double>::infinity()});
  for (double v : {0.1, 0.25, 0.5, 0.7, 100.0}) m.Observe("h_seconds", {"c"}, v);
  PrometheusText text = Parse(m.Render());
  std::vector<std::pair<std::string, double>> buckets;
  for (const auto& s : text.Samples("h_seconds_bucket")) buckets.emplace_back(s.labels.at("le"), s.value);
  // le is inclusive: 0.25 lands in le="0.25", 0.5 in le="0.5".
  EXPECT_EQ(buckets, (std::vector<std::pair<std::string, double>>{
                         {"0.25", 2}, {"0.5", 3}, {"1", 4}, {"+Inf", 5}}));
  EXPECT_EQ(text.Value("h_seconds_count", {{"controller", "c"}}), 5);
  EXPECT_DOUBLE_EQ(text.Value("h_seconds_sum", {{"controller", "c"}}).value_or(0), 101.55);
}

TEST(MetricRegistry, ClearGaugeByLabelRemovesOnlyThatDeploymentsSamples) {
  MetricRegistry m;
  m.DeclareGauge("spaceport_drift", "Drift.", {"deployment", "space", "field"});
  m.Set("spaceport_drift", {"default/a", "acme/a", "variables.X"}, 1);
  m.Set("spaceport_drift", {"default/a", "acme/a", "hardware"}, 1);
  m.Set("spaceport_drift", {"default/b", "acme/b", "hardware"}, 1);
  m.ClearGauge("spaceport_drift", "deployment", "default/a");
  PrometheusText text = Parse(m.Render());
  EXPECT_EQ(text.Samples("spaceport_drift").size(), 1u);
  EXPECT_EQ(text.Value("spaceport_drift",
                       {{"deployment", "default/b"}, {"space", "acme/b"}, {"field", "hardware"}}),
            1);
  EXPECT_EQ(m.Value("spaceport_drift", {"default/a", "acme/a", "hardware"}), 0);
  // The family stays declared (HELP/TYPE still served) after its last sample goes.
  m.ClearGauge("spaceport_drift");
  text = Parse(m.Render());
  ASSERT_NE(text.Find("spaceport_drift"), nullptr);
  EXPECT_TRUE(text.Find("spaceport_drift")->samples.empty());
}

// The first label is cleared as a range of the ordered samples: neighbours that share a prefix,
// and the same value in another label, stay.
TEST(MetricRegistry, ClearGaugeByTheFirstLabelLeavesNeighboursWithACommonPrefix) {
  MetricRegistry m;
  m.DeclareGauge("spaceport_space_stage", "Stage.", {"space", "stage"});
  for (const char* space : {"acme/a", "acme/a-2", "acme/ab", "acme/", "acme/b"})
    m.Set("spaceport_space_stage", {space, "RUNNING"}, 1);
  m.Set("spaceport_space_stage", {"acme/a", "BUILDING"}, 1);
  m.Set("spaceport_space_stage", {"other", "acme/a"}, 1);
  m.ClearGauge("spaceport_space_stage", "space", "acme/a");
  EXPECT_EQ(m.Value("spaceport_space_stage", {"acme/a", "RUNNING"}), 0);
  EXPECT_EQ(m.Value("spaceport_space_stage", {"acme/a", "BUILDING"}), 0);
  for (const char* space : {"acme/a-2", "acme/ab", "acme/", "acme/b"})
    EXPECT_EQ(m.Value("spaceport_space_stage", {space, "RUNNING"}), 1) << space;
  EXPECT_EQ(m.Value("spaceport_space_stage", {"other", "acme/a"}), 1);
  m.ClearGauge("spaceport_space_stage", "stage", "RUNNING");  // not the first label: a scan
  EXPECT_EQ(m.Value("spaceport_space_stage", {"acme/b", "RUNNING"}), 0);
  EXPECT_EQ(m.Value("spaceport_space_stage", {"other", "acme/a"}), 1);
}

TEST(MetricRegistry, ValueReadsCountersAndGaugesAndIsZeroWhenAbsent) {
  MetricRegistry m;
  m.DeclareCounter("workqueue_adds_total", "Adds.", {"name"});
  m.Add("workqueue_adds_total", {"q"});
  m.Add("workqueue_adds_total", {"q"}, 2.5);
  m.DeclareGauge("workqueue_depth", "Depth.", {"name"});
  m.Set("workqueue_depth", {"q"}, 7);
  m.Set("workqueue_depth", {"q"}, 4);
  EXPECT_EQ(m.Value("workqueue_adds_total", {"q"}), 3.5);
  EXPECT_EQ(m.Value("workqueue_depth", {"q"}), 4);
  EXPECT_EQ(m.Value("workqueue_depth", {"other"}), 0);
  EXPECT_EQ(m.Value("never_declared", {}), 0);
}

TEST(MetricRegistry, AFamilyWithoutLabelsShowsZeroBeforeItsFirstEvent) {
  MetricRegistry m;
  m.DeclareCounter("spaceport_webhooks_rejected_total", "Rejected webhooks.", {});
  m.DeclareHistogram("spaceport_step_seconds", "Step time.", {}, {1});
  PrometheusText text = Parse(m.Render());
  EXPECT_EQ(text.Value("spaceport_webhooks_rejected_total"), 0);
  EXPECT_EQ(text.Value("spaceport_step_seconds_bucket", {{"le", "+Inf"}}), 0);
  EXPECT_EQ(text.Value("spaceport_step_seconds_count"), 0);
}

TEST(MetricRegistry, HelpTextEscapesBackslashAndNewlineButNotQuotes) {
  MetricRegistry m;
  m.DeclareGauge("g", "a \"quoted\" C:\\path\nsecond line", {});
  std::string rendered = m.Render();
  EXPECT_NE(rendered.find("# HELP g a \"quoted\" C:\\\\path\\nsecond line\n"), std::string::npos)
      << rendered;
  EXPECT_EQ(Parse(rendered).Find("g")->help, "a \"quoted\" C:\\path\nsecond line");
}

TEST(MetricRegistry, ConcurrentUpdatesAreAllCounted) {
  MetricRegistry m;
  m.DeclareCounter("workqueue_adds_total", "Adds.", {"name"});
  m.DeclareHistogram("h_seconds", "H.", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) {
        m.Add("workqueue_adds_total", {"q"});
        m.Observe("h_seconds", {}, 0.5);
        (void)m.Render();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.Value("workqueue_adds_total", {"q"}), 4000);
  EXPECT_EQ(Parse(m.Render()).Value("h_seconds_count"), 4000);
}

TEST(MetricRegistryDeathTest, AWrongNumberOfLabelValuesAssertsInDebugAndIsIgnoredInRelease) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  MetricRegistry m;
  m.DeclareGauge("workqueue_depth", "Depth.", {"name"});
  EXPECT_DEBUG_DEATH(m.Set("workqueue_depth", {"a", "b"}, 1), "label values");
  EXPECT_DEBUG_DEATH(m.Add("undeclared_total", {}), "undeclared");
  EXPECT_EQ(m.Value("workqueue_depth", {"a", "b"}), 0);
}

TEST(MetricRegistry, PromtoolAcceptsTheRenderedControllerMetrics) {
  ASSERT_TRUE(support::RequireExecutable("promtool").ok()) << "run scripts/setup";
  support::TempDir dir("metrics");
  auto file = dir.path() / "metrics.txt";
  MetricRegistry m;
  DeclareControllerMetrics(m);
  ASSERT_TRUE(support::WriteFile(file, m.Render()));
  // `promtool check metrics` reads stdin; it exits non-zero on a parse error or a lint problem
  // (missing HELP, a counter without _total, ...).
  auto result = support::RunCommand({"sh", "-c", "promtool check metrics < \"$0\"", file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

// The reader itself must reject what a scraper would, or the tests above prove little.
struct BadTextCase {
  std::string name;
  std::string text;
  std::string error;
};
void PrintTo(const BadTextCase& c, std::ostream* os) { *os << c.name; }

class PrometheusTextReaderTest : public ::testing::TestWithParam<BadTextCase> {};

TEST_P(PrometheusTextReaderTest, RejectsMalformedText) {
  auto parsed = ParsePrometheusText(GetParam().text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find(GetParam().error), std::string::npos)
      << parsed.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PrometheusTextReaderTest,
    ::testing::Values(
        BadTextCase{"an_unknown_escape_in_a_label_value", "a{x=\"\\t\"} 1\n", "invalid escape"},
        BadTextCase{"an_unterminated_label_value", "a{x=\"1} 1\n", "unterminated"},
        BadTextCase{"an_unescaped_quote_ends_the_value_early", "a{x=\"say \"hi\"\"} 1\n",
                    "expected ',' or '}'"},
        BadTextCase{"a_duplicate_label", "a{x=\"1\",x=\"2\"} 1\n", "duplicate label"},
        BadTextCase{"a_value_that_is_not_a_number", "a 1.2.3\n", "not a sample value"},
        BadTextCase{"a_bad_metric_name", "1a 1\n", "metric name"},
        BadTextCase{"help_after_the_samples", "a 1\n# HELP a late\n", "after its samples"},
        BadTextCase{"type_written_twice", "# TYPE a gauge\n# TYPE a gauge\na 1\n", "second # TYPE"},
        BadTextCase{"an_unknown_type", "# TYPE a meter\na 1\n", "unknown metric type"},
        BadTextCase{"a_family_split_in_two", "a 1\nb 1\na{x=\"1\"} 2\n", "not contiguous"},
        BadTextCase{"a_histogram_without_inf",
                    "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf"},
        BadTextCase{"a_histogram_whose_inf_differs_from_count",
                    "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
                    "differs"},
        BadTextCase{"histogram_buckets_that_decrease",
                    "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\n"
                    "h_count 1\n",
                    "not cumulative"},
        BadTextCase{"a_last_line_without_newline", "a 1", "end with"}),
    [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace spaceport::report
