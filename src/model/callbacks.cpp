#include "model/callbacks.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "model/sequential.hpp"
#include "util/json_fields.hpp"

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

namespace {

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

AccuracyMilestones::AccuracyMilestones(const Samples& x, const Samples& y, std::size_t every_batches,
                                       std::vector<double> thresholds)
    : x_(x), y_(y), every_(every_batches), thresholds_(std::move(thresholds)) {
  if (every_ == 0) throw std::invalid_argument("AccuracyMilestones: every_batches must be ≥ 1");
  std::sort(thresholds_.begin(), thresholds_.end());
}

void AccuracyMilestones::on_train_begin(Sequential&) {
  reached_.clear();
  start_ = seconds_now();
  batches_in_epoch_ = 0;
}

void AccuracyMilestones::on_batch_end(std::size_t batch, const Logs&, Sequential& model) {
  batches_in_epoch_ = batch + 1;
  if (batches_in_epoch_ % every_ == 0) probe(model, batches_in_epoch_);
}

void AccuracyMilestones::on_epoch_end(std::size_t, const Logs&, Sequential& model) {
  if (batches_in_epoch_ % every_ != 0) probe(model, batches_in_epoch_);
  batches_in_epoch_ = 0;
}

void AccuracyMilestones::probe(Sequential& model, std::size_t batches_done) {
  if (reached_.size() == thresholds_.size()) return;
  const Logs logs = model.evaluate(x_, y_, 256);
  const auto it = logs.find("accuracy");
  if (it == logs.end()) throw std::invalid_argument("AccuracyMilestones: compile the model with the accuracy metric");
  last_accuracy_ = it->second;
  const double elapsed = seconds_now() - start_;
  while (reached_.size() < thresholds_.size() && last_accuracy_ >= thresholds_[reached_.size()])
    reached_.push_back({thresholds_[reached_.size()], last_accuracy_, elapsed, epoch_, batches_done});
  if (stop_when_all_reached_ && reached_.size() == thresholds_.size()) model.stop_training();
}

namespace {

// ±infinity (nothing seen yet) has no JSON form: null stands for it.
nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }
double finite_or(const nlohmann::json& v, double otherwise) { return v.is_null() ? otherwise : v.get<double>(); }

}  // namespace

nlohmann::json EarlyStopping::state() const {
  return {{"best", finite_or_null(best_)}, {"best_epoch", best_epoch_}, {"wait", wait_}};
}

void EarlyStopping::restore_state(const nlohmann::json& state) {
  best_ = finite_or(state.at("best"), best_);
  best_epoch_ = state.at("best_epoch").get<long>();
  wait_ = state.at("wait").get<std::size_t>();
}

std::vector<float> EarlyStopping::state_floats() const {
  std::vector<float> floats;
  for (const Tensor& w : best_weights_) floats.insert(floats.end(), w.begin(), w.end());
  return floats;
}

void EarlyStopping::restore_state_floats(const std::vector<float>& floats, Sequential& model) {
  std::vector<Tensor> weights;
  if (!floats.empty()) weights = model.get_weights();  // for their shapes
  std::size_t expected = 0;
  for (const Tensor& w : weights) expected += w.size();
  if (floats.size() != expected)
    throw std::invalid_argument("checkpoint: EarlyStopping's best weights have " + std::to_string(floats.size()) +
                                " values, this model has " + std::to_string(expected));
  std::size_t at = 0;
  for (Tensor& w : weights) {
    std::copy_n(floats.data() + at, w.size(), w.begin());
    at += w.size();
  }
  best_weights_ = std::move(weights);
}

nlohmann::json ReduceLROnPlateau::state() const {
  return {{"best", finite_or_null(best_)}, {"wait", wait_}, {"cooldown_left", cooldown_left_}};
}

void ReduceLROnPlateau::restore_state(const nlohmann::json& state) {
  best_ = finite_or(state.at("best"), best_);
  wait_ = state.at("wait").get<std::size_t>();
  cooldown_left_ = state.at("cooldown_left").get<std::size_t>();
}

nlohmann::json AccuracyMilestones::state() const {
  nlohmann::json reached = nlohmann::json::array();
  for (const auto& m : reached_)
    reached.push_back({{"threshold", m.threshold}, {"accuracy", m.accuracy}, {"seconds", m.seconds},
                       {"epoch", m.epoch}, {"batch", m.batch}});
  return {{"reached", reached}, {"seconds", seconds_now() - start_}, {"last_accuracy", last_accuracy_},
          {"batches_in_epoch", batches_in_epoch_}, {"epoch", epoch_}};
}

void AccuracyMilestones::restore_state(const nlohmann::json& state) {
  reached_.clear();
  for (const auto& m : state.at("reached"))
    reached_.push_back({m.at("threshold").get<double>(), m.at("accuracy").get<double>(), m.at("seconds").get<double>(),
                        m.at("epoch").get<std::size_t>(), m.at("batch").get<std::size_t>()});
  start_ = seconds_now() - state.at("seconds").get<double>();
  last_accuracy_ = state.at("last_accuracy").get<double>();
  batches_in_epoch_ = state.at("batches_in_epoch").get<std::size_t>();
  epoch_ = state.at("epoch").get<std::size_t>();
}

std::unique_ptr<Callback> callback_from_json(const nlohmann::json& spec) {
  const auto class_name = required_field<std::string>(spec, "class_name", "callback");
  const nlohmann::json config = spec.contains("config") ? spec["config"] : nlohmann::json::object();
  const std::string owner = class_name;
  if (class_name == "EarlyStopping") {
    EarlyStopping::Options o;
    o.monitor = field_or<std::string>(config, "monitor", o.monitor, owner);
    o.min_delta = field_or<double>(config, "min_delta", o.min_delta, owner);
    o.patience = field_or<std::size_t>(config, "patience", o.patience, owner);
    o.mode = field_or<std::string>(config, "mode", o.mode, owner);
    o.restore_best_weights = field_or<bool>(config, "restore_best_weights", o.restore_best_weights, owner);
    return std::make_unique<EarlyStopping>(o);
  }
  if (class_name == "ReduceLROnPlateau") {
    ReduceLROnPlateau::Options o;
    o.monitor = field_or<std::string>(config, "monitor", o.monitor, owner);
    o.factor = field_or<double>(config, "factor", o.factor, owner);
    o.patience = field_or<std::size_t>(config, "patience", o.patience, owner);
    o.mode = field_or<std::string>(config, "mode", o.mode, owner);
    o.min_delta = field_or<double>(config, "min_delta", o.min_delta, owner);
    o.cooldown = field_or<std::size_t>(config, "cooldown", o.cooldown, owner);
    o.min_lr = field_or<double>(config, "min_lr", o.min_lr, owner);
    return std::make_unique<ReduceLROnPlateau>(o);
  }
  throw std::invalid_argument("unknown callback '" + class_name + "' (known: EarlyStopping, ReduceLROnPlateau)");
}

}  // namespace neurite
