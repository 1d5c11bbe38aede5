// libFuzzer target: the weights reader. The first byte picks one of the small models below (a Dense
// MLP, a CNN with Conv2D, pooling and BatchNormalization); the rest is its weights file, any length
// and any floats (NaN, infinities, denormals). A file of the wrong size must be a
// std::invalid_argument; one of the right size must load, and predicting with it must not crash.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "io/model_file.hpp"
#include "model/presets.hpp"
#include "model/samples.hpp"

namespace {

// Artifacts of two small models, made once with the project's own writer.
const neurite::io::ModelArtifacts& artifacts(std::uint8_t which) {
  static const auto make = [](std::unique_ptr<neurite::Sequential> model, neurite::Shape input) {
    model->build(input);
    return neurite::io::to_artifacts(*model);
  };
  static const neurite::io::ModelArtifacts models[] = {
      make(neurite::make_preset("toy-binary", 0), {2}),
      make(neurite::Sequential::from_topology(nlohmann::json::parse(R"({"class_name": "Sequential", "config": {"layers": [
             {"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [3, 3], "activation": "relu",
                                                  "batch_input_shape": [null, 6, 6, 1]}},
             {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}},
             {"class_name": "BatchNormalization", "config": {}},
             {"class_name": "Flatten", "config": {}},
             {"class_name": "Dense", "config": {"units": 3, "activation": "softmax"}}]}})")),
           {6, 6, 1}),
  };
  return models[which % 2];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const neurite::io::ModelArtifacts& model = artifacts(data[0]);
  try {
    auto loaded = neurite::io::from_artifacts(model.model_json, data + 1, size - 1);
    const neurite::Tensor input = neurite::Tensor::from_shape(neurite::with_batch(1, loaded->input_shape()));
    (void)loaded->predict(neurite::Samples::of(input));
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
