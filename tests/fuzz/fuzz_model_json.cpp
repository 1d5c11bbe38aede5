// libFuzzer target: model.json as text (a TF.js Layers model), with exactly as many zero weight bytes
// as its manifest declares, so that inputs get past the byte count into topology building, layer
// configs, weight matching and trainingConfig. Every problem must be a std::invalid_argument (or
// nlohmann's parse error) with a message; the fuzzer reports anything else, any crash, leak or
// undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/model_file.hpp"

namespace {

constexpr std::size_t kMaxWeightBytes = std::size_t{1} << 22;

// The weight bytes the manifest declares (float32: 4 per element), or 0 when it declares none or more
// than kMaxWeightBytes; a manifest the model reader will reject anyway may give any count.
std::size_t declared_weight_bytes(const nlohmann::json& model) {
  std::size_t bytes = 0;
  const auto manifest = model.find("weightsManifest");
  if (manifest == model.end() || !manifest->is_array()) return 0;
  for (const auto& group : *manifest) {
    if (!group.is_object() || !group.contains("weights") || !group["weights"].is_array()) continue;
    for (const auto& weight : group["weights"]) {
      if (!weight.is_object() || !weight.contains("shape") || !weight["shape"].is_array()) continue;
      std::size_t elements = 1;
      for (const auto& d : weight["shape"]) {
        if (!d.is_number_unsigned() || d.get<std::uint64_t>() > kMaxWeightBytes) return 0;
        elements *= d.get<std::size_t>();
        if (elements > kMaxWeightBytes) return 0;
      }
      bytes += 4 * elements;
      if (bytes > kMaxWeightBytes) return 0;
    }
  }
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json model = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (model.is_discarded()) return 0;
  const std::vector<std::uint8_t> weights(declared_weight_bytes(model), 0);
  try {
    neurite::io::from_artifacts(model, weights.data(), weights.size());
  } catch (const std::invalid_argument&) {
  } catch (const nlohmann::json::exception&) {
  }
  return 0;
}
