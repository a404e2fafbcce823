#include "emulators/hub/image_ref.h"

namespace spaceport::hub_emulator {

Result<ImageRef> ImageRef::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty image reference");
  if (text.find_first_of(" \t") != std::string_view::npos) {
    return InvalidArgument("image reference \"" + std::string(text) + "\" contains whitespace");
  }
  ImageRef ref;
  std::string_view name = text;
  if (const size_t at = name.find('@'); at != std::string_view::npos) {
    ref.reference = std::string(name.substr(at + 1));
    name = name.substr(0, at);
    if (ref.reference.rfind("sha256:", 0) != 0) {
      return InvalidArgument("image reference \"" + std::string(text) + "\" has a malformed digest");
    }
  }
  const size_t last_slash = name.rfind('/');
  const size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    if (ref.reference.empty()) ref.reference = std::string(name.substr(colon + 1));  // digest wins
    name = name.substr(0, colon);
  }
  if (ref.reference.empty()) ref.reference = "latest";

  const size_t first_slash = name.find('/');
  const std::string_view first = name.substr(0, first_slash);
  const bool has_host = first_slash != std::string_view::npos &&
                        (first.find('.') != std::string_view::npos ||
                         first.find(':') != std::string_view::npos || first == "localhost");
  if (has_host) {
    ref.host = std::string(first);
    ref.repository = std::string(name.substr(first_slash + 1));
  } else {
    ref.host = "docker.io";
    ref.repository = first_slash == std::string_view::npos ? "library/" + std::string(name)
                                                            : std::string(name);
  }
  if (ref.host == "index.docker.io" || ref.host == "registry-1.docker.io") ref.host = "docker.io";
  if (ref.repository.empty()) {
    return InvalidArgument("image reference \"" + std::string(text) + "\" names no repository");
  }
  return ref;
}

std::string ImageRef::ToString() const {
  const bool digest = reference.rfind("sha256:", 0) == 0;
  return host + "/" + repository + (digest ? "@" : ":") + reference;
}

}  // namespace spaceport::hub_emulator
