// Semantic versions and npm-style ranges (see semver.h for the accepted syntax).
//
// A range is parsed into an OR of AND-sets of primitive comparators, the way npm's node-semver
// desugars it: `~1.2` becomes `>=1.2.0 <1.3.0-0`, `^0.2.3` becomes `>=0.2.3 <0.3.0-0`. The `-0`
// upper bounds keep prereleases of the next version out, exactly as npm does.
#include "spec/semver.h"

#include <cctype>
#include <cstdint>
#include <limits>

#include "spec/quote.h"

namespace spaceport::spec {
namespace {

using Op = SemverRange::Comparator::Op;

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A decimal number without leading zeros (semver's "numeric identifier") that fits int64.
std::optional<int64_t> ParseNumber(std::string_view s) {
  if (!IsDigits(s) || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  int64_t value = 0;
  for (char c : s) {
    const int digit = c - '0';
    if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool IsIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

// Splits "rc.1" into identifiers; rejects empty ones, bad characters and (for prereleases)
// numeric identifiers with leading zeros.
bool ParseIdentifiers(std::string_view s, bool is_prerelease, std::vector<std::string>* out) {
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string_view id =
        s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (id.empty()) return false;
    for (char c : id) {
      if (!IsIdentifierChar(c)) return false;
    }
    if (is_prerelease && IsDigits(id) && id.size() > 1 && id[0] == '0') return false;
    out->emplace_back(id);
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

int CompareIdentifiers(const std::string& a, const std::string& b) {
  const bool a_num = IsDigits(a);
  const bool b_num = IsDigits(b);
  if (a_num && b_num) {
    // No leading zeros, so the longer string is the larger number; no overflow possible.
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  }
  if (a_num != b_num) return a_num ? -1 : 1;  // numeric identifiers sort first
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// A version in a range, where trailing parts may be missing or wildcards: 1, 1.2, 1.x, *.
struct Partial {
  int parts = 0;  // how many of major/minor/patch are numbers (the rest are wildcards)
  Version version;
};

Status PartialError(std::string_view token, size_t offset, std::string_view why) {
  return InvalidArgument(Quote(token) + " " + std::string(why) + " (at character " +
                         std::to_string(offset + 1) + ")");
}

Result<Partial> ParsePartial(std::string_view token, size_t offset) {
  std::string_view s = token;
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  if (s.empty()) return PartialError(token, offset, "is not a version");

  Partial p;
  std::string_view core = s;
  std::string_view prerelease, build;
  bool has_prerelease = false, has_build = false;
  if (const size_t plus = core.find('+'); plus != std::string_view::npos) {
    build = core.substr(plus + 1);
    core = core.substr(0, plus);
    has_build = true;
  }
  if (const size_t dash = core.find('-'); dash != std::string_view::npos) {
    prerelease = core.substr(dash + 1);
    core = core.substr(0, dash);
    has_prerelease = true;
  }

  int64_t* numbers[] = {&p.version.major, &p.version.minor, &p.version.patch};
  bool wildcard_seen = false;
  size_t start = 0;
  int count = 0;
  while (true) {
    const size_t dot = core.find('.', start);
    const std::string_view part =
        core.substr(start, dot == std::string_view::npos ? core.npos : dot - start);
    if (count == 3) return PartialError(token, offset, "has more than three numbers");
    if (part == "x" || part == "X" || part == "*") {
      wildcard_seen = true;
    } else {
      if (wildcard_seen) {
        return PartialError(token, offset, "has a number after a wildcard");
      }
      const auto n = ParseNumber(part);
      if (!n) {
        return PartialError(token, offset,
                            "is not a version (expected numbers such as 1.2.3, or x wildcards)");
      }
      *numbers[count] = *n;
      ++p.parts;
    }
    ++count;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if ((has_prerelease || has_build) && p.parts != 3) {
    return PartialError(token, offset,
                        "has a prerelease or build suffix but not all three numbers");
  }
  if (has_prerelease && !ParseIdentifiers(prerelease, true, &p.version.prerelease)) {
    return PartialError(token, offset, "has an invalid prerelease suffix");
  }
  if (has_build) {
    std::vector<std::string> ids;
    if (!ParseIdentifiers(build, false, &ids)) {
      return PartialError(token, offset, "has an invalid build suffix");
    }
    p.version.build = std::string(build);
  }
  return p;
}

Version Make(int64_t major, int64_t minor, int64_t patch, bool lowest_prerelease = false) {
  Version v;
  v.major = major;
  v.minor = minor;
  v.patch = patch;
  // "-0" is the lowest possible prerelease: "<2.0.0-0" excludes 2.0.0's prereleases too.
  if (lowest_prerelease) v.prerelease = {"0"};
  return v;
}

using Comparator = SemverRange::Comparator;
using ComparatorSet = std::vector<Comparator>;

const Comparator kAny{Op::kGe, Make(0, 0, 0)};
const Comparator kNone{Op::kLt, Make(0, 0, 0, true)};

bool CanIncrement(int64_t n) { return n < std::numeric_limits<int64_t>::max(); }

// The exclusive upper bound of an x-range: 1 → <2.0.0-0, 1.2 → <1.3.0-0.
Result<Comparator> NextAfterPartial(const Partial& p, std::string_view token, size_t offset) {
  const Version& v = p.version;
  const int64_t bumped = p.parts == 1 ? v.major : v.minor;
  if (!CanIncrement(bumped)) return PartialError(token, offset, "has a number that is too large");
  if (p.parts == 1) return Comparator{Op::kLt, Make(v.major + 1, 0, 0, true)};
  return Comparator{Op::kLt, Make(v.major, v.minor + 1, 0, true)};
}

Status AddXRange(const Partial& p, std::string_view token, size_t offset, ComparatorSet* out) {
  if (p.parts == 0) {
    out->push_back(kAny);
    return Status::Ok();
  }
  if (p.parts == 3) {
    out->push_back({Op::kEq, p.version});
    return Status::Ok();
  }
  auto upper = NextAfterPartial(p, token, offset);
  if (!upper.ok()) return upper.status();
  out->push_back({Op::kGe, p.version});
  out->push_back(*upper);
  return Status::Ok();
}

Status AddTilde(const Partial& p, std::string_view token, size_t offset, ComparatorSet* out) {
  if (p.parts == 0) {
    out->push_back(kAny);
    return Status::Ok();
  }
  Partial bound = p;
  bound.parts = p.parts == 1 ? 1 : 2;
  auto upper = NextAfterPartial(bound, token, offset);
  if (!upper.ok()) return upper.status();
  out->push_back({Op::kGe, p.version});
  out->push_back(*upper);
  return Status::Ok();
}

Status AddCaret(const Partial& p, std::string_view token, size_t offset, ComparatorSet* out) {
  if (p.parts == 0) {
    out->push_back(kAny);
    return Status::Ok();
  }
  const Version& v = p.version;
  // The first non-zero number among those given is the one that may not change.
  Partial bound = p;
  if (v.major != 0 || p.parts == 1) {
    bound.parts = 1;
  } else if (v.minor != 0 || p.parts == 2) {
    bound.parts = 2;
  } else {
    if (!CanIncrement(v.patch))
      return PartialError(token, offset, "has a number that is too large");
    out->push_back({Op::kGe, v});
    out->push_back({Op::kLt, Make(0, 0, v.patch + 1, true)});
    return Status::Ok();
  }
  auto upper = NextAfterPartial(bound, token, offset);
  if (!upper.ok()) return upper.status();
  out->push_back({Op::kGe, v});
  out->push_back(*upper);
  return Status::Ok();
}

Status AddPrimitive(Op op, const Partial& p, std::string_view token, size_t offset,
                    ComparatorSet* out) {
  if (p.parts == 3) {
    out->push_back({op, p.version});
    return Status::Ok();
  }
  switch (op) {
    case Op::kEq: return AddXRange(p, token, offset, out);
    case Op::kGe:  // >=1.2 is >=1.2.0; >=* is anything
      out->push_back(p.parts == 0 ? kAny : Comparator{Op::kGe, p.version});
      return Status::Ok();
    case Op::kLt:  // <1.2 is <1.2.0-0; <* is nothing
      out->push_back(p.parts == 0 ? kNone
                                  : Comparator{Op::kLt, Make(p.version.major, p.version.minor,
                                                             p.version.patch, true)});
      return Status::Ok();
    case Op::kGt:    // >1.2 is >=1.3.0; >* is nothing
    case Op::kLe: {  // <=1.2 is <1.3.0-0; <=* is anything
      if (p.parts == 0) {
        out->push_back(op == Op::kGt ? kNone : kAny);
        return Status::Ok();
      }
      auto next = NextAfterPartial(p, token, offset);
      if (!next.ok()) return next.status();
      if (op == Op::kLe) {
        out->push_back(*next);
      } else {
        Version v = next->version;
        v.prerelease.clear();
        out->push_back({Op::kGe, v});
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

// `A - B`: inclusive on both ends, with partial ends widened the npm way.
Status AddHyphen(const Partial& lo, const Partial& hi, std::string_view hi_token, size_t hi_offset,
                 ComparatorSet* out) {
  out->push_back(lo.parts == 0 ? kAny : Comparator{Op::kGe, lo.version});
  if (hi.parts == 0) return Status::Ok();
  if (hi.parts == 3) {
    out->push_back({Op::kLe, hi.version});
    return Status::Ok();
  }
  auto upper = NextAfterPartial(hi, hi_token, hi_offset);
  if (!upper.ok()) return upper.status();
  out->push_back(*upper);
  return Status::Ok();
}

struct Token {
  std::string_view text;
  size_t offset;
};

// Splits one alternative into tokens at spaces and commas (Masterminds writes ">= 1.2, < 2").
std::vector<Token> Tokenize(std::string_view text, size_t base) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() &&
           (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ',')) {
      ++i;
    }
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) &&
           text[i] != ',') {
      ++i;
    }
    if (i > start) tokens.push_back({text.substr(start, i - start), base + start});
  }
  return tokens;
}

bool IsOperatorChar(char c) { return c == '<' || c == '>' || c == '=' || c == '~' || c == '^'; }

Result<ComparatorSet> ParseAlternative(std::string_view text, size_t base) {
  std::vector<Token> tokens = Tokenize(text, base);
  ComparatorSet set;

  // Hyphen range: exactly "A - B".
  if (tokens.size() == 3 && tokens[1].text == "-") {
    auto lo = ParsePartial(tokens[0].text, tokens[0].offset);
    if (!lo.ok()) return lo.status();
    auto hi = ParsePartial(tokens[2].text, tokens[2].offset);
    if (!hi.ok()) return hi.status();
    if (Status s = AddHyphen(*lo, *hi, tokens[2].text, tokens[2].offset, &set); !s.ok()) return s;
    return set;
  }

  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view token = tokens[i].text;
    size_t offset = tokens[i].offset;
    if (token == "-") {
      return InvalidArgument(
          "\"-\" must stand between two versions, as in \"1.0.0 - 2.0.0\" (at character " +
          std::to_string(offset + 1) + ")");
    }
    size_t op_len = 0;
    while (op_len < token.size() && IsOperatorChar(token[op_len])) ++op_len;
    const std::string_view op_text = token.substr(0, op_len);
    std::string_view version_text = token.substr(op_len);
    size_t version_offset = offset + op_len;
    if (version_text.empty() && op_len > 0) {
      // An operator followed by a space: ">= 1.2.3".
      if (i + 1 >= tokens.size()) {
        return InvalidArgument(Quote(op_text) + " needs a version after it (at character " +
                               std::to_string(offset + 1) + ")");
      }
      ++i;
      version_text = tokens[i].text;
      version_offset = tokens[i].offset;
    }
    auto partial = ParsePartial(version_text, version_offset);
    if (!partial.ok()) return partial.status();

    Status s;
    if (op_text.empty()) {
      s = AddXRange(*partial, version_text, version_offset, &set);
    } else if (op_text == "=") {
      s = AddPrimitive(Op::kEq, *partial, version_text, version_offset, &set);
    } else if (op_text == "<") {
      s = AddPrimitive(Op::kLt, *partial, version_text, version_offset, &set);
    } else if (op_text == "<=") {
      s = AddPrimitive(Op::kLe, *partial, version_text, version_offset, &set);
    } else if (op_text == ">") {
      s = AddPrimitive(Op::kGt, *partial, version_text, version_offset, &set);
    } else if (op_text == ">=") {
      s = AddPrimitive(Op::kGe, *partial, version_text, version_offset, &set);
    } else if (op_text == "~") {
      s = AddTilde(*partial, version_text, version_offset, &set);
    } else if (op_text == "^") {
      s = AddCaret(*partial, version_text, version_offset, &set);
    } else {
      return InvalidArgument("unknown operator " + Quote(op_text) + " (at character " +
                             std::to_string(offset + 1) + "); use =, <, <=, >, >=, ~ or ^");
    }
    if (!s.ok()) return s;
  }
  return set;
}

bool Satisfies(const Version& v, const Comparator& c) {
  const int cmp = CompareVersions(v, c.version);
  switch (c.op) {
    case Op::kEq: return cmp == 0;
    case Op::kLt: return cmp < 0;
    case Op::kLe: return cmp <= 0;
    case Op::kGt: return cmp > 0;
    case Op::kGe: return cmp >= 0;
  }
  return false;
}

bool SameCore(const Version& a, const Version& b) {
  return a.major == b.major && a.minor == b.minor && a.patch == b.patch;
}

}  // namespace

std::optional<Version> ParseVersion(std::string_view text) {
  if (text.empty()) return std::nullopt;
  auto partial = ParsePartial(text, 0);
  // Three numbers means no wildcards: exactly a version.
  if (!partial.ok() || partial->parts != 3) return std::nullopt;
  return partial->version;
}

int CompareVersions(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  // A version without prerelease ranks above any prerelease of it.
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() && b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;
  }
  const size_t n = std::min(a.prerelease.size(), b.prerelease.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = CompareIdentifiers(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  }
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

Result<SemverRange> SemverRange::Parse(std::string_view text) {
  SemverRange range;
  range.text_ = std::string(text);
  bool blank = true;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) blank = false;
  }
  if (blank) return InvalidArgument("the range is empty; write \"*\" to accept every version");

  size_t start = 0;
  while (true) {
    const size_t bar = text.find("||", start);
    const std::string_view alternative =
        text.substr(start, bar == std::string_view::npos ? text.npos : bar - start);
    if (Tokenize(alternative, start).empty()) {
      // Point at the "||" that has nothing on one side.
      const size_t at = bar == std::string_view::npos ? start - 2 : bar;
      return InvalidArgument("empty alternative around \"||\" (at character " +
                             std::to_string(at + 1) + ")");
    }
    auto set = ParseAlternative(alternative, start);
    if (!set.ok()) return set.status();
    range.sets_.push_back(std::move(*set));
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return range;
}

bool SemverRange::Matches(const Version& v) const {
  for (const auto& set : sets_) {
    bool all = true;
    for (const auto& c : set) {
      if (!Satisfies(v, c)) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    if (v.prerelease.empty()) return true;
    // npm's rule: a prerelease matches only if the range names a prerelease of the same
    // major.minor.patch, so ">=1.0.0" never picks 2.0.0-rc.1 by accident.
    for (const auto& c : set) {
      if (!c.version.prerelease.empty() && SameCore(c.version, v)) return true;
    }
  }
  return false;
}

}  // namespace spaceport::spec
