#pragma once
// Inputs with one class label per sample (MNIST's images and digits), and the targets a compiled
// model's loss wants from those labels: class indices for the sparse losses, one-hot rows (Keras'
// to_categorical) for the categorical ones, the label itself for a single (binary) output.
// Labels stay uint8 like the images; targets are made when asked for. Copies share the storage.
#include <cstddef>

#include "model/samples.hpp"
#include "model/sequential.hpp"

namespace neurite {

class LabeledSamples {
 public:
  LabeledSamples() = default;
  // labels: one class index per sample (any shape holding x.size() values);
  // a count that differs is std::invalid_argument naming both.
  LabeledSamples(Samples x, ByteTensor labels);
  // Images as bytes divided by `divisor` as batches are gathered (x / 255.0).
  static LabeledSamples of_bytes(ByteTensor inputs, ByteTensor labels, float divisor = 255.0f);

  std::size_t size() const { return x_.size(); }
  const Samples& x() const { return x_; }
  // Samples [begin, end), sharing storage; a range outside [0, size()] is std::out_of_range.
  LabeledSamples slice(std::size_t begin, std::size_t end) const;

  // [n] class indices as floats: targets of the sparse losses.
  const Samples& class_indices() const { return labels_; }
  // [n, num_classes] one-hot rows; a label >= num_classes is std::invalid_argument naming it.
  Samples one_hot(std::size_t num_classes) const;
  // What the model's loss takes: class indices for a sparse loss, the label as a [n, 1] column for a
  // single output, one-hot rows as wide as the output otherwise. Builds the model for these inputs
  // when it is not built yet; an uncompiled model is std::logic_error.
  Samples targets_for(Sequential& model) const;

 private:
  Tensor label_values() const;  // [n] floats
  Samples x_;
  Samples labels_;  // bytes / 1: the class index as a float
};

}  // namespace neurite
