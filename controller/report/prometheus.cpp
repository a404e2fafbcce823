#include "report/prometheus.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <utility>

namespace spaceport::report {
namespace {

// Backslash and newline are escaped in HELP text and label values; a quote only in label values
// (in HELP it is literal).
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",b="y"}` for the family's label names and one sample's values, plus an optional extra
// label (a histogram's `le`); "" when there are no labels at all.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     const std::string& extra_name = "", const std::string& extra_value = "") {
  if (names.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name + "=\"" + EscapeLabelValue(extra_value) + "\"";
  }
  out += '}';
  return out;
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) { return Escape(value, true); }

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Shortest text that parses back to the same double: "3", "0.25", "1e+20".
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "NaN";  // cannot happen with 32 bytes; keeps the output parseable
  return std::string(buf, end);
}

void MetricRegistry::DeclareCounter(const std::string& name, const std::string& help,
                                    std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = Family::Type::kCounter;
  f.help = help;
  f.labels = std::move(labels);
}

void MetricRegistry::DeclareGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = Family::Type::kGauge;
  f.help = help;
  f.labels = std::move(labels);
}

void MetricRegistry::DeclareHistogram(const std::string& name, const std::string& help,
                                      std::vector<std::string> labels,
                                      std::vector<double> buckets) {
  // Bounds ascending and unique; +Inf is always the implicit last bucket, so it is not stored.
  buckets.erase(std::remove_if(buckets.begin(), buckets.end(),
                               [](double b) { return std::isnan(b) || std::isinf(b); }),
                buckets.end());
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = Family::Type::kHistogram;
  f.help = help;
  f.labels = std::move(labels);
  f.buckets = std::move(buckets);
  f.histograms.clear();  // counts sized for other bounds would not line up
}

void MetricRegistry::Add(const std::string& name, const std::vector<std::string>& label_values,
                         double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  bool usable = it != families_.end() && it->second.type != Family::Type::kHistogram &&
                it->second.labels.size() == label_values.size();
  assert(usable && "Add: undeclared family, a histogram, or wrong number of label values");
  if (!usable) return;
  it->second.values[label_values] += delta;
}

void MetricRegistry::Set(const std::string& name, const std::vector<std::string>& label_values,
                         double value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  bool usable = it != families_.end() && it->second.type != Family::Type::kHistogram &&
                it->second.labels.size() == label_values.size();
  assert(usable && "Set: undeclared family, a histogram, or wrong number of label values");
  if (!usable) return;
  it->second.values[label_values] = value;
}

void MetricRegistry::Observe(const std::string& name,
                             const std::vector<std::string>& label_values, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  bool usable = it != families_.end() && it->second.type == Family::Type::kHistogram &&
                it->second.labels.size() == label_values.size();
  assert(usable && "Observe: undeclared histogram or wrong number of label values");
  if (!usable) return;
  Family& f = it->second;
  Histogram& h = f.histograms[label_values];
  h.counts.resize(f.buckets.size());
  // `le` is inclusive: 0.5 falls in the 0.5 bucket. Larger values only reach +Inf (= count).
  auto bound = std::lower_bound(f.buckets.begin(), f.buckets.end(), value);
  if (bound != f.buckets.end()) h.counts[static_cast<size_t>(bound - f.buckets.begin())] += 1;
  h.sum += value;
  h.count += 1;
}

void MetricRegistry::ClearGauge(const std::string& name, const std::string& label,
                                const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  assert(it != families_.end() && "ClearGauge: undeclared family");
  if (it == families_.end()) return;
  Family& f = it->second;
  if (label.empty()) {
    f.values.clear();
    f.histograms.clear();
    return;
  }
  auto pos = std::find(f.labels.begin(), f.labels.end(), label);
  assert(pos != f.labels.end() && "ClearGauge: the family has no such label");
  if (pos == f.labels.end()) return;
  size_t index = static_cast<size_t>(pos - f.labels.begin());
  if (index == 0) {
    // Samples are ordered by their label values, so those whose first label is `value` are one
    // range: found in log time. The controller clears per deployment after every pass, and a scan
    // of every series cost 14% of its CPU at 3,000 deployments.
    const auto erase_range = [&](auto& samples) {
      auto first = samples.lower_bound(std::vector<std::string>{value});
      auto last = first;
      while (last != samples.end() && last->first[0] == value) ++last;
      samples.erase(first, last);
    };
    erase_range(f.values);
    erase_range(f.histograms);
    return;
  }
  std::erase_if(f.values, [&](const auto& sample) { return sample.first[index] == value; });
  std::erase_if(f.histograms, [&](const auto& sample) { return sample.first[index] == value; });
}

double MetricRegistry::Value(const std::string& name,
                             const std::vector<std::string>& label_values) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto sample = it->second.values.find(label_values);
  return sample == it->second.values.end() ? 0 : sample->second;
}

std::string MetricRegistry::Render() const {
  auto type_name = [](Family::Type type) {
    switch (type) {
      case Family::Type::kCounter: return "counter";
      case Family::Type::kGauge: return "gauge";
      case Family::Type::kHistogram: return "histogram";
    }
    return "untyped";
  };
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + Escape(f.help, false) + "\n";
    out += "# TYPE " + name + " " + type_name(f.type) + "\n";
    if (f.type != Family::Type::kHistogram) {
      // A family without labels always has its one sample, as Prometheus clients do: a scrape
      // then shows 0 rather than nothing before the first event.
      if (f.values.empty() && f.labels.empty()) out += name + " 0\n";
      for (const auto& [values, v] : f.values)
        out += name + LabelSet(f.labels, values) + " " + FormatSampleValue(v) + "\n";
      continue;
    }
    auto write_histogram = [&](const std::vector<std::string>& values, const Histogram& h) {
      double cumulative = 0;
      for (size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += i < h.counts.size() ? h.counts[i] : 0;
        out += name + "_bucket" + LabelSet(f.labels, values, "le", FormatSampleValue(f.buckets[i])) +
               " " + FormatSampleValue(cumulative) + "\n";
      }
      out += name + "_bucket" + LabelSet(f.labels, values, "le", "+Inf") + " " +
             FormatSampleValue(h.count) + "\n";
      out += name + "_sum" + LabelSet(f.labels, values) + " " + FormatSampleValue(h.sum) + "\n";
      out += name + "_count" + LabelSet(f.labels, values) + " " + FormatSampleValue(h.count) + "\n";
    };
    if (f.histograms.empty() && f.labels.empty()) write_histogram({}, Histogram{});
    for (const auto& [values, h] : f.histograms) write_histogram(values, h);
  }
  return out;
}

}  // namespace spaceport::report
