#pragma once
// Running means of the loss and the compiled metrics over an epoch (or an evaluation).
// Class metrics come from one confusion matrix, so accuracy, precision, recall and F1 agree.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/metrics.hpp"
#include "model/callbacks.hpp"
#include "tensor.hpp"

namespace neurite {

class MetricTracker {
 public:
  // `classes`: number of classes of the confusion matrix (2 for a single binary output).
  MetricTracker(std::vector<std::string> metric_names, std::size_t classes);
  static bool is_known(const std::string& metric);
  // Keras' names of the metrics compile() accepts ("acc" too, as an alias of "accuracy").
  static std::vector<std::string> known();
  static std::string known_list();  // "accuracy, precision, ..." for error messages
  static bool needs_classes(const std::string& metric);

  void reset();
  // The running sums, for a checkpoint taken inside an epoch.
  nlohmann::json state() const;
  void restore(const nlohmann::json& state);
  // predicted/true classes may be empty when no class metric is compiled
  void add(double loss, const Tensor& pred, const Tensor& target, const std::vector<std::size_t>& predicted,
           const std::vector<std::size_t>& truth);
  Logs logs(const std::string& prefix = "") const;
  bool needs_classes() const;

 private:
  std::vector<std::string> names_;
  metrics::ConfusionMatrix confusion_;
  double loss_sum_ = 0.0, abs_error_sum_ = 0.0, sq_error_sum_ = 0.0;
  std::size_t samples_ = 0, values_ = 0;
};

}  // namespace neurite
