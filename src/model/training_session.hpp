#pragma once
// A fit that advances a few batches at a time. Sequential::fit runs one to the end; the browser
// worker runs a few batches between two looks at its message queue, so pause and stop stay instant.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/metric_tracker.hpp"
#include "model/sequential.hpp"

namespace neurite {

// A fit's whole state between two batches, except the weights (which model files save): with
// both, a fit resumed in a new process trains on exactly as the interrupted one would have.
struct TrainingCheckpoint {
  nlohmann::json state;                // options, positions, generators, running sums, history, callbacks
  OptimizerState optimizer;
  std::vector<std::uint32_t> order;    // the samples' order in the epoch under way (or the last one)
  std::vector<float> callback_floats;  // the callbacks' state_floats(), one after another (counts in state)
};

class TrainingSession {
 public:
  // Checks the data and options, holds out the validation split, calls on_train_begin.
  // `owned` callbacks run after options.callbacks and live as long as the session.
  TrainingSession(Sequential& model, const Samples& x, const Samples& y, FitOptions options,
                  std::vector<std::unique_ptr<Callback>> owned = {});

  struct Progress {
    std::size_t epoch = 0;              // from 0
    std::size_t batch = 0;              // batches done in this epoch
    std::size_t batches_per_epoch = 0;
    bool epoch_ended = false;           // logs then hold the epoch's values, validation included
    bool finished = false;
    Logs logs;                          // running means over the epoch so far
  };
  // Trains up to max_batches, never past the end of the current epoch. At an epoch's end it
  // evaluates the validation data, records the history and calls the epoch callbacks; after the
  // last epoch, or a stop request, it calls on_train_end and reports finished.
  Progress run(std::size_t max_batches);

  bool finished() const { return finished_; }
  Sequential& model() const { return model_; }
  const History& history() const { return history_; }
  const std::vector<std::unique_ptr<Callback>>& owned_callbacks() const { return owned_; }
  std::size_t batches_per_epoch() const;
  std::size_t train_size() const { return train_x_.size(); }
  std::size_t epoch() const { return epoch_; }

  TrainingCheckpoint checkpoint() const;
  // Continues a checkpointed fit in a session made with the same data, batch size and callbacks, on
  // a model holding the checkpoint's weights; epochs may be more than the checkpoint's. Throws
  // std::invalid_argument, naming what differs, for another fit's checkpoint.
  void restore(const TrainingCheckpoint& checkpoint);

 private:
  void begin_epoch();
  Logs end_epoch();
  // the tracker's means, and the learning rate when a schedule or a callback changes it
  Logs running_logs() const;

  Sequential& model_;
  FitOptions options_;
  std::vector<std::unique_ptr<Callback>> owned_;
  Samples train_x_, train_y_, val_x_, val_y_;
  bool has_validation_ = false;
  MetricTracker tracker_;
  std::vector<std::size_t> order_;
  std::size_t epoch_ = 0, cursor_ = 0, batch_ = 0;
  bool in_epoch_ = false, finished_ = false, logs_learning_rate_ = false;
  History history_;
};

}  // namespace neurite
