#pragma once
// Hooks into Sequential::fit, as in Keras: per batch and per epoch.
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/samples.hpp"
#include "tensor.hpp"

namespace neurite {

class Sequential;
// Named values: "loss", "accuracy", "val_loss", ... Batch logs hold the epoch's running means.
using Logs = std::map<std::string, double>;

class Callback {
 public:
  virtual ~Callback() = default;
  // Keras' name for the class ("EarlyStopping"): a checkpoint records its callbacks' names, so a
  // resumed fit with other callbacks is refused naming them rather than misreading their state.
  virtual std::string class_name() const { return "Callback"; }
  virtual void on_train_begin(Sequential&) {}
  virtual void on_epoch_begin(std::size_t /*epoch*/, Sequential&) {}
  virtual void on_batch_end(std::size_t /*batch*/, const Logs&, Sequential&) {}
  virtual void on_epoch_end(std::size_t /*epoch*/, const Logs&, Sequential&) {}
  virtual void on_train_end(Sequential&) {}
  // Whether this callback sets the optimizer's learning rate: fit then logs "learning_rate".
  virtual bool changes_learning_rate() const { return false; }
  // What a training checkpoint keeps of this callback (null: nothing), and how a resumed fit takes
  // it back after on_train_begin.
  virtual nlohmann::json state() const { return nullptr; }
  virtual void restore_state(const nlohmann::json& /*state*/) {}
  // Floats a checkpoint keeps beside state() (EarlyStopping's best weights: a model's worth, too
  // many for JSON), and how a resumed fit takes them back, for this model; after restore_state.
  // Throws std::invalid_argument, changing nothing, when they do not fit the model.
  virtual std::vector<float> state_floats() const { return {}; }
  virtual void restore_state_floats(const std::vector<float>& /*floats*/, Sequential& /*model*/) {}
};

// A callback from functions, for callers that need one or two hooks (the CLI, the bindings).
struct LambdaCallback final : Callback {
  std::string class_name() const override { return "LambdaCallback"; }
  std::function<void(std::size_t, const Logs&, Sequential&)> batch_end, epoch_end;
  void on_batch_end(std::size_t b, const Logs& logs, Sequential& m) override { if (batch_end) batch_end(b, logs, m); }
  void on_epoch_end(std::size_t e, const Logs& logs, Sequential& m) override { if (epoch_end) epoch_end(e, logs, m); }
};

// Keras' EarlyStopping: stops when `monitor` has not improved by min_delta for `patience` epochs.
// With restore_best_weights the model ends training with the weights of its best epoch.
class EarlyStopping final : public Callback {
 public:
  std::string class_name() const override { return "EarlyStopping"; }
  struct Options {
    std::string monitor = "val_loss";
    double min_delta = 0.0;
    std::size_t patience = 0;
    std::string mode = "auto";  // "min", "max", or "auto": max for accuracy-like names
    bool restore_best_weights = false;
  };
  explicit EarlyStopping(Options options);
  void on_train_begin(Sequential&) override;
  void on_epoch_end(std::size_t epoch, const Logs& logs, Sequential& model) override;
  void on_train_end(Sequential& model) override;
  // The epoch (from 0) training stopped after, or -1 if it ran to the end.
  long stopped_epoch() const { return stopped_epoch_; }
  long best_epoch() const { return best_epoch_; }
  // the best value, its epoch and the wait; with restore_best_weights, that epoch's weights as floats
  nlohmann::json state() const override;
  void restore_state(const nlohmann::json& state) override;
  std::vector<float> state_floats() const override;
  void restore_state_floats(const std::vector<float>& floats, Sequential& model) override;

 private:
  bool improved(double value) const;
  Options options_;
  bool maximise_ = false;
  double best_ = 0.0;
  long best_epoch_ = -1, stopped_epoch_ = -1;
  std::size_t wait_ = 0;
  std::vector<Tensor> best_weights_;
};

// Keras' LearningRateScheduler: at each epoch's start the rate becomes schedule(epoch, current rate).
class LearningRateScheduler final : public Callback {
 public:
  std::string class_name() const override { return "LearningRateScheduler"; }
  using Schedule = std::function<double(std::size_t epoch, double learning_rate)>;
  explicit LearningRateScheduler(Schedule schedule) : schedule_(std::move(schedule)) {}
  void on_epoch_begin(std::size_t epoch, Sequential& model) override;
  bool changes_learning_rate() const override { return true; }

 private:
  Schedule schedule_;
};

// Keras' ReduceLROnPlateau: multiplies the rate by `factor` when `monitor` has not improved by
// min_delta for `patience` epochs, then waits `cooldown` epochs; never below min_lr.
class ReduceLROnPlateau final : public Callback {
 public:
  std::string class_name() const override { return "ReduceLROnPlateau"; }
  struct Options {
    std::string monitor = "val_loss";
    double factor = 0.1;
    std::size_t patience = 10;
    std::string mode = "auto";  // "auto": max when the name holds "acc", as Keras decides
    double min_delta = 1e-4;
    std::size_t cooldown = 0;
    double min_lr = 0.0;
  };
  explicit ReduceLROnPlateau(Options options);
  void on_train_begin(Sequential&) override;
  void on_epoch_end(std::size_t epoch, const Logs& logs, Sequential& model) override;
  bool changes_learning_rate() const override { return true; }
  nlohmann::json state() const override;
  void restore_state(const nlohmann::json& state) override;

 private:
  Options options_;
  bool maximise_ = false;
  double best_ = 0.0;
  std::size_t wait_ = 0, cooldown_left_ = 0;
};

// When the accuracy on held-out samples first reaches each threshold, in wall time from the start
// of training with the evaluations' own time counted: every `every_batches` batches and at each
// epoch's end it evaluates the model on (x, y).
class AccuracyMilestones final : public Callback {
 public:
  std::string class_name() const override { return "AccuracyMilestones"; }
  struct Milestone {
    double threshold, accuracy, seconds;
    std::size_t epoch, batch;  // from 0; batch: batches done in that epoch
  };
  AccuracyMilestones(const Samples& x, const Samples& y, std::size_t every_batches, std::vector<double> thresholds);
  void on_train_begin(Sequential&) override;
  void on_epoch_begin(std::size_t epoch, Sequential&) override { epoch_ = epoch; }
  void on_batch_end(std::size_t batch, const Logs&, Sequential& model) override;
  void on_epoch_end(std::size_t epoch, const Logs&, Sequential& model) override;
  const std::vector<Milestone>& reached() const { return reached_; }
  double last_accuracy() const { return last_accuracy_; }
  std::size_t probed_samples() const { return x_.size(); }
  // stop training once every threshold is reached (the benchmark's time-to-accuracy runs)
  void stop_when_all_reached(bool stop) { stop_when_all_reached_ = stop; }
  // the milestones reached and the training time so far, which a resumed fit goes on counting from
  nlohmann::json state() const override;
  void restore_state(const nlohmann::json& state) override;

 private:
  void probe(Sequential& model, std::size_t batches_done);
  Samples x_, y_;
  std::size_t every_, batches_in_epoch_ = 0, epoch_ = 0;
  std::vector<double> thresholds_;
  std::vector<Milestone> reached_;
  double last_accuracy_ = 0.0, start_ = 0.0;
  bool stop_when_all_reached_ = false;
};

// Keras' callback configs: {"class_name": "EarlyStopping" | "ReduceLROnPlateau", "config": {...}}
// with Keras' snake_case fields.
std::unique_ptr<Callback> callback_from_json(const nlohmann::json& spec);

// Throws std::invalid_argument naming the monitored key and the keys the logs have when absent.
double monitored_value(const Logs& logs, const std::string& monitor, const char* who);

}  // namespace neurite
