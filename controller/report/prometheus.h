// Metrics in the Prometheus text exposition format (version 0.0.4), served at /metrics.
//
// A MetricRegistry holds families — counters, gauges and histograms — each with a name, a help
// line and a fixed list of label names; a sample is addressed by its label values. Render()
// writes every family, sorted by name, samples sorted by label values, with `# HELP` and
// `# TYPE` lines, label values escaped (\\, \", \n) and histograms as cumulative `_bucket{le=...}`
// lines plus `_sum` and `_count`. Numbers are written so Prometheus parses them back exactly
// (integers without a fraction, +Inf, NaN).
//
// Gauges that mirror state (spaceport_drift, spaceport_space_stage) are replaced wholesale per
// deployment with ClearGauge(family, {label: value}) then Set, so a corrected drift item
// disappears instead of lingering at 1.
//
//   MetricRegistry m;
//   m.DeclareCounter("controller_runtime_reconcile_total", "Total reconciles per result.",
//                    {"controller", "result"});
//   m.Add("controller_runtime_reconcile_total", {"spacedeployment", "success"}, 1);
//   m.DeclareHistogram("controller_runtime_reconcile_time_seconds", "Reconcile duration.",
//                      {"controller"}, {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
//   m.Observe("controller_runtime_reconcile_time_seconds", {"spacedeployment"}, 0.42);
//   std::string text = m.Render();
//
// Thread-safe. Using an undeclared family or the wrong number of label values is a programming
// error: it is ignored in release builds and asserts in debug builds.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace spaceport::report {

class MetricRegistry {
 public:
  void DeclareCounter(const std::string& name, const std::string& help,
                      std::vector<std::string> labels);
  void DeclareGauge(const std::string& name, const std::string& help,
                    std::vector<std::string> labels);
  void DeclareHistogram(const std::string& name, const std::string& help,
                        std::vector<std::string> labels, std::vector<double> buckets);

  void Add(const std::string& name, const std::vector<std::string>& label_values, double delta = 1);
  void Set(const std::string& name, const std::vector<std::string>& label_values, double value);
  void Observe(const std::string& name, const std::vector<std::string>& label_values, double value);
  // Removes every sample of a family whose label `label` equals `value` (all samples when
  // `label` is empty).
  void ClearGauge(const std::string& name, const std::string& label = "", const std::string& value = "");

  // The value of one counter or gauge sample; 0 when absent (tests and the drift API).
  double Value(const std::string& name, const std::vector<std::string>& label_values) const;

  std::string Render() const;

 private:
  struct Histogram {
    std::vector<double> counts;  // per bucket, not cumulative
    double sum = 0;
    double count = 0;
  };
  struct Family {
    enum class Type { kCounter, kGauge, kHistogram } type{};
    std::string help;
    std::vector<std::string> labels;
    std::vector<double> buckets;
    std::map<std::vector<std::string>, double> values;
    std::map<std::vector<std::string>, Histogram> histograms;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// Escapes a label value for the text format.
std::string EscapeLabelValue(const std::string& value);
// A sample value as the text format writes it: "3", "0.25", "+Inf", "NaN".
std::string FormatSampleValue(double value);

}  // namespace spaceport::report
