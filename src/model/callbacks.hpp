#pragma once
// Hooks into Sequential::fit, as in Keras: per batch and per epoch.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace neurite {

class Sequential;
// Named values: "loss", "accuracy", "val_loss", ... Batch logs hold the epoch's running means.
using Logs = std::map<std::string, double>;

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(Sequential&) {}
  virtual void on_epoch_begin(std::size_t /*epoch*/, Sequential&) {}
  virtual void on_batch_end(std::size_t /*batch*/, const Logs&, Sequential&) {}
  virtual void on_epoch_end(std::size_t /*epoch*/, const Logs&, Sequential&) {}
  virtual void on_train_end(Sequential&) {}
};

// A callback from functions, for callers that need one or two hooks (the CLI, the bindings).
struct LambdaCallback final : Callback {
  std::function<void(std::size_t, const Logs&, Sequential&)> batch_end, epoch_end;
  void on_batch_end(std::size_t b, const Logs& logs, Sequential& m) override { if (batch_end) batch_end(b, logs, m); }
  void on_epoch_end(std::size_t e, const Logs& logs, Sequential& m) override { if (epoch_end) epoch_end(e, logs, m); }
};

// Keras' EarlyStopping: stops when `monitor` has not improved by min_delta for `patience` epochs.
// With restore_best_weights the model ends training with the weights of its best epoch.
class EarlyStopping final : public Callback {
 public:
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

 private:
  bool improved(double value) const;
  Options options_;
  bool maximise_ = false;
  double best_ = 0.0;
  long best_epoch_ = -1, stopped_epoch_ = -1;
  std::size_t wait_ = 0;
  std::vector<Tensor> best_weights_;
};

}  // namespace neurite
