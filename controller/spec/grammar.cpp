#include "spec/grammar.h"

#include <cctype>
#include <limits>

#include "spec/quote.h"
#include "spec/suggest.h"

namespace spaceport::spec {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllOf(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

// Letters, digits and '-', starting and ending with a letter or digit (one DNS label).
bool IsDnsLabel(std::string_view s, bool lower_only) {
  if (s.empty() || s.size() > 63) return false;
  auto ok = [&](char c) { return lower_only ? IsLowerAlnum(c) : IsAlnum(c); };
  if (!ok(s.front()) || !ok(s.back())) return false;
  for (char c : s) {
    if (!ok(c) && c != '-') return false;
  }
  return true;
}

// One path component of an OCI repository: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*.
bool IsPathComponent(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  size_t i = 0;
  while (i < s.size()) {
    if (IsLowerAlnum(s[i])) {
      ++i;
      continue;
    }
    // A separator run: ".", "_", "__" or any number of "-".
    const size_t start = i;
    while (i < s.size() && !IsLowerAlnum(s[i])) ++i;
    const std::string_view sep = s.substr(start, i - start);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
  }
  return true;
}

bool IsRegistryHost(std::string_view host) {
  std::string_view name = host;
  if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !AllOf(port, IsDigit)) return false;
    if (std::stoi(std::string(port)) > 65535) return false;
    name = host.substr(0, colon);
  }
  if (name.empty()) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    const std::string_view label =
        name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    if (!IsDnsLabel(label, false)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Hub repo-id rules for one side of OWNER/NAME (huggingface_hub's validate_repo_id).
std::optional<std::string> HubNamePartError(std::string_view part, std::string_view what) {
  if (part.empty()) return "the " + std::string(what) + " is empty";
  if (!IsAlnum(part.front())) {
    return "the " + std::string(what) + " must start with a letter or digit";
  }
  for (char c : part) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return "the " + std::string(what) + " may contain only letters, digits, '-', '_' and '.'";
    }
  }
  if (part.find("--") != std::string_view::npos || part.find("..") != std::string_view::npos) {
    return "the " + std::string(what) + " must not contain \"--\" or \"..\"";
  }
  if (part.back() == '-' || part.back() == '.') {
    return "the " + std::string(what) + " must not end with '-' or '.'";
  }
  return std::nullopt;
}

constexpr std::string_view kPlaceholders[] = {".Version", ".Image", ".BuildID"};

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const size_t last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

GrammarError CheckRfc1123Label(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > 63) return Quote(name) + " is longer than 63 characters";
  if (!IsDnsLabel(name, true)) {
    return Quote(name) +
           " is not a valid name: use lower-case letters, digits and '-', starting and ending "
           "with a letter or digit (RFC 1123)";
  }
  return std::nullopt;
}

GrammarError CheckDnsSubdomain(std::string_view name) {
  return CheckDnsSubdomainName(name, "Secret name");
}

GrammarError CheckDnsSubdomainName(std::string_view name, std::string_view what) {
  if (name.empty()) return "must not be empty";
  if (name.size() > 253) return Quote(name) + " is longer than 253 characters";
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    const std::string_view label =
        name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    if (!IsDnsLabel(label, true)) {
      return Quote(name) +
             " is not a valid " + std::string(what) +
             ": use lower-case letters, digits, '-' and '.', "
             "starting and ending with a letter or digit";
    }
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

GrammarError CheckSecretKey(std::string_view key) {
  if (key.empty()) return "must not be empty";
  if (key.size() > 253) return Quote(key) + " is longer than 253 characters";
  for (char c : key) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return Quote(key) + " is not a valid Secret key: use letters, digits, '-', '_' and '.'";
    }
  }
  return std::nullopt;
}

GrammarError CheckImageRepository(std::string_view repository) {
  const std::string quoted = Quote(repository);
  if (repository.empty()) return "must not be empty";
  if (const size_t at = repository.find('@'); at != std::string_view::npos) {
    return quoted +
           " includes a digest; give the repository alone and the tag in "
           "spec.image.version";
  }
  const size_t last_slash = repository.rfind('/');
  const std::string_view last =
      last_slash == std::string_view::npos ? repository : repository.substr(last_slash + 1);
  if (const size_t colon = last.find(':'); colon != std::string_view::npos) {
    return quoted + " includes a tag; write the repository without it and put " +
           Quote(last.substr(colon + 1)) + " in spec.image.version";
  }
  for (char c : repository) {
    if (c >= 'A' && c <= 'Z') return quoted + " must be lower case";
  }
  if (repository.size() > 255) return quoted + " is longer than 255 characters";
  const size_t first_slash = repository.find('/');
  const std::string_view first = repository.substr(0, first_slash);
  const bool looks_like_host = first.find('.') != std::string_view::npos ||
                               first.find(':') != std::string_view::npos || first == "localhost";
  if (!looks_like_host) {
    // Docker's short names hide the host (and, for official images, "library/").
    const std::string name(repository);
    if (first_slash == std::string_view::npos) {
      return quoted + " has no registry host; write it in full, e.g. \"docker.io/library/" + name +
             "\"";
    }
    return quoted + " has no registry host; write it in full, e.g. \"ghcr.io/" + name +
           "\" or \"docker.io/" + name + "\"";
  }
  if (first_slash == std::string_view::npos) {
    return quoted + " names a registry but no repository; e.g. \"" + std::string(repository) +
           "/OWNER/APP\"";
  }
  if (!IsRegistryHost(first)) {
    return quoted + ": " + Quote(first) + " is not a valid registry host[:port]";
  }
  size_t start = first_slash + 1;
  while (true) {
    const size_t slash = repository.find('/', start);
    const std::string_view component =
        repository.substr(start, slash == std::string_view::npos ? repository.npos : slash - start);
    if (component.empty()) return quoted + " has an empty path component";
    if (!IsPathComponent(component)) {
      return quoted + ": path component " + Quote(component) +
             " is not valid; use lower-case letters and digits, separated by '.', '_', '__' or "
             "'-'";
    }
    if (slash == std::string_view::npos) return std::nullopt;
    start = slash + 1;
  }
}

GrammarError CheckTag(std::string_view tag) {
  if (tag.empty()) return "must not be empty";
  if (tag.size() > 128) return Quote(tag) + " is longer than 128 characters, the limit for a tag";
  const bool first_ok = IsAlnum(tag.front()) || tag.front() == '_';
  bool rest_ok = true;
  for (char c : tag) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') rest_ok = false;
  }
  if (!first_ok || !rest_ok) {
    return Quote(tag) +
           " is not a valid tag: use letters, digits, '_', '.' and '-', not starting with '.' "
           "or '-'";
  }
  return std::nullopt;
}

GrammarError CheckContainerImage(std::string_view image) {
  const std::string quoted = Quote(image);
  if (image.empty()) return "must not be empty";
  std::string_view name = image;
  if (const size_t at = image.find('@'); at != std::string_view::npos) {
    name = image.substr(0, at);
    const std::string_view digest = image.substr(at + 1);
    const size_t colon = digest.find(':');
    const std::string_view algorithm = digest.substr(0, colon);
    const std::string_view hex = colon == std::string_view::npos ? "" : digest.substr(colon + 1);
    const bool hex_ok =
        hex.size() >= 32 && hex.find_first_not_of("0123456789abcdef") == std::string_view::npos;
    if (algorithm.empty() || !AllOf(algorithm, IsLowerAlnum) || !hex_ok) {
      return quoted + ": " + Quote(digest) +
             " is not a digest such as sha256:<64 lower-case hex digits>";
    }
  }
  const size_t last_slash = name.rfind('/');
  const size_t colon = name.find(':', last_slash == std::string_view::npos ? 0 : last_slash + 1);
  if (colon != std::string_view::npos) {
    if (auto why = CheckTag(name.substr(colon + 1))) return quoted + ": the tag " + *why;
    name = name.substr(0, colon);
  }
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') return quoted + " must be lower case (but for its tag)";
  }
  // Components: an optional registry host first (when it is not a path component itself).
  size_t start = 0;
  bool first = true;
  while (true) {
    const size_t slash = name.find('/', start);
    const std::string_view component =
        name.substr(start, slash == std::string_view::npos ? name.npos : slash - start);
    if (component.empty()) return quoted + " has an empty path component";
    const bool host = first && slash != std::string_view::npos && IsRegistryHost(component);
    if (!host && !IsPathComponent(component)) {
      return quoted + ": " + Quote(component) +
             " is not a valid registry host[:port] or path component (lower-case letters and "
             "digits, separated by '.', '_', '__' or '-')";
    }
    if (slash == std::string_view::npos) return std::nullopt;
    start = slash + 1;
    first = false;
  }
}

GrammarError CheckQuantity(std::string_view quantity) {
  const std::string why =
      Quote(quantity) + " is not a Kubernetes quantity such as 500m, 2, 512Mi or 2Gi";
  size_t i = 0;
  const size_t int_start = i;
  while (i < quantity.size() && IsDigit(quantity[i])) ++i;
  bool digits = i > int_start;
  if (i < quantity.size() && quantity[i] == '.') {
    const size_t frac_start = ++i;
    while (i < quantity.size() && IsDigit(quantity[i])) ++i;
    digits = digits || i > frac_start;
  }
  if (!digits) return why;
  const std::string_view suffix = quantity.substr(i);
  if (suffix.empty()) return std::nullopt;
  for (std::string_view binary : {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}) {
    if (suffix == binary) return std::nullopt;
  }
  if (suffix.size() == 1 && std::string_view("numkMGTPE").find(suffix[0]) != std::string_view::npos) {
    return std::nullopt;
  }
  if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view exponent = suffix.substr(1);
    if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) exponent.remove_prefix(1);
    if (!exponent.empty() && AllOf(exponent, IsDigit)) return std::nullopt;
  }
  return why;
}

GrammarError CheckEnvName(std::string_view name) {
  if (name.empty()) return "a variable name must not be empty";
  const bool first_ok =
      std::isalpha(static_cast<unsigned char>(name.front())) || name.front() == '_';
  bool rest_ok = true;
  for (char c : name) {
    if (!IsAlnum(c) && c != '_') rest_ok = false;
  }
  if (!first_ok || !rest_ok) {
    return Quote(name) +
           " is not a valid variable name: use letters, digits and '_', not starting with a "
           "digit";
  }
  return std::nullopt;
}

GrammarError CheckSpaceId(std::string_view id) {
  const size_t slash = id.find('/');
  if (slash == std::string_view::npos || id.find('/', slash + 1) != std::string_view::npos) {
    return Quote(id) + " is not OWNER/NAME";
  }
  const std::string_view owner = id.substr(0, slash);
  const std::string_view name = id.substr(slash + 1);
  if (auto why = HubNamePartError(owner, "owner")) return Quote(id) + " is not OWNER/NAME: " + *why;
  if (auto why = HubNamePartError(name, "name")) return Quote(id) + " is not OWNER/NAME: " + *why;
  if (name.size() > 96)
    return Quote(id) + " is not OWNER/NAME: the name is longer than 96 characters";
  return std::nullopt;
}

std::string CanonicalSpaceId(std::string_view id) {
  std::string out(id);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

GrammarError CheckGithubRepository(std::string_view repository) {
  const size_t slash = repository.find('/');
  const std::string message = Quote(repository) + " is not a GitHub OWNER/REPO";
  if (slash == std::string_view::npos ||
      repository.find('/', slash + 1) != std::string_view::npos) {
    return message;
  }
  const std::string_view owner = repository.substr(0, slash);
  const std::string_view repo = repository.substr(slash + 1);
  if (!IsDnsLabel(owner, false) || owner.size() > 39) {
    return message + ": the owner may contain only letters, digits and '-' (at most 39)";
  }
  if (repo.empty() || repo.size() > 100 || repo == "." || repo == "..") {
    return message + ": the repository name must have 1 to 100 characters";
  }
  for (char c : repo) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return message + ": the repository name may contain only letters, digits, '-', '_' and '.'";
    }
  }
  return std::nullopt;
}

GrammarError CheckWorkflow(std::string_view workflow) {
  if (!workflow.empty() && AllOf(workflow, IsDigit)) return std::nullopt;
  const bool yaml_file = (workflow.ends_with(".yml") && workflow.size() > 4) ||
                         (workflow.ends_with(".yaml") && workflow.size() > 5);
  if (yaml_file && workflow.find('/') == std::string_view::npos) return std::nullopt;
  return Quote(workflow) +
         " is not a workflow file name (such as \"docker.yml\", without its folder) or a "
         "numeric workflow id";
}

GrammarError CheckGitRef(std::string_view ref) {
  if (ref.empty()) return "must not be empty";
  bool ok = ref.front() != '-' && ref.back() != '/' && ref.back() != '.' &&
            ref.find("..") == std::string_view::npos && ref.find("@{") == std::string_view::npos;
  for (char c : ref) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '~' || c == '^' || c == ':' ||
        c == '?' || c == '*' || c == '[' || c == '\\') {
      ok = false;
    }
  }
  if (!ok) return Quote(ref) + " is not a valid git branch, tag or commit";
  return std::nullopt;
}

std::vector<std::string> CheckPlaceholders(std::string_view text) {
  std::vector<std::string> errors;
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const size_t close = text.find("}}", pos + 2);
    if (close == std::string_view::npos) {
      errors.push_back("unclosed placeholder " + Quote(text.substr(pos)) +
                       "; placeholders look like {{ .Version }}");
      break;
    }
    const std::string_view whole = text.substr(pos, close + 2 - pos);
    const std::string_view inner = Trim(text.substr(pos + 2, close - pos - 2));
    bool known = false;
    for (std::string_view p : kPlaceholders) known = known || inner == p;
    if (!known) {
      std::string hint;
      if (auto near = Suggest(inner, kPlaceholders)) {
        hint = "; did you mean \"{{ " + std::string(*near) + " }}\"?";
      } else {
        hint = "; use {{ .Version }}, {{ .Image }} or {{ .BuildID }}";
      }
      errors.push_back("unknown placeholder " + Quote(whole) + hint);
    }
    pos = close + 2;
  }
  return errors;
}

std::optional<int64_t> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == start || i - start > 12 || i == text.size()) return std::nullopt;
    const int64_t amount = std::stoll(std::string(text.substr(start, i - start)));
    int64_t unit = 0;
    switch (text[i]) {
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return std::nullopt;
    }
    ++i;
    // "ms" (milliseconds) would otherwise read as minutes then a stray "s".
    if (unit == 60 && i < text.size() && text[i] == 's') return std::nullopt;
    if (amount > (std::numeric_limits<int64_t>::max() - total) / unit) return std::nullopt;
    total += amount * unit;
  }
  return total;
}

size_t CountCharacters(std::string_view utf8) {
  size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace spaceport::spec
