#include "emulators/hub/hardware.h"

#include <array>

namespace spaceport::hub_emulator {
namespace {

struct Flavor {
  std::string_view name;
  std::string_view pretty;
  std::string_view cpu;
  std::string_view ram;
  std::string_view gpu;  // empty for CPU flavors
  int64_t micro_usd_per_minute;
};

constexpr std::array<Flavor, 21> kFlavors{{
    {"cpu-basic", "CPU basic", "2 vCPU", "16 GB", "", 0},
    {"cpu-upgrade", "CPU upgrade", "8 vCPU", "32 GB", "", 500},
    {"cpu-performance", "CPU performance", "32 vCPU", "256 GB", "", 31667},
    {"cpu-xl", "CPU XL", "16 vCPU", "124 GB", "", 16667},
    {"zero-a10g", "ZeroGPU", "Dynamic resources", "Dynamic resources", "A10G", 0},
    {"t4-small", "Nvidia T4 - small", "4 vCPU", "15 GB", "T4", 6667},
    {"t4-medium", "Nvidia T4 - medium", "8 vCPU", "30 GB", "T4", 10000},
    {"l4x1", "1x Nvidia L4", "8 vCPU", "30 GB", "L4", 13333},
    {"l4x4", "4x Nvidia L4", "48 vCPU", "186 GB", "L4", 63333},
    {"l40sx1", "1x Nvidia L40S", "8 vCPU", "62 GB", "L40S", 30000},
    {"l40sx4", "4x Nvidia L40S", "48 vCPU", "382 GB", "L40S", 138333},
    {"l40sx8", "8x Nvidia L40S", "192 vCPU", "1534 GB", "L40S", 391667},
    {"a10g-small", "Nvidia A10G - small", "4 vCPU", "15 GB", "A10G", 16667},
    {"a10g-large", "Nvidia A10G - large", "12 vCPU", "46 GB", "A10G", 25000},
    {"a10g-largex2", "2x Nvidia A10G - large", "24 vCPU", "92 GB", "A10G", 50000},
    {"a10g-largex4", "4x Nvidia A10G - large", "48 vCPU", "184 GB", "A10G", 83333},
    {"a100-large", "Nvidia A100 - large", "12 vCPU", "142 GB", "A100", 41667},
    {"a100x4", "4x Nvidia A100", "48 vCPU", "568 GB", "A100", 166667},
    {"a100x8", "8x Nvidia A100", "96 vCPU", "1136 GB", "A100", 333333},
    {"inf2x6", "6x AWS Inferentia2", "24 vCPU", "96 GB", "Inferentia2", 80000},
    {"sprx8", "8x SPR", "32 vCPU", "128 GB", "", 50000},
}};

}  // namespace

bool IsKnownFlavor(std::string_view flavor) {
  for (const Flavor& f : kFlavors) {
    if (f.name == flavor) return true;
  }
  return false;
}

Json HardwareList() {
  Json out = Json::Array();
  for (const Flavor& f : kFlavors) {
    Json item = Json::Object();
    item.Set("name", Json(f.name));
    item.Set("prettyName", Json(f.pretty));
    item.Set("cpu", Json(f.cpu));
    item.Set("ram", Json(f.ram));
    if (f.gpu.empty()) {
      item.Set("accelerator", Json(nullptr));
    } else {
      Json accelerator = Json::Object();
      accelerator.Set("type", Json("gpu"));
      accelerator.Set("model", Json(f.gpu));
      item.Set("accelerator", std::move(accelerator));
    }
    item.Set("unitCostMicroUSD", Json(f.micro_usd_per_minute));
    item.Set("unitCostUSD", Json(static_cast<double>(f.micro_usd_per_minute) / 1e6));
    item.Set("unitLabel", Json("minute"));
    out.Push(std::move(item));
  }
  return out;
}

}  // namespace spaceport::hub_emulator
