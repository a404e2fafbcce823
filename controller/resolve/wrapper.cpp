#include "resolve/wrapper.h"

#include <algorithm>

#include "base/digest.h"

namespace spaceport::resolve {
namespace {

void AppendEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string_view EnvName(std::string_view entry) { return entry.substr(0, entry.find('=')); }

// The wrapper is single-platform, but a hand-made multi-platform tag is judged by its entry for
// the platform we want, falling back to the only entry there is.
const observe::PlatformImage* WrapperImage(const observe::TagInfo& tag, std::string_view platform) {
  if (const auto* p = FindPlatform(tag, platform)) return p;
  return tag.platforms.size() == 1 ? &tag.platforms.front() : nullptr;
}

std::string Label(const observe::PlatformImage* image, std::string_view key) {
  if (image == nullptr) return std::string(observe::kAbsent);
  auto it = image->labels.find(std::string(key));
  return it == image->labels.end() ? std::string(observe::kAbsent) : it->second;
}

std::string PortsText(const std::vector<std::string>& ports) {
  if (ports.empty()) return std::string(observe::kAbsent);
  std::string out;
  for (const auto& p : ports) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

}  // namespace

std::string WrapperTag(std::string_view platform, std::string_view version) {
  std::string tag = "hf-";
  for (char c : platform) tag += (c == '/') ? '-' : c;
  tag += '-';
  tag += version;
  return tag;
}

std::string SpacePlatform(const spec::WrapperSpec& wrapper) {
  const auto& ps = wrapper.platforms;
  if (ps.empty() || std::find(ps.begin(), ps.end(), "amd64") != ps.end()) return "amd64";
  return ps.front();
}

std::vector<std::string> DesiredWrapperEnv(
    const std::vector<std::string>& base_env,
    const std::vector<std::pair<std::string, std::string>>& spec_env) {
  std::vector<std::string> env = base_env;
  for (const auto& [name, value] : spec_env) {
    std::string entry = name + "=" + value;
    auto same_name = [&](const std::string& e) { return EnvName(e) == name; };
    auto it = std::find_if(env.begin(), env.end(), same_name);
    if (it != env.end()) {
      *it = std::move(entry);
    } else {
      env.push_back(std::move(entry));
    }
  }
  return env;
}

std::string WrapperSpecCanonicalText(const spec::WrapperSpec& wrapper) {
  std::string text = "spaceport.wrapper/v1\n";
  for (const auto& [name, value] : wrapper.env) {
    text += "env ";
    AppendEscaped(text, name);
    text += '=';
    AppendEscaped(text, value);
    text += '\n';
  }
  text += "port " + std::to_string(wrapper.port) + "\n";
  return text;
}

std::string WrapperSpecHash(const spec::WrapperSpec& wrapper) {
  return Sha256Hex(WrapperSpecCanonicalText(wrapper));
}

const observe::PlatformImage* FindPlatform(const observe::TagInfo& tag, std::string_view platform) {
  for (const auto& p : tag.platforms)
    if (p.platform == platform) return &p;
  return nullptr;
}

std::optional<std::string> BasePlatformDigest(const observe::TagInfo& base,
                                              std::string_view platform) {
  if (const auto* p = FindPlatform(base, platform)) {
    return p->digest.empty() ? base.digest : p->digest;
  }
  // An observer that did not read the config leaves platforms empty (or the platform unnamed):
  // the tag's own digest is then the best there is. A named platform that differs is missing.
  if (base.platforms.empty() || (base.platforms.size() == 1 && base.platforms[0].platform.empty()))
    return base.digest;
  return std::nullopt;
}

WrapperCheck CheckWrapper(const spec::WrapperSpec& wrapper, std::string_view platform,
                          const std::optional<std::string>& base_digest,
                          const observe::TagInfo* wrapper_tag, std::string_view spec_hash) {
  WrapperCheck check;
  const std::string pending = base_digest.value_or("<not built yet>");
  if (wrapper_tag == nullptr) {
    check.differences.push_back(
        {"wrapper.tag", "present", std::string(observe::kAbsent), "wrapper tag is missing"});
    return check;
  }
  const observe::PlatformImage* image = WrapperImage(*wrapper_tag, platform);

  std::string derived_from = Label(image, kLabelBaseDigest);
  if (!base_digest || derived_from != *base_digest) {
    check.differences.push_back({"wrapper.base", pending, derived_from,
                                 "stale: base moved from " + derived_from + " to " + pending});
  }

  std::string want_hash = spec_hash.empty() ? WrapperSpecHash(wrapper) : std::string(spec_hash);
  std::string have_hash = Label(image, kLabelSpecHash);
  if (have_hash != want_hash) {
    check.differences.push_back({"wrapper.spec-hash", want_hash, have_hash, "spec hash differs"});
  }

  for (const auto& [name, value] : wrapper.env) {
    std::string entry = name + "=" + value;
    bool present = false;
    std::string observed(observe::kAbsent);
    if (image != nullptr) {
      for (const auto& e : image->env) {
        if (e == entry) present = true;
        if (EnvName(e) == name) observed = e.substr(name.size() + 1);
      }
    }
    if (!present) {
      check.differences.push_back({"wrapper.env." + name, value, observed, "env differs"});
    }
  }

  std::string port = std::to_string(wrapper.port) + "/tcp";
  const std::vector<std::string> no_ports;
  const auto& ports = image ? image->exposed_ports : no_ports;
  if (std::find(ports.begin(), ports.end(), port) == ports.end()) {
    check.differences.push_back({"wrapper.port", port, PortsText(ports), "port differs"});
  }
  return check;
}

}  // namespace spaceport::resolve
