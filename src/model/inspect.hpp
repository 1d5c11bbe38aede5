#pragma once
// Looking at a Sequential model from outside (the browser's layer table, the bindings): per-layer
// facts as plain data, and building a model before it has seen data when its input shape is known.
#include <cstddef>
#include <string>
#include <vector>

#include "model/sequential.hpp"

namespace neurite {

struct LayerInfo {
  std::string name;        // "dense_1"
  std::string class_name;  // "Dense"
  Shape output_shape;      // per sample; empty while the model is not built
  std::size_t params = 0;  // 0 while the model is not built
};
std::vector<LayerInfo> layer_info(Sequential& model);

// Builds the model for its first layer's declared input shape (as Keras does when input_shape is
// given). Returns whether the model is built afterwards: false when no input shape is declared.
bool build_declared(Sequential& model);

// Builds the model for inputs of `sample_shape` unless it is built; a declared input shape that
// differs is std::invalid_argument naming both (the check fit and predict make).
void build_for(Sequential& model, const Shape& sample_shape);

// What layer `layer_index` outputs for `inputs` ([n, ...model input shape]) in inference mode
// (Dropout off, BatchNormalization on its moving statistics): the feature maps a Conv2D or a
// pooling layer produces for a drawn digit. Builds the model for the inputs if needed; an index
// past the last layer or inputs of another shape is std::invalid_argument naming both.
Tensor layer_output(Sequential& model, const Tensor& inputs, std::size_t layer_index);

// Layer `layer_index`'s weights in Keras' order (a Conv2D's kernel [kh, kw, in, out], then its
// bias), copied, so that a caller can show the learned filters while training goes on.
struct NamedWeight {
  std::string name;  // "kernel", "bias"
  Tensor value;
};
std::vector<NamedWeight> layer_weights(Sequential& model, std::size_t layer_index);

}  // namespace neurite
