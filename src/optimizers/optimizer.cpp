#include "optimizers/optimizer.hpp"

#include <stdexcept>

#include "optimizers/adam.hpp"
#include "optimizers/rmsprop.hpp"
#include "optimizers/sgd.hpp"
#include "util/json_fields.hpp"

namespace neurite {

Optimizer::Optimizer(float learning_rate) : learning_rate_(learning_rate) { set_learning_rate(learning_rate); }

void Optimizer::set_learning_rate(float lr) {
  if (!(lr > 0.0f)) throw std::invalid_argument("optimizer: learning rate must be > 0, got " + std::to_string(lr));
  learning_rate_ = lr;
}

void Optimizer::step(const std::vector<Param>& params) {
  if (slots_.size() != params.size()) {
    if (!slots_.empty()) throw std::logic_error("optimizer: the parameter list changed between steps");
    for (const auto& p : params) slots_.emplace_back(slot_count(), xt::zeros<float>(p.value->shape()));
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
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, float learning_rate) {
  const bool given = learning_rate >= 0.0f;
  if (name == "sgd") return std::make_unique<SGD>(given ? learning_rate : 0.01f);
  if (name == "adam") return std::make_unique<Adam>(given ? learning_rate : 0.001f);
  if (name == "rmsprop") return std::make_unique<RMSprop>(given ? learning_rate : 0.001f);
  throw std::invalid_argument("unknown optimizer '" + name + "' (known: sgd, adam, rmsprop)");
}

std::unique_ptr<Optimizer> optimizer_from_json(const nlohmann::json& spec) {
  if (spec.is_string()) return make_optimizer(spec.get<std::string>());
  const auto class_name = required_field<std::string>(spec, "class_name", "optimizer");
  const auto config = spec.contains("config") ? spec["config"] : nlohmann::json::object();
  const std::string owner = "optimizer " + class_name;
  auto lr = [&](float fallback) { return field_or<float>(config, "learning_rate", fallback, owner); };
  if (class_name == "SGD" || class_name == "sgd")
    return std::make_unique<SGD>(lr(0.01f), field_or<float>(config, "momentum", 0.0f, owner),
                                 field_or<bool>(config, "nesterov", false, owner));
  if (class_name == "Adam" || class_name == "adam")
    return std::make_unique<Adam>(lr(0.001f), field_or<float>(config, "beta_1", 0.9f, owner),
                                  field_or<float>(config, "beta_2", 0.999f, owner),
                                  field_or<float>(config, "epsilon", 1e-7f, owner));
  if (class_name == "RMSprop" || class_name == "rmsprop")
    return std::make_unique<RMSprop>(lr(0.001f), field_or<float>(config, "rho", 0.9f, owner),
                                     field_or<float>(config, "momentum", 0.0f, owner),
                                     field_or<float>(config, "epsilon", 1e-7f, owner));
  throw std::invalid_argument("unknown optimizer '" + class_name + "' (known: SGD, Adam, RMSprop)");
}

std::vector<std::string> optimizer_names() { return {"sgd", "adam", "rmsprop"}; }

}  // namespace neurite
