// A strict reader of the Prometheus text exposition format (0.0.4), for tests that check what
// Spaceport serves at /metrics: parse the text back into samples and assert on values, instead of
// matching substrings.
//
// ParsePrometheusText reads every line into {name, labels, value} and rejects what a Prometheus
// server would reject or what hides a bug in a writer:
//   - a malformed line: bad metric or label name, unterminated or badly escaped label value
//     (only \\, \" and \n are escapes), a duplicate label, a value that is not a float;
//   - `# HELP` or `# TYPE` repeated, or written after the family's first sample; an unknown type;
//   - a family whose samples are not contiguous (another family in between);
//   - a histogram whose buckets for one label set are not cumulative (le ascending, counts
//     non-decreasing), lack le="+Inf", or whose +Inf bucket differs from its _count.
// Samples of a histogram or summary (NAME_bucket, NAME_sum, NAME_count) belong to family NAME.
// Timestamps are accepted and ignored.
//
//   auto text = support::ParsePrometheusText(registry.Render());
//   ASSERT_TRUE(text.ok()) << text.status().ToString();
//   EXPECT_EQ(text->Value("workqueue_depth", {{"name", "spacedeployment"}}), 3);
//   EXPECT_EQ(text->Find("controller_runtime_reconcile_total")->type, "counter");
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace spaceport::support {

using PrometheusLabels = std::map<std::string, std::string>;

struct PrometheusSample {
  std::string name;  // as written, e.g. reconcile_time_seconds_bucket
  PrometheusLabels labels;
  double value = 0;
  int line = 0;  // 1-based, for messages
};

struct PrometheusFamily {
  std::string name;
  std::string help;  // unescaped
  std::string type;  // counter, gauge, histogram, summary, untyped ("untyped" when no TYPE line)
  std::vector<PrometheusSample> samples;  // in text order
};

struct PrometheusText {
  std::vector<PrometheusFamily> families;  // in text order

  const PrometheusFamily* Find(std::string_view family) const;
  // The value of the sample with exactly this name and label set, if present.
  std::optional<double> Value(std::string_view sample_name, const PrometheusLabels& labels = {}) const;
  // Every sample with this name, in text order.
  std::vector<PrometheusSample> Samples(std::string_view sample_name) const;
  // Family names in text order (to check sorting).
  std::vector<std::string> FamilyNames() const;
};

// kInvalidArgument "line N: ..." on the first problem.
Result<PrometheusText> ParsePrometheusText(std::string_view text);

}  // namespace spaceport::support
