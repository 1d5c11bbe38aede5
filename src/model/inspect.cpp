#include "model/inspect.hpp"

#include <stdexcept>

namespace neurite {

std::vector<LayerInfo> layer_info(Sequential& model) {
  std::vector<LayerInfo> infos;
  for (auto& layer : model.layers()) {
    LayerInfo info;
    info.name = layer->name();
    info.class_name = layer->class_name();
    if (layer->built()) {
      info.output_shape = layer->output_shape();
      info.params = layer->param_count();
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

bool build_declared(Sequential& model) {
  if (model.built()) return true;
  const Shape declared = model.input_shape();
  if (declared.empty() || model.layers().empty()) return false;
  model.build(declared);
  return true;
}

void build_for(Sequential& model, const Shape& sample_shape) {
  if (model.built()) return;
  const Shape declared = model.input_shape();
  if (!declared.empty() && declared != sample_shape)
    throw std::invalid_argument("the model expects inputs of shape " + shape_str(declared) + ", got " +
                                shape_str(sample_shape));
  model.build(sample_shape);
}

namespace {

Layer& layer_at(Sequential& model, std::size_t layer_index) {
  const std::size_t count = model.layers().size();
  if (layer_index >= count)
    throw std::invalid_argument("layer index " + std::to_string(layer_index) + " is out of range: the model has " +
                                std::to_string(count) + " layers");
  return *model.layers()[layer_index];
}

}  // namespace

Tensor layer_output(Sequential& model, const Tensor& inputs, std::size_t layer_index) {
  layer_at(model, layer_index);
  if (inputs.dimension() < 2) throw std::invalid_argument("layer_output: inputs need a batch axis");
  const Shape sample(inputs.shape().begin() + 1, inputs.shape().end());
  build_for(model, sample);
  if (model.input_shape() != sample)
    throw std::invalid_argument("layer_output: the model expects inputs of shape " + shape_str(model.input_shape()) +
                                ", got " + shape_str(sample));
  // each layer keeps its last output until its next forward: walk the layers as predict does
  const Tensor* out = &inputs;
  for (std::size_t i = 0; i <= layer_index; ++i) out = &model.layers()[i]->forward(*out, false);
  return *out;
}

std::vector<NamedWeight> layer_weights(Sequential& model, std::size_t layer_index) {
  Layer& layer = layer_at(model, layer_index);
  std::vector<NamedWeight> out;
  if (!layer.built()) return out;
  for (const Param& p : layer.weights()) out.push_back({p.name, *p.value});
  return out;
}

}  // namespace neurite
