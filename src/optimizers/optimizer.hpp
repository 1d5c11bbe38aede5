#pragma once
// Optimizers share one base: it walks the parameters and keeps each one's state ("slots", e.g.
// Adam's two moments); a variant only says how many slots it needs and how one update goes.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layers/layer.hpp"

namespace neurite {

class Optimizer {
 public:
  explicit Optimizer(float learning_rate);
  virtual ~Optimizer() = default;
  virtual std::string name() const = 0;  // Keras' name: "sgd", "adam", "rmsprop"
  virtual nlohmann::json config() const = 0;

  // One update of every parameter from its gradient. The parameter list must stay the same
  // from step to step: the state is kept by position.
  void step(const std::vector<Param>& params);
  // Forgets the moments, e.g. after loading new weights.
  void reset();

  float learning_rate() const { return learning_rate_; }
  void set_learning_rate(float lr);
  std::size_t iterations() const { return iterations_; }

 protected:
  virtual std::size_t slot_count() const = 0;
  // w, g and every slot hold n values; `iteration` counts from 1.
  virtual void update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t iteration) = 0;

  float learning_rate_;

 private:
  std::size_t iterations_ = 0;
  std::vector<std::vector<Tensor>> slots_;  // [param][slot]
};

// Keras' defaults: sgd lr 0.01; adam lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7;
// rmsprop lr 0.001, rho 0.9, momentum 0, epsilon 1e-7. A negative learning_rate means "default".
std::unique_ptr<Optimizer> make_optimizer(const std::string& name, float learning_rate = -1.0f);
// {"class_name": "Adam", "config": {...}} or a plain name, as in Keras' training config
std::unique_ptr<Optimizer> optimizer_from_json(const nlohmann::json& spec);
std::vector<std::string> optimizer_names();

}  // namespace neurite
