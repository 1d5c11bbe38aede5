#include "model/sequential.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "activations/activation.hpp"
#include "kernels/elementwise.hpp"
#include "layers/conv_max_pool.hpp"
#include "layers/registry.hpp"
#include "model/metric_tracker.hpp"
#include "util/json_fields.hpp"

namespace neurite {

void History::append(const Logs& logs) {
  for (const auto& [key, value] : logs) {
    if (!values.count(key)) keys.push_back(key);
    values[key].push_back(value);
  }
  // Keras' order: training values first, validation ones after
  std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    return a.rfind("val_", 0) != 0 && b.rfind("val_", 0) == 0;
  });
}

std::string snake_case(const std::string& class_name) {
  std::string out;
  for (std::size_t i = 0; i < class_name.size(); ++i) {
    const char c = class_name[i];
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0 && std::islower(static_cast<unsigned char>(class_name[i - 1])))
      out += '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Sequential::Sequential(std::uint32_t seed, std::string name) : name_(std::move(name)), seed_(seed), rng_(seed) {}
Sequential::~Sequential() = default;

Sequential& Sequential::add(std::unique_ptr<Layer> layer) {
  if (built_) throw std::logic_error("cannot add a layer to a model that is already built");
  if (layer->name().empty()) {
    const std::string base = snake_case(layer->class_name());
    std::size_t same = 0;
    for (const auto& l : layers_) same += l->class_name() == layer->class_name();
    layer->set_name(same == 0 ? base : base + "_" + std::to_string(same));
  }
  for (const auto& l : layers_)
    if (l->name() == layer->name()) throw std::invalid_argument("two layers are named '" + layer->name() + "'");
  layers_.push_back(std::move(layer));
  return *this;
}

void Sequential::build(const Shape& input_shape) {
  if (layers_.empty()) throw std::logic_error("the model has no layers");
  Shape shape = input_shape;
  bool weights_before = false;
  for (auto& layer : layers_) {
    shape = layer->build_once(shape, rng_);
    layer->set_input_gradient_needed(weights_before);
    weights_before = weights_before || !layer->params().empty();
  }
  fused_.clear();
  fused_.resize(layers_.size());
  passed_over_.assign(layers_.size(), false);
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
    fused_[i] = ConvMaxPool::fuse(*layers_[i], *layers_[i + 1]);
    passed_over_[i] = layers_[i]->only_reshapes() && layers_[i + 1]->reads_input_as_rows();
  }
  built_ = true;
}

Shape Sequential::input_shape() const {
  if (built_) return layers_.front()->input_shape();
  if (!layers_.empty() && layers_.front()->declared_input_shape()) return *layers_.front()->declared_input_shape();
  return {};
}

Shape Sequential::output_shape() const {
  if (!built_) throw std::logic_error("the model is not built yet");
  return layers_.back()->output_shape();
}

void Sequential::ensure_built(const Samples& x) {
  if (built_) return;
  const Shape declared = input_shape();
  if (!declared.empty() && declared != x.sample_shape())
    throw std::invalid_argument("the model expects inputs of shape " + shape_str(declared) + ", got " +
                                shape_str(x.sample_shape()));
  build(x.sample_shape());
}

void Sequential::compile(std::unique_ptr<Optimizer> optimizer, std::unique_ptr<Loss> loss,
                         std::vector<std::string> metrics) {
  for (const auto& m : metrics)
    if (!MetricTracker::is_known(m))
      throw std::invalid_argument("unknown metric '" + m + "' (known: " + MetricTracker::known_list() + ")");
  if (layers_.empty()) throw std::logic_error("compile: the model has no layers");
  // softmax + cross-entropy (sigmoid + binary cross-entropy) differentiate as one stable step
  Activation* last = layers_.back()->output_activation();
  const bool fuse = last && !loss->fusable_activation().empty() && last->name() == loss->fusable_activation();
  for (auto& layer : layers_)
    if (auto* a = layer->output_activation()) a->set_fused_with_loss(false);
  if (last) last->set_fused_with_loss(fuse);
  loss->set_fused(fuse);
  optimizer_ = std::move(optimizer);
  loss_ = std::move(loss);
  metric_names_ = std::move(metrics);
}

std::vector<Param> Sequential::params() {
  std::vector<Param> all;
  for (auto& layer : layers_)
    for (auto& p : layer->params()) all.push_back(p);
  return all;
}

std::size_t Sequential::param_count() {
  std::size_t n = 0;
  for (auto& layer : layers_) n += layer->param_count();  // non-trainable weights included, as Keras counts
  return n;
}

std::vector<Tensor> Sequential::get_weights() {
  std::vector<Tensor> weights;
  for (auto& layer : layers_)
    for (const auto& p : layer->weights()) weights.push_back(*p.value);
  return weights;
}

void Sequential::set_weights(const std::vector<Tensor>& weights) {
  std::vector<Param> list;
  for (auto& layer : layers_)
    for (const auto& p : layer->weights()) list.push_back(p);
  if (weights.size() != list.size())
    throw std::invalid_argument("set_weights: the model has " + std::to_string(list.size()) + " weight tensors, got " +
                                std::to_string(weights.size()));
  for (std::size_t i = 0; i < list.size(); ++i)
    if (weights[i].shape() != list[i].value->shape())
      throw std::invalid_argument("set_weights: weight " + std::to_string(i) + " has the wrong shape");
  for (std::size_t i = 0; i < list.size(); ++i) *list[i].value = weights[i];
}

namespace {
using ProfileClock = std::chrono::steady_clock;
double milliseconds_since(ProfileClock::time_point start) {
  return std::chrono::duration<double, std::milli>(ProfileClock::now() - start).count();
}
}  // namespace

void Sequential::attach_layer_profile(LayerProfile* profile) {
  profile_ = profile;
  if (profile) *profile = {std::vector<double>(layers_.size(), 0.0), std::vector<double>(layers_.size(), 0.0), 0};
}

const Tensor& Sequential::forward(const Tensor& x, bool training) {
  const Tensor* out = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (passed_over_[i]) continue;
    const auto start = profile_ ? ProfileClock::now() : ProfileClock::time_point{};
    const std::size_t first = i;
    out = fused_[i] ? &fused_[i++]->forward(*out) : &layers_[i]->forward(*out, training);
    if (profile_) profile_->forward_ms[first] += milliseconds_since(start);
  }
  return *out;
}

void Sequential::backward(const Tensor& grad) {
  const Tensor* g = &grad;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    if (passed_over_[i]) continue;  // its input_gradient_needed() is the Dense's, checked already
    const auto start = profile_ ? ProfileClock::now() : ProfileClock::time_point{};
    g = i > 0 && fused_[i - 1] ? &fused_[--i]->backward(*g) : &layers_[i]->backward(*g);
    if (profile_) profile_->backward_ms[i] += milliseconds_since(start);
    if (!layers_[i]->input_gradient_needed()) break;  // the layers before it have nothing to learn
  }
  if (profile_) ++profile_->steps;
}

float Sequential::regularization_loss() {
  double total = 0.0;
  for (const auto& p : params())
    if (p.l2 > 0.0f) total += p.l2 * kernels::sum_of_squares(p.value->data(), p.value->size());
  return static_cast<float>(total);
}

void Sequential::add_regularization_gradients() {
  for (const auto& p : params())
    if (p.l2 > 0.0f) kernels::axpy(2.0f * p.l2, p.value->data(), p.grad->data(), p.value->size());
}

void Sequential::check_data(const Samples& x, const Samples& y, const char* what) const {
  if (x.size() != y.size())
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(x.size()) + " inputs but " +
                                std::to_string(y.size()) + " targets");
  if (x.size() == 0) throw std::invalid_argument(std::string(what) + ": no samples");
  if (built_ && x.sample_shape() != input_shape())
    throw std::invalid_argument(std::string(what) + ": the model expects inputs of shape " + shape_str(input_shape()) +
                                ", got " + shape_str(x.sample_shape()));
  if (!loss_) return;
  const std::size_t expected = loss_->sparse_targets() ? 1 : (built_ ? shape_size(output_shape()) : y.sample_size());
  if (y.sample_size() != expected)
    throw std::invalid_argument(std::string(what) + ": " + loss_->name() + " needs " + std::to_string(expected) +
                                " target value(s) per sample, got " + std::to_string(y.sample_size()) +
                                (loss_->sparse_targets() ? "" : " (use to_categorical for class labels)"));
}

void Sequential::gather_batch(const Samples& x, const Samples& y, const std::size_t* indices, std::size_t n) {
  ensure_shape(batch_x_, with_batch(n, x.sample_shape()));
  x.gather(indices, n, batch_x_.data());
  ensure_shape(batch_y_, with_batch(n, y.sample_shape()));
  y.gather(indices, n, batch_y_.data());
}

std::size_t Sequential::class_count() const {
  const std::size_t width = shape_size(output_shape());
  return width == 1 ? 2 : width;
}

std::vector<std::size_t> Sequential::predicted_classes(const Tensor& out) const {
  const std::size_t rows = out.shape()[0];
  const float threshold = loss_ && loss_->from_logits() ? 0.0f : 0.5f;
  return metrics::predicted_classes(out.data(), rows, out.size() / rows, threshold);
}

std::vector<std::size_t> Sequential::true_classes(const Tensor& targets) const {
  const std::size_t rows = targets.shape()[0];
  if (loss_ && loss_->sparse_targets()) {
    std::vector<std::size_t> classes(rows);
    for (std::size_t r = 0; r < rows; ++r) classes[r] = static_cast<std::size_t>(targets.data()[r]);
    return classes;
  }
  return metrics::true_classes(targets.data(), rows, targets.size() / rows);
}

float Sequential::train_step(const Samples& x, const Samples& y, const std::size_t* indices, std::size_t n,
                             MetricTracker& tracker) {
  gather_batch(x, y, indices, n);
  const Tensor& out = forward(batch_x_, true);
  const float loss = loss_->compute(out, batch_y_, &loss_grad_) + regularization_loss();
  if (!std::isfinite(loss))
    throw TrainingDiverged("the loss became " + std::to_string(loss) +
                           ": training diverged (try a lower learning rate); the weights from before this batch are kept");
  const bool classes = tracker.needs_classes();
  tracker.add(loss, out, batch_y_, classes ? predicted_classes(out) : std::vector<std::size_t>{},
              classes ? true_classes(batch_y_) : std::vector<std::size_t>{});
  backward(loss_grad_);
  add_regularization_gradients();
  optimizer_->step(params());
  return loss;
}

Logs Sequential::train_on_batch(const Samples& x, const Samples& y, const std::size_t* indices, std::size_t n) {
  if (!loss_) throw std::logic_error("train: compile the model first");
  ensure_built(x);
  check_data(x, y, "train_on_batch");
  MetricTracker tracker(metric_names_, class_count());
  train_step(x, y, indices, n, tracker);
  return tracker.logs();
}

Logs Sequential::evaluate(const Samples& x, const Samples& y, std::size_t batch_size) {
  if (!loss_) throw std::logic_error("evaluate: compile the model first");
  ensure_built(x);
  check_data(x, y, "evaluate");
  MetricTracker tracker(metric_names_, class_count());
  const bool classes = tracker.needs_classes();
  std::vector<std::size_t> indices;
  for (std::size_t begin = 0; begin < x.size(); begin += batch_size) {
    const std::size_t n = std::min(batch_size, x.size() - begin);
    indices.resize(n);
    std::iota(indices.begin(), indices.end(), begin);
    gather_batch(x, y, indices.data(), n);
    const Tensor& out = forward(batch_x_, false);
    const float loss = loss_->compute(out, batch_y_, nullptr) + regularization_loss();
    tracker.add(loss, out, batch_y_, classes ? predicted_classes(out) : std::vector<std::size_t>{},
                classes ? true_classes(batch_y_) : std::vector<std::size_t>{});
  }
  return tracker.logs();
}

Tensor Sequential::predict(const Samples& x, std::size_t batch_size) {
  ensure_built(x);
  if (x.sample_shape() != input_shape())
    throw std::invalid_argument("predict: the model expects inputs of shape " + shape_str(input_shape()) + ", got " +
                                shape_str(x.sample_shape()));
  Tensor result = Tensor::from_shape(with_batch(x.size(), output_shape()));
  const std::size_t width = shape_size(output_shape());
  for (std::size_t begin = 0; begin < x.size(); begin += batch_size) {
    const std::size_t n = std::min(batch_size, x.size() - begin);
    ensure_shape(batch_x_, with_batch(n, x.sample_shape()));
    x.gather_range(begin, n, batch_x_.data());
    const Tensor& out = forward(batch_x_, false);
    std::copy(out.data(), out.data() + n * width, result.data() + begin * width);
  }
  return result;
}

metrics::ConfusionMatrix Sequential::confusion_matrix(const Samples& x, const Samples& y, std::size_t batch_size) {
  check_data(x, y, "confusion_matrix");
  const Tensor pred = predict(x, batch_size);
  Tensor targets = Tensor::from_shape(with_batch(y.size(), y.sample_shape()));
  y.gather_range(0, y.size(), targets.data());
  metrics::ConfusionMatrix matrix(class_count());
  matrix.add(true_classes(targets), predicted_classes(pred));
  return matrix;
}

}  // namespace neurite
