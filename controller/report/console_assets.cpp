#include "report/console_assets.h"

namespace spaceport::console {

const Asset* FindAsset(std::string_view path) {
  for (const Asset& asset : ConsoleAssets())
    if (asset.path == path) return &asset;
  return nullptr;
}

}  // namespace spaceport::console
