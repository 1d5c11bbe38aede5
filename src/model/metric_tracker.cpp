#include "model/metric_tracker.hpp"

#include <cmath>
#include <stdexcept>

namespace neurite {

MetricTracker::MetricTracker(std::vector<std::string> metric_names, std::size_t classes)
    : names_(std::move(metric_names)), confusion_(classes) {
  for (const auto& m : names_)
    if (!is_known(m))
      throw std::invalid_argument("unknown metric '" + m + "' (known: " + known_list() + ")");
}

std::vector<std::string> MetricTracker::known() { return {"accuracy", "precision", "recall", "f1", "mae", "mse"}; }

std::string MetricTracker::known_list() {
  std::string list;
  for (const auto& m : known()) list += (list.empty() ? "" : ", ") + m;
  return list;
}

bool MetricTracker::is_known(const std::string& m) { return needs_classes(m) || m == "mae" || m == "mse"; }

bool MetricTracker::needs_classes(const std::string& m) {
  return m == "accuracy" || m == "acc" || m == "precision" || m == "recall" || m == "f1";
}

bool MetricTracker::needs_classes() const {
  for (const auto& m : names_)
    if (needs_classes(m)) return true;
  return false;
}

void MetricTracker::reset() {
  confusion_.reset();
  loss_sum_ = abs_error_sum_ = sq_error_sum_ = 0.0;
  samples_ = values_ = 0;
}

nlohmann::json MetricTracker::state() const {
  return {{"loss_sum", loss_sum_}, {"abs_error_sum", abs_error_sum_}, {"sq_error_sum", sq_error_sum_},
          {"samples", samples_}, {"values", values_}, {"confusion", confusion_.counts()}};
}

void MetricTracker::restore(const nlohmann::json& state) {
  loss_sum_ = state.at("loss_sum").get<double>();
  abs_error_sum_ = state.at("abs_error_sum").get<double>();
  sq_error_sum_ = state.at("sq_error_sum").get<double>();
  samples_ = state.at("samples").get<std::size_t>();
  values_ = state.at("values").get<std::size_t>();
  confusion_.set_counts(state.at("confusion").get<std::vector<std::size_t>>());
}

void MetricTracker::add(double loss, const Tensor& pred, const Tensor& target,
                        const std::vector<std::size_t>& predicted, const std::vector<std::size_t>& truth) {
  const std::size_t batch = pred.shape()[0];
  loss_sum_ += loss * static_cast<double>(batch);
  samples_ += batch;
  if (!predicted.empty()) confusion_.add(truth, predicted);
  if (target.size() == pred.size()) {  // regression metrics need targets shaped like the outputs
    for (std::size_t i = 0; i < pred.size(); ++i) {
      const double e = pred.data()[i] - target.data()[i];
      abs_error_sum_ += std::abs(e);
      sq_error_sum_ += e * e;
    }
    values_ += pred.size();
  }
}

Logs MetricTracker::logs(const std::string& prefix) const {
  Logs logs;
  if (samples_ == 0) return logs;
  logs[prefix + "loss"] = loss_sum_ / static_cast<double>(samples_);
  const bool binary = confusion_.num_classes() == 2;
  for (const auto& m : names_) {
    double v = 0.0;
    if (m == "accuracy" || m == "acc") v = confusion_.accuracy();
    else if (m == "precision") v = binary ? confusion_.precision(1) : confusion_.macro_precision();
    else if (m == "recall") v = binary ? confusion_.recall(1) : confusion_.macro_recall();
    else if (m == "f1") v = binary ? confusion_.f1(1) : confusion_.macro_f1();
    else if (m == "mae" || m == "mse") {
      if (values_ == 0) throw std::invalid_argument("metric '" + m + "' needs targets shaped like the outputs");
      v = (m == "mae" ? abs_error_sum_ : sq_error_sum_) / static_cast<double>(values_);
    }
    logs[prefix + m] = v;
  }
  return logs;
}

}  // namespace neurite
