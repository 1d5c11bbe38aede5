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

}  // namespace neurite
