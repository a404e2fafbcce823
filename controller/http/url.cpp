// Url parsing and RFC 3986 §5 reference resolution. Error messages never repeat the URL: a
// signed URL's query is a credential.
#include <charconv>
#include <optional>

#include "base/ascii.h"
#include "http/http.h"

namespace spaceport::http {
namespace {

int DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

bool IsSchemeChar(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

// True when the reference starts with "scheme:" (RFC 3986 §3.1), i.e. is absolute.
bool HasScheme(std::string_view ref) {
  for (size_t i = 0; i < ref.size(); ++i) {
    if (ref[i] == ':') return i > 0;
    if (!IsSchemeChar(ref[i], i == 0)) return false;
  }
  return false;
}

bool IsAllowedHostChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool IsAllowedIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

std::string_view StripFragment(std::string_view s) {
  const size_t hash = s.find('#');
  return hash == std::string_view::npos ? s : s.substr(0, hash);
}

// RFC 3986 §5.2.4.
std::string RemoveDotSegments(std::string_view path) {
  std::string input(path);
  std::string output;
  auto drop_last_output_segment = [&output] {
    const size_t slash = output.rfind('/');
    output.erase(slash == std::string::npos ? 0 : slash);
  };
  while (!input.empty()) {
    if (input.starts_with("../")) {
      input.erase(0, 3);
    } else if (input.starts_with("./")) {
      input.erase(0, 2);
    } else if (input.starts_with("/./")) {
      input.erase(0, 2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.starts_with("/../")) {
      input.erase(0, 3);
      drop_last_output_segment();
    } else if (input == "/..") {
      input = "/";
      drop_last_output_segment();
    } else if (input == "." || input == "..") {
      input.clear();
    } else {
      const size_t next = input.find('/', input[0] == '/' ? 1 : 0);
      const size_t len = next == std::string::npos ? input.size() : next;
      output.append(input, 0, len);
      input.erase(0, len);
    }
  }
  return output;
}

struct PathQuery {
  std::string path;
  std::optional<std::string> query;
};

PathQuery SplitPathQuery(std::string_view s) {
  const size_t q = s.find('?');
  if (q == std::string_view::npos) return {std::string(s), std::nullopt};
  return {std::string(s.substr(0, q)), std::string(s.substr(q + 1))};
}

std::string JoinPathQuery(const std::string& path, const std::optional<std::string>& query) {
  std::string out = path.empty() ? "/" : path;
  if (query) out += "?" + *query;
  return out;
}

// An absolute URL whose path is normalised, as the target of a resolution must be.
Result<Url> ParseNormalized(std::string_view text) {
  Result<Url> url = Url::Parse(text);
  if (!url.ok()) return url;
  PathQuery pq = SplitPathQuery(url->path_and_query);
  url->path_and_query = JoinPathQuery(RemoveDotSegments(pq.path), pq.query);
  return url;
}

}  // namespace

Result<Url> Url::Parse(std::string_view text) {
  const size_t sep = text.find("://");
  if (sep == std::string_view::npos || !HasScheme(text.substr(0, sep + 1))) {
    return InvalidArgument("URL is not absolute (expected http:// or https://)");
  }
  Url url;
  url.scheme = AsciiLower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    return InvalidArgument("unsupported URL scheme \"" + url.scheme + "\" (only http and https)");
  }
  std::string_view rest = StripFragment(text.substr(sep + 3));
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument(
        "URLs with user information are not supported; send credentials in a header");
  }

  std::string_view host;
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("URL has an unclosed IPv6 host");
    host = authority.substr(1, close - 1);
    for (char c : host) {
      if (!IsAllowedIpv6Char(c)) return InvalidArgument("URL has an invalid IPv6 host");
    }
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return InvalidArgument("URL has garbage after its IPv6 host");
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    for (char c : host) {
      if (!IsAllowedHostChar(c)) return InvalidArgument("URL host contains an invalid character");
    }
  }
  if (host.empty()) return InvalidArgument("URL has no host");
  url.host = AsciiLower(host);

  url.port = DefaultPort(url.scheme);
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return InvalidArgument("URL port is not a number from 1 to 65535");
    }
    url.port = port;
  }

  for (char c : tail) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return InvalidArgument("URL path contains a space or control character");
    }
  }
  if (tail.empty()) {
    url.path_and_query = "/";
  } else if (tail[0] == '?') {
    url.path_and_query = "/" + std::string(tail);
  } else {
    url.path_and_query = std::string(tail);
  }
  return url;
}

std::string Url::Origin() const {
  std::string out = scheme + "://";
  if (host.find(':') != std::string::npos) {
    out += "[" + host + "]";
  } else {
    out += host;
  }
  if (port != DefaultPort(scheme)) out += ":" + std::to_string(port);
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::string Url::HostPort() const { return Origin().substr(scheme.size() + 3); }

std::string Url::ToString() const { return Origin() + path_and_query; }

Result<Url> Url::Resolve(std::string_view reference) const {
  reference = StripFragment(reference);
  if (HasScheme(reference)) return ParseNormalized(reference);
  if (reference.starts_with("//")) return ParseNormalized(scheme + ":" + std::string(reference));

  const PathQuery base = SplitPathQuery(path_and_query);
  const PathQuery ref = SplitPathQuery(reference);
  Url target = *this;
  if (ref.path.empty()) {
    target.path_and_query = JoinPathQuery(base.path, ref.query ? ref.query : base.query);
  } else if (ref.path[0] == '/') {
    target.path_and_query = JoinPathQuery(RemoveDotSegments(ref.path), ref.query);
  } else {
    // Merge (§5.2.3): the base path up to its last '/', then the reference.
    const size_t slash = base.path.rfind('/');
    std::string merged =
        (slash == std::string::npos ? std::string("/") : base.path.substr(0, slash + 1)) + ref.path;
    target.path_and_query = JoinPathQuery(RemoveDotSegments(merged), ref.query);
  }
  for (char c : target.path_and_query) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return InvalidArgument("URL reference contains a space or control character");
    }
  }
  return target;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace spaceport::http
