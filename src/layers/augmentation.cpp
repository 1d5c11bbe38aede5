#include "layers/augmentation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "layers/reshaping.hpp"
#include "util/json_fields.hpp"

namespace neurite {
namespace {

using kernels::FillMode;
using kernels::Interpolation;

constexpr double kPi = 3.14159265358979323846;

const std::vector<std::pair<const char*, FillMode>> kFillModes = {
    {"reflect", FillMode::reflect}, {"wrap", FillMode::wrap}, {"nearest", FillMode::nearest},
    {"constant", FillMode::constant}};
const std::vector<std::pair<const char*, Interpolation>> kInterpolations = {
    {"bilinear", Interpolation::bilinear}, {"nearest", Interpolation::nearest}};

template <class Enum>
Enum pick(const std::vector<std::pair<const char*, Enum>>& table, const std::string& value, const std::string& owner,
          const char* field) {
  std::string known;
  for (const auto& [name, e] : table) {
    if (value == name) return e;
    known += (known.empty() ? "" : ", ") + std::string(name);
  }
  throw std::invalid_argument(owner + ": " + field + " '" + value + "' is not supported (known: " + known + ")");
}

template <class Enum>
const char* name_of(const std::vector<std::pair<const char*, Enum>>& table, Enum value) {
  for (const auto& [name, e] : table)
    if (e == value) return name;
  return "?";
}

}  // namespace

FactorRange FactorRange::parse(const json& value, const std::string& owner, const char* field) {
  FactorRange r;
  if (value.is_number()) {
    const float f = std::abs(value.get<float>());
    r = {-f, f};
  } else if (value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number()) {
    r = {value[0].get<float>(), value[1].get<float>()};
  } else {
    throw std::invalid_argument(owner + ": " + field + " must be a number or [lower, upper], got " + value.dump());
  }
  if (!(std::isfinite(r.lower) && std::isfinite(r.upper) && r.lower <= r.upper))
    throw std::invalid_argument(owner + ": " + field + " needs finite bounds with lower ≤ upper, got " + value.dump());
  return r;
}

json FactorRange::to_json() const {
  if (lower == -upper) return upper;
  return json::array({lower, upper});
}

WarpOptions WarpOptions::parse(const json& config, const std::string& owner) {
  WarpOptions o;
  o.fill_mode = pick(kFillModes, field_or<std::string>(config, "fill_mode", "reflect", owner), owner, "fill_mode");
  o.interpolation =
      pick(kInterpolations, field_or<std::string>(config, "interpolation", "bilinear", owner), owner, "interpolation");
  o.fill_value = field_or<float>(config, "fill_value", 0.0f, owner);
  if (config.contains("seed") && !config["seed"].is_null()) o.seed = field_or<std::uint32_t>(config, "seed", 0, owner);
  if (field_or<std::string>(config, "data_format", "channels_last", owner) != "channels_last")
    throw std::invalid_argument(owner + ": only data_format 'channels_last' is supported");
  return o;
}

json RandomAffineLayer::warp_config() const {
  return {{"fill_mode", name_of(kFillModes, options_.fill_mode)},
          {"interpolation", name_of(kInterpolations, options_.interpolation)},
          {"seed", options_.seed ? json(*options_.seed) : json()},
          {"fill_value", options_.fill_value},
          {"data_format", "channels_last"}};
}

Shape RandomAffineLayer::build(const Shape& input_shape, Rng& rng) {
  if (input_shape.size() != 2 && input_shape.size() != 3)
    throw std::invalid_argument(class_name() + " '" + name() + "': needs images [height, width, channels], got " +
                                shape_str(input_shape));
  // the model's generator is drawn from either way, so adding a seed changes no other layer's draws
  const std::uint32_t drawn = rng.next();
  rng_ = Rng(options_.seed.value_or(drawn));
  return input_shape;
}

kernels::WarpSpec RandomAffineLayer::spec() const {
  const Shape& s = input_shape();
  return {s[0], s[1], s.size() == 3 ? s[2] : 1, options_.fill_mode, options_.interpolation, options_.fill_value};
}

const Tensor& RandomAffineLayer::forward(const Tensor& x, bool training) {
  last_forward_trained_ = training;
  if (!training) return x;
  const kernels::WarpSpec s = spec();
  const std::size_t batch = x.shape()[0], per_image = s.height * s.width * s.channels;
  ensure_shape(output_, Shape(x.shape().begin(), x.shape().end()));
  maps_.resize(batch);
  for (std::size_t i = 0; i < batch; ++i) {
    maps_[i] = draw_map(rng_, float(s.height), float(s.width));
    kernels::warp_affine(x.data() + i * per_image, output_.data() + i * per_image, maps_[i], s);
  }
  return output_;
}

const Tensor& RandomAffineLayer::backward(const Tensor& grad_out) {
  if (!last_forward_trained_ || !input_gradient_needed()) return grad_out;
  const kernels::WarpSpec s = spec();
  const std::size_t batch = grad_out.shape()[0], per_image = s.height * s.width * s.channels;
  ensure_shape(grad_input_, Shape(grad_out.shape().begin(), grad_out.shape().end()));
  std::fill(grad_input_.begin(), grad_input_.end(), 0.0f);
  for (std::size_t i = 0; i < batch; ++i)
    kernels::warp_affine_backward(grad_out.data() + i * per_image, grad_input_.data() + i * per_image, maps_[i], s);
  return grad_input_;
}

// ---------------------------------------------------------------------------------------------

RandomTranslation::RandomTranslation(FactorRange height_factor, FactorRange width_factor, WarpOptions options)
    : RandomAffineLayer(options), height_factor_(height_factor), width_factor_(width_factor) {
  for (const FactorRange& r : {height_factor_, width_factor_})
    if (r.lower < -1.0f || r.upper > 1.0f)
      throw std::invalid_argument("RandomTranslation: factors must lie in [-1, 1] (fractions of the image)");
}

std::unique_ptr<Layer> RandomTranslation::from_config(const json& config) {
  const std::string owner = "RandomTranslation layer";
  for (const char* key : {"height_factor", "width_factor"})
    if (!config.contains(key)) throw std::invalid_argument(owner + ": missing field '" + key + "'");
  auto layer = std::make_unique<RandomTranslation>(FactorRange::parse(config["height_factor"], owner, "height_factor"),
                                                   FactorRange::parse(config["width_factor"], owner, "width_factor"),
                                                   WarpOptions::parse(config, owner));
  layer->read_common_config(config);
  return layer;
}

json RandomTranslation::config() const {
  json c = warp_config();
  c["height_factor"] = height_factor_.to_json();
  c["width_factor"] = width_factor_.to_json();
  return c;
}

kernels::AffineMap RandomTranslation::draw_map(Rng& rng, float height, float width) const {
  const float dy = height_factor_.draw(rng) * height, dx = width_factor_.draw(rng) * width;
  return {1.0f, 0.0f, -dx, 0.0f, 1.0f, -dy};
}

RandomRotation::RandomRotation(FactorRange factor, WarpOptions options) : RandomAffineLayer(options), factor_(factor) {}

std::unique_ptr<Layer> RandomRotation::from_config(const json& config) {
  const std::string owner = "RandomRotation layer";
  if (!config.contains("factor")) throw std::invalid_argument(owner + ": missing field 'factor'");
  auto layer = std::make_unique<RandomRotation>(FactorRange::parse(config["factor"], owner, "factor"),
                                                WarpOptions::parse(config, owner));
  layer->read_common_config(config);
  return layer;
}

json RandomRotation::config() const {
  json c = warp_config();
  c["factor"] = factor_.to_json();
  return c;
}

// Keras' rotation matrix: about the centre ((w − 1) / 2, (h − 1) / 2)
kernels::AffineMap RandomRotation::draw_map(Rng& rng, float height, float width) const {
  const double angle = factor_.draw(rng) * 2.0 * kPi;
  const double cos_t = std::cos(angle), sin_t = std::sin(angle), w1 = width - 1.0, h1 = height - 1.0;
  const double x_offset = (w1 - (cos_t * w1 - sin_t * h1)) / 2.0;
  const double y_offset = (h1 - (sin_t * w1 + cos_t * h1)) / 2.0;
  return {float(cos_t), float(-sin_t), float(x_offset), float(sin_t), float(cos_t), float(y_offset)};
}

RandomZoom::RandomZoom(FactorRange height_factor, std::optional<FactorRange> width_factor, WarpOptions options)
    : RandomAffineLayer(options), height_factor_(height_factor), width_factor_(width_factor) {
  if (height_factor_.lower < -1.0f || (width_factor_ && width_factor_->lower < -1.0f))
    throw std::invalid_argument("RandomZoom: a factor's lower bound must be ≥ -1");
}

std::unique_ptr<Layer> RandomZoom::from_config(const json& config) {
  const std::string owner = "RandomZoom layer";
  if (!config.contains("height_factor")) throw std::invalid_argument(owner + ": missing field 'height_factor'");
  std::optional<FactorRange> width;
  if (config.contains("width_factor") && !config["width_factor"].is_null())
    width = FactorRange::parse(config["width_factor"], owner, "width_factor");
  auto layer = std::make_unique<RandomZoom>(FactorRange::parse(config["height_factor"], owner, "height_factor"), width,
                                            WarpOptions::parse(config, owner));
  layer->read_common_config(config);
  return layer;
}

json RandomZoom::config() const {
  json c = warp_config();
  c["height_factor"] = height_factor_.to_json();
  c["width_factor"] = width_factor_ ? width_factor_->to_json() : json();
  return c;
}

// Keras' zoom matrix: input coordinate = zoom · output coordinate, about the centre
kernels::AffineMap RandomZoom::draw_map(Rng& rng, float height, float width) const {
  const float zoom_y = 1.0f + height_factor_.draw(rng);
  const float zoom_x = width_factor_ ? 1.0f + width_factor_->draw(rng) : zoom_y;
  return {zoom_x, 0.0f, (width - 1.0f) / 2.0f * (1.0f - zoom_x), 0.0f, zoom_y, (height - 1.0f) / 2.0f * (1.0f - zoom_y)};
}

}  // namespace neurite
