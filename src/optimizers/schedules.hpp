#pragma once
// Learning-rate schedules: the rate an optimizer uses at each step, as Keras'
// keras.optimizers.schedules compute it. `step` is the optimizer's iteration count before the
// update (0 for the first batch), which is what Keras passes to a schedule.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace neurite {

class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  virtual std::string class_name() const = 0;  // Keras' class name: "ExponentialDecay"
  virtual double at(std::size_t step) const = 0;
  virtual nlohmann::json config() const = 0;
  // Told when a fit begins, with the steps already taken and the steps this fit will take; a
  // schedule whose length is "the fit" (OneCycle without total_steps) fixes it here.
  virtual void fit_begins(std::size_t /*steps_done*/, std::size_t /*fit_steps*/) {}
};

// initial · decay_rate^(step / decay_steps), the exponent floored when staircase
class ExponentialDecay final : public LearningRateSchedule {
 public:
  ExponentialDecay(double initial_learning_rate, double decay_steps, double decay_rate, bool staircase = false);
  std::string class_name() const override { return "ExponentialDecay"; }
  double at(std::size_t step) const override;
  nlohmann::json config() const override;

 private:
  double initial_, decay_steps_, decay_rate_;
  bool staircase_;
};

// values[0] up to and including step boundaries[0], values[1] up to boundaries[1], ..., values[n] after
class PiecewiseConstantDecay final : public LearningRateSchedule {
 public:
  PiecewiseConstantDecay(std::vector<double> boundaries, std::vector<double> values);
  std::string class_name() const override { return "PiecewiseConstantDecay"; }
  double at(std::size_t step) const override;
  nlohmann::json config() const override;

 private:
  std::vector<double> boundaries_, values_;
};

// Keras' CosineDecay: with warmup_target, a linear warm-up from initial to warmup_target over
// warmup_steps, then a cosine from there to alpha · that rate over decay_steps; constant after.
class CosineDecay final : public LearningRateSchedule {
 public:
  CosineDecay(double initial_learning_rate, double decay_steps, double alpha = 0.0, double warmup_target = -1.0,
              double warmup_steps = 0.0);
  std::string class_name() const override { return "CosineDecay"; }
  double at(std::size_t step) const override;
  nlohmann::json config() const override;

 private:
  double initial_, decay_steps_, alpha_, warmup_target_, warmup_steps_;  // warmup_target < 0: none
};

// The one-cycle policy (Smith & Topin; PyTorch's OneCycleLR, cosine annealing, two phases): from
// max / div_factor up to max over the first pct_start of the steps, then down to
// max / div_factor / final_div_factor at the last step. Keras has no such class; the name and
// fields follow its conventions. total_steps 0 means "the length of the fit that uses it".
class OneCycle final : public LearningRateSchedule {
 public:
  explicit OneCycle(double max_learning_rate, std::size_t total_steps = 0, double pct_start = 0.3,
                    double div_factor = 25.0, double final_div_factor = 1e4);
  std::string class_name() const override { return "OneCycle"; }
  double at(std::size_t step) const override;
  nlohmann::json config() const override;
  void fit_begins(std::size_t steps_done, std::size_t fit_steps) override;
  std::size_t total_steps() const { return total_steps_; }

 private:
  double max_, pct_start_, div_factor_, final_div_factor_;
  std::size_t total_steps_;
};

// {"class_name": "ExponentialDecay", "config": {...}} as Keras serialises a schedule (its
// "module" and "registered_name" fields are accepted and ignored).
std::unique_ptr<LearningRateSchedule> schedule_from_json(const nlohmann::json& spec);
nlohmann::json schedule_to_json(const LearningRateSchedule& schedule);
std::vector<std::string> schedule_names();

}  // namespace neurite
