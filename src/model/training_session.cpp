#include "model/training_session.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace neurite {

TrainingSession::TrainingSession(Sequential& model, const Samples& x, const Samples& y, FitOptions options,
                                 std::vector<std::unique_ptr<Callback>> owned)
    : model_(model), options_(std::move(options)), owned_(std::move(owned)), tracker_({}, 2) {
  for (const auto& cb : owned_) options_.callbacks.push_back(cb.get());
  if (!model_.compiled()) throw std::logic_error("fit: compile the model first");
  if (options_.epochs == 0 || options_.batch_size == 0)
    throw std::invalid_argument("fit: epochs and batch_size must be positive");
  if (!(options_.validation_split >= 0.0 && options_.validation_split < 1.0))
    throw std::invalid_argument("fit: validation_split must be in [0, 1)");
  model_.check_data(x, y, "fit");
  train_x_ = x;
  train_y_ = y;
  if (options_.validation_x || options_.validation_y) {
    if (!options_.validation_x || !options_.validation_y)
      throw std::invalid_argument("fit: validation data needs both inputs and targets");
    val_x_ = *options_.validation_x;
    val_y_ = *options_.validation_y;
    has_validation_ = true;
  } else if (options_.validation_split > 0.0) {
    // Keras holds out the last samples, before any shuffling
    const auto split_at = static_cast<std::size_t>(std::floor(x.size() * (1.0 - options_.validation_split)));
    if (split_at == 0 || split_at == x.size())
      throw std::invalid_argument("fit: validation_split " + std::to_string(options_.validation_split) + " of " +
                                  std::to_string(x.size()) + " samples leaves an empty training or validation set");
    train_x_ = x.slice(0, split_at);
    train_y_ = y.slice(0, split_at);
    val_x_ = x.slice(split_at, x.size());
    val_y_ = y.slice(split_at, y.size());
    has_validation_ = true;
  }
  model_.ensure_built(train_x_);
  model_.check_data(train_x_, train_y_, "fit");
  if (has_validation_) model_.check_data(val_x_, val_y_, "fit (validation data)");
  tracker_ = MetricTracker(model_.metric_names(), model_.class_count());
  order_.resize(train_x_.size());
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  if (auto* schedule = model_.optimizer()->schedule())
    schedule->fit_begins(model_.optimizer()->iterations(), options_.epochs * batches_per_epoch());
  logs_learning_rate_ = options_.log_learning_rate || model_.optimizer()->schedule() != nullptr;
  for (auto* cb : options_.callbacks) logs_learning_rate_ = logs_learning_rate_ || cb->changes_learning_rate();
  model_.stop_requested_ = false;
  for (auto* cb : options_.callbacks) cb->on_train_begin(model_);
}

std::size_t TrainingSession::batches_per_epoch() const {
  return (order_.size() + options_.batch_size - 1) / options_.batch_size;
}

void TrainingSession::begin_epoch() {
  for (auto* cb : options_.callbacks) cb->on_epoch_begin(epoch_, model_);
  if (options_.shuffle) model_.rng_.shuffle(order_);
  tracker_.reset();
  cursor_ = batch_ = 0;
  in_epoch_ = true;
}

Logs TrainingSession::running_logs() const {
  Logs logs = tracker_.logs();
  if (logs_learning_rate_) logs["learning_rate"] = model_.optimizer()->learning_rate();
  return logs;
}

Logs TrainingSession::end_epoch() {
  Logs logs = running_logs();
  if (has_validation_)
    for (const auto& [key, value] : model_.evaluate(val_x_, val_y_, options_.batch_size)) logs["val_" + key] = value;
  history_.append(logs);
  for (auto* cb : options_.callbacks) cb->on_epoch_end(epoch_, logs, model_);
  in_epoch_ = false;
  ++epoch_;
  if (epoch_ >= options_.epochs || model_.stop_requested()) {
    finished_ = true;
    for (auto* cb : options_.callbacks) cb->on_train_end(model_);
  }
  return logs;
}

TrainingSession::Progress TrainingSession::run(std::size_t max_batches) {
  if (finished_) throw std::logic_error("training has finished");
  if (!in_epoch_) begin_epoch();
  Progress progress;
  progress.epoch = epoch_;
  progress.batches_per_epoch = batches_per_epoch();
  for (std::size_t done = 0; done < max_batches && cursor_ < order_.size() && !model_.stop_requested(); ++done) {
    const std::size_t n = std::min(options_.batch_size, order_.size() - cursor_);
    model_.train_step(train_x_, train_y_, order_.data() + cursor_, n, tracker_);
    cursor_ += n;
    Logs logs = running_logs();
    logs["batch"] = static_cast<double>(batch_);
    logs["size"] = static_cast<double>(n);
    for (auto* cb : options_.callbacks) cb->on_batch_end(batch_, logs, model_);
    ++batch_;
  }
  progress.batch = batch_;
  if (cursor_ >= order_.size() || model_.stop_requested()) {
    progress.logs = end_epoch();
    progress.epoch_ended = true;
  } else {
    progress.logs = running_logs();
  }
  progress.finished = finished_;
  return progress;
}

}  // namespace neurite
