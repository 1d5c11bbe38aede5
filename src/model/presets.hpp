#pragma once
// Networks named after the tutorials they come from, built and compiled as those tutorials do.
#include <memory>
#include <string>
#include <vector>

#include "model/sequential.hpp"

namespace neurite {

struct PresetInfo {
  std::string name, description;
  // how the recipe trains it (the CLI's and the page's defaults for this preset)
  std::size_t batch_size = 32, epochs = 5;
};
const std::vector<PresetInfo>& presets();
// Throws std::invalid_argument naming an unknown preset and the known ones.
const PresetInfo& preset_info(const std::string& name);
// Throws std::invalid_argument naming an unknown preset and the known ones.
std::unique_ptr<Sequential> make_preset(const std::string& name, std::uint32_t seed = 0);

}  // namespace neurite
