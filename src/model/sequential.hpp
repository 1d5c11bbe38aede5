#pragma once
// Keras' Sequential model: add layers, compile, fit, evaluate, predict, summary.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layers/layer.hpp"
#include "losses/loss.hpp"
#include "metrics/metrics.hpp"
#include "model/callbacks.hpp"
#include "model/samples.hpp"
#include "optimizers/optimizer.hpp"
#include "util/rng.hpp"

namespace neurite {

class ConvMaxPool;

struct FitOptions {
  std::size_t epochs = 1;
  std::size_t batch_size = 32;
  // Fraction of the samples, taken from the end before shuffling as Keras does, held out for validation.
  double validation_split = 0.0;
  // Used instead of validation_split when given.
  const Samples* validation_x = nullptr;
  const Samples* validation_y = nullptr;
  bool shuffle = true;
  std::vector<Callback*> callbacks;
  // log "learning_rate" even when no schedule or core callback moves it (a caller's callback will)
  bool log_learning_rate = false;
};

struct History {
  std::vector<std::string> keys;  // in the order Keras lists them: loss, metrics, val_loss, val_metrics
  std::map<std::string, std::vector<double>> values;
  std::size_t epochs() const { return values.empty() ? 0 : values.begin()->second.size(); }
  void append(const Logs& logs);
};

// Thrown when the loss becomes NaN or infinite; the weights are those from before that batch.
struct TrainingDiverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Sequential {
 public:
  explicit Sequential(std::uint32_t seed = 0, std::string name = "sequential");
  Sequential(Sequential&&) = delete;
  ~Sequential();

  Sequential& add(std::unique_ptr<Layer> layer);
  // Creates every layer's weights for a per-sample input shape (the first layer's declared shape
  // is used by fit and predict when build was not called).
  void build(const Shape& input_shape);
  bool built() const { return built_; }

  // Metrics: "accuracy" (the variant that fits the loss, as Keras picks it), "precision",
  // "recall", "f1" (macro averages over classes; class 1 for a single sigmoid output), "mae", "mse".
  void compile(std::unique_ptr<Optimizer> optimizer, std::unique_ptr<Loss> loss,
               std::vector<std::string> metrics = {"accuracy"});
  bool compiled() const { return loss_ != nullptr; }

  History fit(const Samples& x, const Samples& y, const FitOptions& options = {});
  // One optimisation step on samples x[indices], y[indices]; returns that batch's loss and metrics.
  Logs train_on_batch(const Samples& x, const Samples& y, const std::size_t* indices, std::size_t n);
  Logs evaluate(const Samples& x, const Samples& y, std::size_t batch_size = 32);
  Tensor predict(const Samples& x, std::size_t batch_size = 32);
  // Predicted and true class per sample, with the same conventions as the accuracy metric.
  metrics::ConfusionMatrix confusion_matrix(const Samples& x, const Samples& y, std::size_t batch_size = 32);

  // Asks a running fit to stop after the current batch; safe from another thread.
  void stop_training() { stop_requested_ = true; }
  bool stop_requested() const { return stop_requested_; }

  std::string summary();
  std::size_t param_count();

  std::vector<std::unique_ptr<Layer>>& layers() { return layers_; }
  Layer& layer(std::size_t i) { return *layers_.at(i); }
  std::vector<Param> params();
  std::vector<Tensor> get_weights();
  void set_weights(const std::vector<Tensor>& weights);

  const std::string& name() const { return name_; }
  Shape input_shape() const;
  Shape output_shape() const;
  Loss* loss() { return loss_.get(); }
  Optimizer* optimizer() { return optimizer_.get(); }
  const std::vector<std::string>& metric_names() const { return metric_names_; }
  std::uint32_t seed() const { return seed_; }

  // Milliseconds in each layer's forward and backward passes, summed over the passes made while it
  // is attached (npm run bench's per-layer profile, taken on real training steps); steps counts the
  // backward passes. Detached (nullptr) by default: a branch per layer and pass.
  struct LayerProfile {
    std::vector<double> forward_ms, backward_ms;
    std::size_t steps = 0;
  };
  // Zeroes *profile for this model's layers and attaches it; nullptr detaches.
  void attach_layer_profile(LayerProfile* profile);
  // Whether layer i and layer i + 1 run as one (a Conv2D and the MaxPooling2D after it:
  // conv_max_pool.hpp); the profile then counts the pair's time at layer i.
  bool runs_fused_with_next(std::size_t i) const { return i < fused_.size() && fused_[i] != nullptr; }
  // Whether layer i is passed over in training and predict: a Flatten (or Reshape) before a Dense,
  // which reads the values where they are; the profile then counts nothing for it.
  bool passes_over(std::size_t i) const { return i < passed_over_.size() && passed_over_[i]; }

  // Keras' model config: {"class_name": "Sequential", "config": {"name", "layers": [...]}}
  nlohmann::json topology() const;
  // Builds a model from that config (an "InputLayer" first entry supplies the input shape).
  static std::unique_ptr<Sequential> from_topology(const nlohmann::json& topology, std::uint32_t seed = 0);

 private:
  friend class TrainingSession;
  float train_step(const Samples& x, const Samples& y, const std::size_t* indices, std::size_t n,
                   class MetricTracker& tracker);
  const Tensor& forward(const Tensor& x, bool training);
  void backward(const Tensor& grad);
  float regularization_loss();
  void add_regularization_gradients();
  void gather_batch(const Samples& x, const Samples& y, const std::size_t* indices, std::size_t n);
  void check_data(const Samples& x, const Samples& y, const char* what) const;
  void ensure_built(const Samples& x);
  std::vector<std::size_t> predicted_classes(const Tensor& out) const;
  std::vector<std::size_t> true_classes(const Tensor& targets) const;
  std::size_t class_count() const;

  std::string name_;
  std::uint32_t seed_;
  LayerProfile* profile_ = nullptr;
  Rng rng_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<std::unique_ptr<ConvMaxPool>> fused_;  // fused_[i]: layers i and i + 1 run as one
  std::vector<bool> passed_over_;                     // see passes_over
  bool built_ = false;
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<Loss> loss_;
  std::vector<std::string> metric_names_;
  std::atomic<bool> stop_requested_{false};
  Tensor batch_x_, batch_y_, loss_grad_;  // reused from batch to batch
};

// Keras' naming: "Dense" -> "dense", "MaxPooling2D" -> "max_pooling2d"
std::string snake_case(const std::string& class_name);

}  // namespace neurite
