#include "support/prometheus_text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <utility>

namespace spaceport::support {
namespace {

bool IsNameStart(char c, bool colon_allowed) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_allowed && c == ':');
}
bool IsNameChar(char c, bool colon_allowed) {
  return IsNameStart(c, colon_allowed) || (c >= '0' && c <= '9');
}

// Reads one line left to right; every Read* returns false (with `error` set) on bad input.
class LineReader {
 public:
  explicit LineReader(std::string_view line) : line_(line) {}

  bool AtEnd() const { return pos_ >= line_.size(); }
  char Peek() const { return AtEnd() ? '\0' : line_[pos_]; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Spaces and tabs; returns how many were skipped.
  size_t SkipBlanks() {
    size_t start = pos_;
    while (!AtEnd() && (line_[pos_] == ' ' || line_[pos_] == '\t')) ++pos_;
    return pos_ - start;
  }
  std::string_view Rest() const { return line_.substr(std::min(pos_, line_.size())); }
  std::string_view Word() {
    size_t start = pos_;
    while (!AtEnd() && line_[pos_] != ' ' && line_[pos_] != '\t') ++pos_;
    return line_.substr(start, pos_ - start);
  }

  // Metric names may contain ':', label names may not.
  bool ReadName(bool colon_allowed, std::string& out, std::string& error) {
    size_t start = pos_;
    if (!IsNameStart(Peek(), colon_allowed)) {
      error = "expected a " + std::string(colon_allowed ? "metric" : "label") + " name at column " +
              std::to_string(pos_ + 1);
      return false;
    }
    while (!AtEnd() && IsNameChar(line_[pos_], colon_allowed)) ++pos_;
    out = std::string(line_.substr(start, pos_ - start));
    return true;
  }

  // A double-quoted label value; the only escapes are \\, \" and \n.
  bool ReadQuoted(std::string& out, std::string& error) {
    if (!Consume('"')) {
      error = "expected '\"' at column " + std::to_string(pos_ + 1);
      return false;
    }
    out.clear();
    while (!AtEnd()) {
      char c = line_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      char next = Peek();
      if (next == '\\' || next == '"') {
        out += next;
      } else if (next == 'n') {
        out += '\n';
      } else {
        error = "invalid escape \\" + std::string(1, next) + " in a label value";
        return false;
      }
      ++pos_;
    }
    error = "unterminated label value";
    return false;
  }

 private:
  std::string_view line_;
  size_t pos_ = 0;
};

std::optional<double> ParseValue(std::string_view token) {
  if (token == "+Inf" || token == "Inf") return HUGE_VAL;
  if (token == "-Inf") return -HUGE_VAL;
  if (token == "NaN") return std::nan("");
  if (token.empty()) return std::nullopt;
  std::string text(token);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

std::string_view StripSuffix(std::string_view name, std::string_view suffix) {
  if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix)
    return name.substr(0, name.size() - suffix.size());
  return {};
}

class Parser {
 public:
  Result<PrometheusText> Run(std::string_view text) {
    if (!text.empty() && text.back() != '\n') return Fail(0, "the last line must end with \\n");
    size_t start = 0;
    int line_no = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      std::string_view line = text.substr(start, end - start);
      start = end + 1;
      ++line_no;
      if (line.empty()) continue;
      std::string error;
      bool ok = line[0] == '#' ? Comment(line, line_no, error) : Sample(line, line_no, error);
      if (!ok) return Fail(line_no, error);
    }
    for (const PrometheusFamily& f : out_.families) {
      if (f.type != "histogram") continue;
      if (Status s = CheckHistogram(f); !s.ok()) return s;
    }
    return std::move(out_);
  }

 private:
  static Status Fail(int line, const std::string& message) {
    return InvalidArgument((line > 0 ? "line " + std::to_string(line) + ": " : "") + message);
  }

  bool Comment(std::string_view line, int line_no, std::string& error) {
    LineReader r(line.substr(1));
    r.SkipBlanks();
    std::string_view keyword = r.Word();
    if (keyword != "HELP" && keyword != "TYPE") return true;  // any other comment is ignored
    if (r.SkipBlanks() == 0) {
      error = "expected a metric name after # " + std::string(keyword);
      return false;
    }
    std::string name;
    if (!r.ReadName(true, name, error)) return false;
    PrometheusFamily* f = Enter(name, line_no, error);
    if (f == nullptr) return false;
    if (!f->samples.empty()) {
      error = "# " + std::string(keyword) + " for " + name + " after its samples";
      return false;
    }
    bool blank = r.SkipBlanks() > 0;
    if (keyword == "HELP") {
      if (!seen_help_.insert(name).second) {
        error = "a second # HELP for " + name;
        return false;
      }
      if (!r.AtEnd() && !blank) {
        error = "expected a space after the metric name";
        return false;
      }
      f->help = UnescapeHelp(r.Rest());
      return true;
    }
    if (!seen_type_.insert(name).second) {
      error = "a second # TYPE for " + name;
      return false;
    }
    std::string type(r.Word());
    r.SkipBlanks();
    if (!blank || !r.AtEnd() ||
        (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
         type != "untyped")) {
      error = "unknown metric type \"" + type + "\"";
      return false;
    }
    f->type = type;
    return true;
  }

  bool Sample(std::string_view line, int line_no, std::string& error) {
    LineReader r(line);
    PrometheusSample s;
    s.line = line_no;
    if (!r.ReadName(true, s.name, error)) return false;
    if (r.Consume('{')) {
      while (!r.Consume('}')) {
        std::string label, value;
        r.SkipBlanks();
        if (!r.ReadName(false, label, error)) return false;
        r.SkipBlanks();
        if (!r.Consume('=')) {
          error = "expected '=' after label " + label;
          return false;
        }
        r.SkipBlanks();
        if (!r.ReadQuoted(value, error)) return false;
        if (!s.labels.emplace(label, value).second) {
          error = "duplicate label " + label;
          return false;
        }
        r.SkipBlanks();
        if (r.Peek() != '}' && !r.Consume(',')) {
          error = "expected ',' or '}' after the value of label " + label;
          return false;
        }
        r.SkipBlanks();
      }
    }
    if (r.SkipBlanks() == 0) {
      error = "expected a space before the value of " + s.name;
      return false;
    }
    std::string_view token = r.Word();
    std::optional<double> value = ParseValue(token);
    if (!value) {
      error = "\"" + std::string(token) + "\" is not a sample value";
      return false;
    }
    s.value = *value;
    r.SkipBlanks();
    if (!r.AtEnd()) {
      std::string_view timestamp = r.Word();
      r.SkipBlanks();
      char* end = nullptr;
      std::string ts(timestamp);
      std::strtoll(ts.c_str(), &end, 10);
      if (ts.empty() || end != ts.c_str() + ts.size() || !r.AtEnd()) {
        error = "unexpected text after the value of " + s.name;
        return false;
      }
    }
    PrometheusFamily* f = Enter(FamilyOf(s.name), line_no, error);
    if (f == nullptr) return false;
    f->samples.push_back(std::move(s));
    return true;
  }

  // The family a sample name belongs to: histogram and summary samples carry a suffix.
  std::string FamilyOf(const std::string& sample_name) const {
    if (index_.count(sample_name) > 0) return sample_name;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      std::string_view base = StripSuffix(sample_name, suffix);
      if (base.empty()) continue;
      auto it = index_.find(std::string(base));
      if (it == index_.end()) continue;
      const std::string& type = out_.families[it->second].type;
      if (type == "histogram" || (type == "summary" && suffix != "_bucket")) return std::string(base);
    }
    return sample_name;
  }

  // The family `name`, which must be the current one or new: families are contiguous.
  PrometheusFamily* Enter(const std::string& name, int line_no, std::string& error) {
    auto it = index_.find(name);
    if (it == index_.end()) {
      index_[name] = out_.families.size();
      current_ = out_.families.size();
      out_.families.push_back({name, "", "untyped", {}});
      return &out_.families.back();
    }
    if (it->second != current_) {
      error = "lines of family " + name + " are not contiguous (it started before line " +
              std::to_string(line_no) + ")";
      return nullptr;
    }
    return &out_.families[it->second];
  }

  static std::string UnescapeHelp(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == 'n')) {
        out += text[i + 1] == 'n' ? '\n' : '\\';
        ++i;
      } else {
        out += text[i];
      }
    }
    return out;
  }

  // Per label set (without le): le strictly ascending ending at +Inf, counts non-decreasing,
  // +Inf == _count, and a _sum present.
  static Status CheckHistogram(const PrometheusFamily& f) {
    struct Series {
      double last_le = -HUGE_VAL;
      double last_count = 0;
      bool has_buckets = false;
      std::optional<double> inf, count, sum;
      int line = 0;
    };
    std::map<PrometheusLabels, Series> series;
    for (const PrometheusSample& s : f.samples) {
      PrometheusLabels labels = s.labels;
      if (s.name == f.name + "_bucket") {
        auto le_it = labels.find("le");
        if (le_it == labels.end()) return Fail(s.line, "a bucket of " + f.name + " without le");
        std::optional<double> le = ParseValue(le_it->second);
        if (!le) return Fail(s.line, "le=\"" + le_it->second + "\" is not a number");
        labels.erase(le_it);
        Series& x = series[labels];
        if (x.has_buckets && !(*le > x.last_le))
          return Fail(s.line, "buckets of " + f.name + " are not in ascending le order");
        if (x.has_buckets && s.value < x.last_count)
          return Fail(s.line, "buckets of " + f.name + " are not cumulative");
        x.has_buckets = true;
        x.last_le = *le;
        x.last_count = s.value;
        x.line = s.line;
        if (std::isinf(*le) && *le > 0) x.inf = s.value;
      } else if (s.name == f.name + "_count") {
        series[labels].count = s.value;
      } else if (s.name == f.name + "_sum") {
        series[labels].sum = s.value;
      } else {
        return Fail(s.line, s.name + " is not a sample name of histogram " + f.name);
      }
    }
    for (const auto& [labels, x] : series) {
      if (!x.inf) return Fail(x.line, f.name + " has no le=\"+Inf\" bucket");
      if (!x.count || *x.count != *x.inf)
        return Fail(x.line, f.name + "_count is missing or differs from its +Inf bucket");
      if (!x.sum) return Fail(x.line, f.name + "_sum is missing");
    }
    return Status::Ok();
  }

  PrometheusText out_;
  std::map<std::string, size_t> index_;
  std::set<std::string> seen_help_, seen_type_;
  size_t current_ = 0;
};

}  // namespace

const PrometheusFamily* PrometheusText::Find(std::string_view family) const {
  for (const PrometheusFamily& f : families)
    if (f.name == family) return &f;
  return nullptr;
}

std::optional<double> PrometheusText::Value(std::string_view sample_name,
                                            const PrometheusLabels& labels) const {
  for (const PrometheusFamily& f : families)
    for (const PrometheusSample& s : f.samples)
      if (s.name == sample_name && s.labels == labels) return s.value;
  return std::nullopt;
}

std::vector<PrometheusSample> PrometheusText::Samples(std::string_view sample_name) const {
  std::vector<PrometheusSample> out;
  for (const PrometheusFamily& f : families)
    for (const PrometheusSample& s : f.samples)
      if (s.name == sample_name) out.push_back(s);
  return out;
}

std::vector<std::string> PrometheusText::FamilyNames() const {
  std::vector<std::string> out;
  for (const PrometheusFamily& f : families) out.push_back(f.name);
  return out;
}

Result<PrometheusText> ParsePrometheusText(std::string_view text) { return Parser().Run(text); }

}  // namespace spaceport::support
