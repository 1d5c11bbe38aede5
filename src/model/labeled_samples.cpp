#include "model/labeled_samples.hpp"

#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>

#include "model/inspect.hpp"

namespace neurite {

LabeledSamples::LabeledSamples(Samples x, ByteTensor labels) : x_(std::move(x)) {
  if (labels.size() != x_.size())
    throw std::invalid_argument("labeled samples: " + std::to_string(x_.size()) + " inputs but " +
                                std::to_string(labels.size()) + " labels");
  labels.reshape({labels.size()});
  labels_ = Samples::of_bytes(std::move(labels), 1.0f);
}

LabeledSamples LabeledSamples::of_bytes(ByteTensor inputs, ByteTensor labels, float divisor) {
  return LabeledSamples(Samples::of_bytes(std::move(inputs), divisor), std::move(labels));
}

LabeledSamples LabeledSamples::slice(std::size_t begin, std::size_t end) const {
  if (begin > end || end > size())
    throw std::out_of_range("slice [" + std::to_string(begin) + ", " + std::to_string(end) + ") of a set of " +
                            std::to_string(size()) + " samples");
  LabeledSamples s;
  s.x_ = x_.slice(begin, end);
  s.labels_ = labels_.slice(begin, end);
  return s;
}

Tensor LabeledSamples::label_values() const {
  Tensor values = Tensor::from_shape({labels_.size()});
  labels_.gather_range(0, labels_.size(), values.data());
  return values;
}

Samples LabeledSamples::one_hot(std::size_t num_classes) const {
  if (num_classes == 0) throw std::invalid_argument("one-hot targets need at least one class");
  const Tensor labels = label_values();
  Tensor rows = xt::zeros<float>({labels.size(), num_classes});
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto label = static_cast<std::size_t>(labels.data()[i]);
    if (label >= num_classes)
      throw std::invalid_argument("label " + std::to_string(label) + " of sample " + std::to_string(i) +
                                  " is out of range for " + std::to_string(num_classes) + " classes");
    rows.data()[i * num_classes + label] = 1.0f;
  }
  return Samples::of(std::move(rows));
}

Samples LabeledSamples::targets_for(Sequential& model) const {
  if (!model.compiled()) throw std::logic_error("compile the model first: its loss decides the targets");
  if (model.loss()->sparse_targets()) return labels_;
  build_for(model, x_.sample_shape());
  const std::size_t width = shape_size(model.output_shape());
  if (width > 1) return one_hot(width);
  Tensor column = label_values();
  column.reshape({column.size(), std::size_t{1}});
  return Samples::of(std::move(column));
}

}  // namespace neurite
