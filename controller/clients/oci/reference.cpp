#include "clients/oci/reference.h"

#include "clients/oci/text.h"

namespace spaceport::oci {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool IsValidComponent(std::string_view c) {
  if (c.empty() || !IsLowerAlnum(c.front()) || !IsLowerAlnum(c.back())) return false;
  size_t i = 0;
  while (i < c.size()) {
    if (IsLowerAlnum(c[i])) {
      ++i;
      continue;
    }
    // A separator run: ".", "_", "__" or one or more "-", always followed by alnum.
    size_t start = i;
    if (c[i] == '.') {
      ++i;
    } else if (c[i] == '_') {
      ++i;
      if (i < c.size() && c[i] == '_') ++i;
    } else if (c[i] == '-') {
      while (i < c.size() && c[i] == '-') ++i;
    } else {
      return false;
    }
    if (i == start || i >= c.size() || !IsLowerAlnum(c[i])) return false;
  }
  return true;
}

bool IsValidHost(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    bool ok = IsLowerAlnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsValidRepositoryName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    std::string_view component =
        name.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (!IsValidComponent(component)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!word(tag.front())) return false;
  for (char c : tag.substr(1)) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool IsValidDigest(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == digest.size()) return false;
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view encoded = digest.substr(colon + 1);
  for (char c : algorithm) {
    if (!IsLowerAlnum(c) && c != '+' && c != '.' && c != '_' && c != '-') return false;
  }
  if (algorithm == "sha256") {
    if (encoded.size() != 64) return false;
    for (char c : encoded) {
      if (!IsHex(c)) return false;
    }
    return true;
  }
  for (char c : encoded) {
    bool ok = IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '=' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<Reference> Reference::Parse(std::string_view text) {
  std::string_view input = text;
  if (input.empty()) return InvalidArgument("empty image reference");
  Reference ref;

  size_t at = input.find('@');
  if (at != std::string_view::npos) {
    ref.digest = std::string(input.substr(at + 1));
    input = input.substr(0, at);
    if (!IsValidDigest(ref.digest)) {
      return InvalidArgument("image reference \"" + std::string(text) + "\": invalid digest \"" +
                             ref.digest + "\"");
    }
  }

  // The tag is after the last ':' that follows the last '/', so "host:5000/app" has no tag.
  size_t last_slash = input.rfind('/');
  size_t colon = input.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(input.substr(colon + 1));
    input = input.substr(0, colon);
    if (!IsValidTag(ref.tag)) {
      return InvalidArgument("image reference \"" + std::string(text) + "\": invalid tag \"" +
                             ref.tag + "\"");
    }
  }

  size_t first_slash = input.find('/');
  std::string_view first = input.substr(0, first_slash);
  bool has_host = first_slash != std::string_view::npos &&
                  (first.find('.') != std::string_view::npos ||
                   first.find(':') != std::string_view::npos || first == "localhost");
  if (has_host) {
    ref.registry = AsciiLower(first);
    ref.repository = AsciiLower(input.substr(first_slash + 1));
  } else {
    ref.registry = std::string(kDockerHubRegistry);
    ref.repository = AsciiLower(input);
    if (ref.repository.find('/') == std::string::npos) ref.repository = "library/" + ref.repository;
  }
  if (!IsValidHost(ref.registry)) {
    return InvalidArgument("image reference \"" + std::string(text) + "\": invalid registry host");
  }
  if (!IsValidRepositoryName(ref.repository)) {
    return InvalidArgument("image reference \"" + std::string(text) +
                           "\": invalid repository name \"" + ref.repository + "\"");
  }
  return ref;
}

std::string Reference::ToString() const {
  std::string out = Name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

}  // namespace spaceport::oci
