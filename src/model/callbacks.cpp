#include "model/callbacks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "model/sequential.hpp"

namespace neurite {

EarlyStopping::EarlyStopping(Options options) : options_(std::move(options)) {
  const auto& mode = options_.mode;
  if (mode != "auto" && mode != "min" && mode != "max")
    throw std::invalid_argument("EarlyStopping: mode must be auto, min or max, got '" + mode + "'");
  const bool accuracy_like = options_.monitor.find("acc") != std::string::npos ||
                             options_.monitor.find("precision") != std::string::npos ||
                             options_.monitor.find("recall") != std::string::npos ||
                             options_.monitor.find("f1") != std::string::npos;
  maximise_ = mode == "max" || (mode == "auto" && accuracy_like);
}

void EarlyStopping::on_train_begin(Sequential&) {
  wait_ = 0;
  best_ = maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  best_epoch_ = stopped_epoch_ = -1;
  best_weights_.clear();
}

bool EarlyStopping::improved(double value) const {
  return maximise_ ? value - options_.min_delta > best_ : value + options_.min_delta < best_;
}

double monitored_value(const Logs& logs, const std::string& monitor, const char* who) {
  const auto it = logs.find(monitor);
  if (it != logs.end()) return it->second;
  std::string available;
  for (const auto& entry : logs) available += (available.empty() ? "" : ", ") + entry.first;
  throw std::invalid_argument(std::string(who) + " monitors '" + monitor + "', which this training does not log (" +
                              available + ")");
}

void EarlyStopping::on_epoch_end(std::size_t epoch, const Logs& logs, Sequential& model) {
  const double value = monitored_value(logs, options_.monitor, "EarlyStopping");
  if (improved(value)) {
    best_ = value;
    best_epoch_ = static_cast<long>(epoch);
    wait_ = 0;
    if (options_.restore_best_weights) best_weights_ = model.get_weights();
    return;
  }
  if (++wait_ >= options_.patience && epoch > 0) {
    stopped_epoch_ = static_cast<long>(epoch);
    model.stop_training();
  }
}

void EarlyStopping::on_train_end(Sequential& model) {
  if (options_.restore_best_weights && !best_weights_.empty()) model.set_weights(best_weights_);
}

void LearningRateScheduler::on_epoch_begin(std::size_t epoch, Sequential& model) {
  Optimizer& optimizer = *model.optimizer();
  const double lr = schedule_(epoch, optimizer.learning_rate());
  if (!(lr > 0.0 && std::isfinite(lr)))
    throw std::invalid_argument("LearningRateScheduler: the schedule gave " + std::to_string(lr) + " for epoch " +
                                std::to_string(epoch) + "; a learning rate must be > 0");
  optimizer.set_learning_rate(static_cast<float>(lr));
}

ReduceLROnPlateau::ReduceLROnPlateau(Options options) : options_(std::move(options)) {
  if (!(options_.factor > 0.0 && options_.factor < 1.0))
    throw std::invalid_argument("ReduceLROnPlateau: factor must be in (0, 1), got " + std::to_string(options_.factor));
  const auto& mode = options_.mode;
  if (mode != "auto" && mode != "min" && mode != "max")
    throw std::invalid_argument("ReduceLROnPlateau: mode must be auto, min or max, got '" + mode + "'");
  maximise_ = mode == "max" || (mode == "auto" && options_.monitor.find("acc") != std::string::npos);
}

void ReduceLROnPlateau::on_train_begin(Sequential&) {
  best_ = maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  wait_ = cooldown_left_ = 0;
}

void ReduceLROnPlateau::on_epoch_end(std::size_t, const Logs& logs, Sequential& model) {
  const double value = monitored_value(logs, options_.monitor, "ReduceLROnPlateau");
  if (cooldown_left_ > 0) {
    --cooldown_left_;
    wait_ = 0;
  }
  if (maximise_ ? value > best_ + options_.min_delta : value < best_ - options_.min_delta) {
    best_ = value;
    wait_ = 0;
    return;
  }
  if (cooldown_left_ > 0 || ++wait_ < options_.patience) return;
  Optimizer& optimizer = *model.optimizer();
  const double lr = optimizer.learning_rate();
  if (lr > static_cast<float>(options_.min_lr)) {
    optimizer.set_learning_rate(static_cast<float>(std::max(lr * options_.factor, options_.min_lr)));
    cooldown_left_ = options_.cooldown;
    wait_ = 0;
  }
}

}  // namespace neurite
