#include "model/callbacks.hpp"

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

void EarlyStopping::on_epoch_end(std::size_t epoch, const Logs& logs, Sequential& model) {
  const auto it = logs.find(options_.monitor);
  if (it == logs.end()) {
    std::string available;
    for (const auto& entry : logs) available += (available.empty() ? "" : ", ") + entry.first;
    throw std::invalid_argument("EarlyStopping monitors '" + options_.monitor + "', which this training does not log (" +
                                available + ")");
  }
  if (improved(it->second)) {
    best_ = it->second;
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

}  // namespace neurite
