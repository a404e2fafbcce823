// The Space hardware flavors the emulator accepts (the union of the official clients' lists
// and the Hub docs, 2026) and the GET /api/spaces/hardware document built from them.
//
//   IsKnownFlavor("t4-small") == true;   IsKnownFlavor("h100") == false (removed Dec 2025)
#pragma once

#include <string_view>

#include "base/json.h"

namespace spaceport::hub_emulator {

bool IsKnownFlavor(std::string_view flavor);
Json HardwareList();

}  // namespace spaceport::hub_emulator
