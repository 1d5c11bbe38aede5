#include "optimizers/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/elementwise.hpp"
#include "optimizers/adam.hpp"
#include "optimizers/rmsprop.hpp"
#include "optimizers/sgd.hpp"
#include "util/json_fields.hpp"

namespace neurite {
namespace {

void check_options(const OptimizerOptions& o) {
  for (float v : {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm})
    if (!(v >= 0.0f && std::isfinite(v)))
      throw std::invalid_argument("optimizer: weight_decay, clipnorm, clipvalue and global_clipnorm must be ≥ 0");
  if ((o.clipnorm > 0.0f) + (o.clipvalue > 0.0f) + (o.global_clipnorm > 0.0f) > 1)
    throw std::invalid_argument("optimizer: only one of clipnorm, clipvalue and global_clipnorm can be set");
}

double sum_of_squares(const Tensor& t) { return kernels::sum_of_squares(t.data(), t.size()); }
void scale(Tensor& t, float factor) { kernels::scale(t.data(), t.size(), factor); }

nlohmann::json zero_as_null(float v) { return v > 0.0f ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

Optimizer::Optimizer(float learning_rate, OptimizerOptions options) : learning_rate_(learning_rate), options_(options) {
  set_learning_rate(learning_rate);
  check_options(options_);
}

void Optimizer::set_learning_rate(float lr) {
  if (schedule_) throw std::invalid_argument("optimizer: the learning rate follows a " + schedule_->class_name() +
                                             " schedule and cannot be set");
  if (!(lr > 0.0f && std::isfinite(lr)))
    throw std::invalid_argument("optimizer: learning rate must be > 0, got " + std::to_string(lr));
  learning_rate_ = lr;
}

void Optimizer::set_schedule(std::unique_ptr<LearningRateSchedule> schedule) {
  schedule_ = std::move(schedule);
  if (schedule_) learning_rate_ = static_cast<float>(schedule_->at(iterations_));
}

nlohmann::json Optimizer::config() const {
  nlohmann::json c = variant_config();
  c["learning_rate"] = schedule_ ? schedule_to_json(*schedule_) : nlohmann::json(learning_rate_);
  c["weight_decay"] = zero_as_null(options_.weight_decay);
  c["clipnorm"] = zero_as_null(options_.clipnorm);
  c["clipvalue"] = zero_as_null(options_.clipvalue);
  c["global_clipnorm"] = zero_as_null(options_.global_clipnorm);
  return c;
}

// Keras' _clip_gradients: per-gradient norm, joint norm, or value
void Optimizer::clip_gradients(const std::vector<Param>& params) const {
  if (options_.clipnorm > 0.0f) {
    for (const auto& p : params) {
      const double norm = std::sqrt(sum_of_squares(*p.grad));
      if (norm > options_.clipnorm) scale(*p.grad, static_cast<float>(options_.clipnorm / norm));
    }
  } else if (options_.global_clipnorm > 0.0f) {
    double sum = 0.0;
    for (const auto& p : params) sum += sum_of_squares(*p.grad);
    const double norm = std::sqrt(sum);
    if (norm > options_.global_clipnorm)
      for (const auto& p : params) scale(*p.grad, static_cast<float>(options_.global_clipnorm / norm));
  } else if (options_.clipvalue > 0.0f) {
    const float v = options_.clipvalue;
    for (const auto& p : params)
      for (float& g : *p.grad) g = std::min(std::max(g, -v), v);
  }
}

void Optimizer::step(const std::vector<Param>& params) {
  if (slots_.size() != params.size()) {
    if (!slots_.empty()) throw std::logic_error("optimizer: the parameter list changed between steps");
    for (const auto& p : params) slots_.emplace_back(slot_count(), xt::zeros<float>(p.value->shape()));
  }
  // Keras evaluates the schedule at the iteration count before this update
  if (schedule_) learning_rate_ = static_cast<float>(schedule_->at(iterations_));
  clip_gradients(params);
  if (options_.weight_decay > 0.0f) {
    const float keep = 1.0f - learning_rate_ * options_.weight_decay;
    for (const auto& p : params) scale(*p.value, keep);
  }
  ++iterations_;
  std::vector<float*> slot_ptrs;
  for (std::size_t i = 0; i < params.size(); ++i) {
    slot_ptrs.clear();
    for (auto& s : slots_[i]) slot_ptrs.push_back(s.data());
    update(params[i].value->data(), params[i].grad->data(), slot_ptrs.data(), params[i].value->size(), iterations_);
  }
}

void Optimizer::reset() {
  slots_.clear();
  iterations_ = 0;
  if (schedule_) learning_rate_ = static_cast<float>(schedule_->at(0));
}

OptimizerState Optimizer::state() const {
  OptimizerState state{iterations_, learning_rate_, {}};
  for (const auto& param_slots : slots_)
    for (const auto& slot : param_slots) state.slots.insert(state.slots.end(), slot.begin(), slot.end());
  return state;
}

void Optimizer::restore(const OptimizerState& state, const std::vector<Param>& params) {
  std::size_t expected = 0;
  for (const auto& p : params) expected += p.value->size() * slot_count();
  if (!state.slots.empty() && state.slots.size() != expected)
    throw std::invalid_argument("checkpoint: the optimizer's state holds " + std::to_string(state.slots.size()) +
                                " values, this model's " + name() + " needs " + std::to_string(expected));
  slots_.clear();
  if (!state.slots.empty()) {
    const float* from = state.slots.data();
    for (const auto& p : params) {
      auto& param_slots = slots_.emplace_back();
      for (std::size_t k = 0; k < slot_count(); ++k) {
        Tensor slot = xt::zeros<float>(p.value->shape());
        std::copy(from, from + slot.size(), slot.begin());
        from += slot.size();
        param_slots.push_back(std::move(slot));
      }
    }
  }
  iterations_ = state.iterations;
  learning_rate_ = state.learning_rate;
}

namespace {

struct Entry {
  const char* name;        // "adam"
  const char* class_name;  // "Adam"
  float default_lr;
  // builds the optimizer from a Keras config (defaults filled in by the variant)
  std::unique_ptr<Optimizer> (*make)(const nlohmann::json& config, float lr, OptimizerOptions options,
                                     const std::string& owner);
};

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = {
      {"sgd", "SGD", 0.01f, &SGD::from_config},
      {"adam", "Adam", 0.001f, &Adam::from_config},
      {"adamw", "AdamW", 0.001f, &AdamW::from_config},
      {"rmsprop", "RMSprop", 0.001f, &RMSprop::from_config},
  };
  return entries;
}

const Entry* find(const std::string& name) {
  for (const auto& e : table())
    if (name == e.name || name == e.class_name) return &e;
  return nullptr;
}

std::string known_names() {
  std::string known;
  for (const auto& e : table()) known += (known.empty() ? "" : ", ") + std::string(e.class_name);
  return known;
}

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, float learning_rate) {
  const Entry* e = find(name);
  if (!e) throw std::invalid_argument("unknown optimizer '" + name + "' (known: " + known_names() + ")");
  return e->make(nlohmann::json::object(), learning_rate >= 0.0f ? learning_rate : e->default_lr, {}, e->class_name);
}

std::unique_ptr<Optimizer> optimizer_from_json(const nlohmann::json& spec) {
  if (spec.is_string()) return make_optimizer(spec.get<std::string>());
  const auto class_name = required_field<std::string>(spec, "class_name", "optimizer");
  const Entry* e = find(class_name);
  if (!e) throw std::invalid_argument("unknown optimizer '" + class_name + "' (known: " + known_names() + ")");
  const nlohmann::json config = spec.contains("config") ? spec["config"] : nlohmann::json::object();
  const std::string owner = "optimizer " + class_name;
  const bool scheduled = config.contains("learning_rate") && config["learning_rate"].is_object();
  const float lr = scheduled ? e->default_lr : field_or<float>(config, "learning_rate", e->default_lr, owner);
  const auto option = [&](const char* key) { return field_or<float>(config, key, 0.0f, owner); };
  OptimizerOptions options{option("weight_decay"), option("clipnorm"), option("clipvalue"), option("global_clipnorm")};
  auto optimizer = e->make(config, lr, options, owner);
  if (scheduled) optimizer->set_schedule(schedule_from_json(config["learning_rate"]));
  return optimizer;
}

std::vector<std::string> optimizer_names() {
  std::vector<std::string> names;
  for (const auto& e : table()) names.push_back(e.name);
  return names;
}

}  // namespace neurite
