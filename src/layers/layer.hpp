#pragma once
// The one interface every layer implements. A layer owns its weights, their gradients and the
// buffers it needs between forward and backward, reused from batch to batch.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tensor.hpp"
#include "util/rng.hpp"

namespace neurite {

class Activation;
using json = nlohmann::json;

// A weight paired with its gradient (nullptr for a non-trainable weight); `l2` is the
// kernel_regularizer factor (0: none).
struct Param {
  std::string name;  // "kernel", "bias": the file name is "<layer name>/<param name>"
  Tensor* value;
  Tensor* grad;
  float l2 = 0.0f;
};

// The most floats one weight of a layer may hold (2^28: 1 GiB, more than a browser tab can train).
// A model file asking for more (a Conv2D with 10^9 filters, say) is an error before anything is
// allocated, instead of an out-of-memory abort.
constexpr std::size_t kMaxWeightFloats = std::size_t{1} << 28;
// Throws std::invalid_argument naming `owner` when a weight of this shape would exceed kMaxWeightFloats.
void check_weight_size(const Shape& shape, const std::string& owner);

class Layer {
 public:
  virtual ~Layer() = default;

  // Keras' class name ("Dense"): the key of the layer registry and of the model file.
  virtual std::string class_name() const = 0;

  // Creates the weights for a per-sample input shape and returns the per-sample output shape.
  virtual Shape build(const Shape& input_shape, Rng& rng) = 0;
  // x is [batch, ...input shape]; the returned tensor stays valid until the next forward.
  virtual const Tensor& forward(const Tensor& x, bool training) = 0;
  // grad_out is dL/d(output of the last forward); returns dL/d(input) (left stale when
  // input_gradient_needed() is false) and sets the parameters' gradients.
  virtual const Tensor& backward(const Tensor& grad_out) = 0;

  // Trainable weights: the optimizer steps every one of these.
  virtual std::vector<Param> params() { return {}; }
  // Weights that model files save but training does not step (BatchNormalization's moving
  // statistics); their grad is nullptr.
  virtual std::vector<Param> non_trainable() { return {}; }
  // Every weight in Keras' order (trainable, then non-trainable): what model files and get_weights hold.
  std::vector<Param> weights() {
    auto all = params();
    for (auto& p : non_trainable()) all.push_back(p);
    return all;
  }
  // The layer's Keras config without "name", "trainable", "dtype" and "batch_input_shape",
  // which Layer::full_config adds.
  virtual json config() const = 0;
  // Whether the layer only reshapes (its output holds its input's values in their order), and
  // whether it reads its input as rows of its last built axis whatever the shape it comes in: a
  // model feeds a layer of the second kind straight from the one before a layer of the first, so
  // nothing is copied either way (Flatten before Dense).
  virtual bool only_reshapes() const { return false; }
  virtual bool reads_input_as_rows() const { return false; }
  // The activation applied last in this layer, if any (the loss may fuse with it).
  virtual Activation* output_activation() { return nullptr; }
  // The layer's own random generator (Dropout's masks, the augmentations' draws), if it has one:
  // a training checkpoint saves its state so a resumed fit draws what an uninterrupted one would.
  virtual Rng* generator() { return nullptr; }

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  // Input shape declared by the user (Keras' input_shape=), used when this is the first layer.
  const std::optional<Shape>& declared_input_shape() const { return declared_input_shape_; }
  void declare_input_shape(Shape shape) { declared_input_shape_ = std::move(shape); }

  bool built() const { return built_; }
  // Whether backward must compute dL/d(input) (it always sets the parameters' gradients). Sequential
  // turns it off for the leading layers that no trainable weight precedes: nobody needs the gradient
  // of the data, and for a first Dense or Conv2D it is a third of the backward work.
  bool input_gradient_needed() const { return input_gradient_needed_; }
  void set_input_gradient_needed(bool needed) { input_gradient_needed_ = needed; }
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const { return output_shape_; }
  std::size_t param_count();

  // Builds once: records the shapes around build().
  const Shape& build_once(const Shape& input_shape, Rng& rng);
  json full_config() const;
  // Reads the common fields (name, batch_input_shape) of a Keras layer config.
  void read_common_config(const json& config);

 private:
  std::string name_;
  std::optional<Shape> declared_input_shape_;
  Shape input_shape_, output_shape_;
  bool built_ = false;
  bool input_gradient_needed_ = true;
};

}  // namespace neurite
