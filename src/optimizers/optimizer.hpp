#pragma once
// Optimizers share one base: it walks the parameters and keeps each one's state ("slots", e.g.
// Adam's two moments), and does what Keras' base optimizer does for every variant (a schedule,
// gradient clipping, decoupled weight decay); a variant only says how many slots it needs and
// how one update goes.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layers/layer.hpp"
#include "optimizers/schedules.hpp"

namespace neurite {

// The arguments every Keras optimizer takes; 0 means off. At most one kind of clipping.
struct OptimizerOptions {
  float weight_decay = 0.0f;     // w −= lr · weight_decay · w before each update (decoupled, as AdamW)
  float clipnorm = 0.0f;         // each gradient scaled down to this L2 norm
  float clipvalue = 0.0f;        // each gradient value clipped to [−clipvalue, clipvalue]
  float global_clipnorm = 0.0f;  // all gradients scaled together to this joint L2 norm
};

// What a checkpoint keeps of an optimizer: its step count, its rate (a callback may have set it) and
// every slot's values, parameter by parameter in the model's order (empty before the first step).
struct OptimizerState {
  std::size_t iterations = 0;
  float learning_rate = 0.0f;
  std::vector<float> slots;
};

class Optimizer {
 public:
  Optimizer(float learning_rate, OptimizerOptions options);
  virtual ~Optimizer() = default;
  virtual std::string name() const = 0;  // "sgd", "adam", "adamw", "rmsprop"
  virtual std::string class_name() const = 0;  // Keras' class: "SGD", "Adam", "AdamW", "RMSprop"
  // Keras' config: learning_rate (a number or a serialised schedule), the options, the variant's fields.
  nlohmann::json config() const;

  // One update of every parameter from its gradient (the gradients may be clipped in place). The
  // parameter list must stay the same from step to step: the state is kept by position.
  void step(const std::vector<Param>& params);
  // Forgets the moments, e.g. after loading new weights.
  void reset();

  // The rate of the last step (the schedule's first one before any step).
  float learning_rate() const { return learning_rate_; }
  // Throws std::invalid_argument when a schedule sets the rate (Keras refuses the same).
  void set_learning_rate(float lr);
  void set_schedule(std::unique_ptr<LearningRateSchedule> schedule);
  LearningRateSchedule* schedule() { return schedule_.get(); }
  const OptimizerOptions& options() const { return options_; }
  std::size_t iterations() const { return iterations_; }

  OptimizerState state() const;
  // Throws std::invalid_argument when the slots do not fit these parameters (another model's state).
  void restore(const OptimizerState& state, const std::vector<Param>& params);

 protected:
  virtual nlohmann::json variant_config() const = 0;
  virtual std::size_t slot_count() const = 0;
  // w, g and every slot hold n values; `iteration` counts from 1.
  virtual void update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t iteration) = 0;

  float learning_rate_;

 private:
  void clip_gradients(const std::vector<Param>& params) const;
  OptimizerOptions options_;
  std::unique_ptr<LearningRateSchedule> schedule_;
  std::size_t iterations_ = 0;
  std::vector<std::vector<Tensor>> slots_;  // [param][slot]
};

// Keras' defaults: sgd lr 0.01; adam lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7; adamw the
// same with weight_decay 0.004; rmsprop lr 0.001, rho 0.9, momentum 0, epsilon 1e-7. A negative
// learning_rate means "default".
std::unique_ptr<Optimizer> make_optimizer(const std::string& name, float learning_rate = -1.0f);
// {"class_name": "Adam", "config": {...}} or a plain name, as in Keras' training config; the
// config's learning_rate may be a serialised schedule.
std::unique_ptr<Optimizer> optimizer_from_json(const nlohmann::json& spec);
std::vector<std::string> optimizer_names();

}  // namespace neurite
