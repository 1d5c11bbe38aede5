#pragma once
// Model files in the TensorFlow.js Layers format: `model.json` (the Keras topology, a weights
// manifest and the compile settings) plus little-endian float32 weights in `weights.bin`. It is the
// format `tf.loadLayersModel` reads and `model.save` writes, and what Keras models convert to.
//
// model.json as written here:
//   {"format": "layers-model", "generatedBy": "Neurite 0.1", "convertedBy": null,
//    "modelTopology": {<Sequential::topology()>, "keras_version": "tfjs-layers 4.22.0", "backend": "tensor_flow.js"},
//    "weightsManifest": [{"paths": ["weights.bin"],
//                         "weights": [{"name": "dense/kernel", "shape": [784, 16], "dtype": "float32"}, ...]}],
//    "trainingConfig": {...}}   (only for a compiled model)
//
// trainingConfig holds what TF.js itself writes and accepts (`loadTrainingConfig`): "loss" as a
// snake_case string, "metrics" (only the ones TF.js knows), "optimizer_config" as TF.js' optimizer
// class ("Adam", "SGD", "Momentum", "RMSProp") with camelCase fields. TF.js cannot express
// from_logits, f1/recall metrics or Keras' names, so Neurite adds its exact settings under "neurite"
// (TF.js ignores fields it does not know):
//   "neurite": {"loss": {"class_name": "SparseCategoricalCrossentropy", "config": {"from_logits": true}},
//               "metrics": ["accuracy", "f1"], "optimizer": {"class_name": "Adam", "config": {"learning_rate": ...}}}
// On loading, "neurite" wins when present; otherwise the standard fields are read in either naming
// (Keras' "sparse_categorical_crossentropy", "learning_rate", "beta_1", or TF.js'
// "sparseCategoricalCrossentropy", "learningRate", "beta1"), and a Keras-style loss object
// {"class_name", "config": {"from_logits"}} too. The optimizer's state (moments) is not stored:
// training continues from the weights with fresh moments.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/sequential.hpp"

namespace neurite::io {

// A model file held in memory (what the browser reads from files or IndexedDB): model.json's
// content and the weight bytes of every manifest path, concatenated in manifest order.
struct ModelArtifacts {
  nlohmann::json model_json;
  std::vector<std::uint8_t> weights;
};

// `value` with every float written as the shortest decimal that reads back as the same float
// (0.001, not 0.0010000000474974513): what model.json and the bindings show.
nlohmann::json short_floats(nlohmann::json value);

// The model's artifacts; builds it first when only its first layer's input shape is declared
// (std::logic_error when it cannot be built). `weights_file` is the one path in the manifest.
ModelArtifacts to_artifacts(Sequential& model, const std::string& weights_file = "weights.bin");

// Builds a model from modelTopology and copies its weights. Each parameter is matched to the
// manifest by name ("<layer>/<param>", also inside a longer name such as "model/dense/kernel"),
// falling back to manifest order only when no name matches at all. Entries of TF.js' "optimizer"
// group are skipped. Restores the compile settings from trainingConfig when present. Every problem
// (bad JSON shape, missing modelTopology, unknown layer class, missing or extra weight, dtype other
// than float32, wrong shape, weight bytes that do not add up, unknown loss/optimizer/metric) throws
// std::invalid_argument naming the field or weight and what was expected vs found.
std::unique_ptr<Sequential> from_artifacts(const nlohmann::json& model_json, const std::uint8_t* weights,
                                           std::size_t size, std::uint32_t seed = 0);
std::unique_ptr<Sequential> from_artifacts(const ModelArtifacts& artifacts, std::uint32_t seed = 0);

// Compiles the model with the loss, optimizer (its schedule included) and metrics of model_json's
// trainingConfig; returns false, leaving the model as it is, when there is none.
bool compile_from_training_config(Sequential& model, const nlohmann::json& model_json);

// Writes dir/model.json and dir/weights.bin, creating dir. I/O failures are std::runtime_error
// naming the file.
void save_model(Sequential& model, const std::string& dir);

// Reads model.json and the weight files its manifest lists (relative to its directory; several
// shards are concatenated). Errors name the file: std::runtime_error for a file that cannot be read,
// std::invalid_argument for bad content ("path/model.json: ...").
std::unique_ptr<Sequential> load_model(const std::string& model_json_path, std::uint32_t seed = 0);

}  // namespace neurite::io
