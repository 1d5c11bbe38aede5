// Sequential::fit: the epoch and batch loop, validation, callbacks, stop requests.
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "model/metric_tracker.hpp"
#include "model/sequential.hpp"

namespace neurite {

struct Sequential::Split {
  Samples train_x, train_y, val_x, val_y;
  bool has_validation = false;
};

Sequential::Split Sequential::split_for_validation(const Samples& x, const Samples& y,
                                                   const FitOptions& options) const {
  if (!(options.validation_split >= 0.0 && options.validation_split < 1.0))
    throw std::invalid_argument("fit: validation_split must be in [0, 1)");
  if (options.validation_x || options.validation_y) {
    if (!options.validation_x || !options.validation_y)
      throw std::invalid_argument("fit: validation data needs both inputs and targets");
    return {x, y, *options.validation_x, *options.validation_y, true};
  }
  if (options.validation_split == 0.0) return {x, y, {}, {}, false};
  // Keras holds out the last samples, before any shuffling
  const auto split_at = static_cast<std::size_t>(std::floor(x.size() * (1.0 - options.validation_split)));
  if (split_at == 0 || split_at == x.size())
    throw std::invalid_argument("fit: validation_split " + std::to_string(options.validation_split) + " of " +
                                std::to_string(x.size()) + " samples leaves an empty training or validation set");
  return {x.slice(0, split_at), y.slice(0, split_at), x.slice(split_at, x.size()), y.slice(split_at, y.size()), true};
}

History Sequential::fit(const Samples& x, const Samples& y, const FitOptions& options) {
  if (!loss_) throw std::logic_error("fit: compile the model first");
  if (options.epochs == 0 || options.batch_size == 0)
    throw std::invalid_argument("fit: epochs and batch_size must be positive");
  check_data(x, y, "fit");
  Split data = split_for_validation(x, y, options);
  ensure_built(data.train_x);
  check_data(data.train_x, data.train_y, "fit");
  if (data.has_validation) check_data(data.val_x, data.val_y, "fit (validation data)");

  stop_requested_ = false;
  History history;
  MetricTracker tracker(metric_names_, class_count());
  std::vector<std::size_t> order(data.train_x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (auto* cb : options.callbacks) cb->on_train_begin(*this);

  for (std::size_t epoch = 0; epoch < options.epochs && !stop_requested_; ++epoch) {
    for (auto* cb : options.callbacks) cb->on_epoch_begin(epoch, *this);
    if (options.shuffle) rng_.shuffle(order);
    tracker.reset();
    for (std::size_t begin = 0, batch = 0; begin < order.size() && !stop_requested_; begin += options.batch_size, ++batch) {
      const std::size_t n = std::min(options.batch_size, order.size() - begin);
      train_step(data.train_x, data.train_y, order.data() + begin, n, tracker);
      Logs logs = tracker.logs();
      logs["batch"] = static_cast<double>(batch);
      logs["size"] = static_cast<double>(n);
      for (auto* cb : options.callbacks) cb->on_batch_end(batch, logs, *this);
    }
    Logs logs = tracker.logs();
    if (data.has_validation)
      for (const auto& [key, value] : evaluate(data.val_x, data.val_y, options.batch_size)) logs["val_" + key] = value;
    history.append(logs);
    for (auto* cb : options.callbacks) cb->on_epoch_end(epoch, logs, *this);
  }
  for (auto* cb : options.callbacks) cb->on_train_end(*this);
  return history;
}

}  // namespace neurite
