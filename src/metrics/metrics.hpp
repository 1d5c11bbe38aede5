#pragma once
// Classification metrics over whole predictions: class indices from model outputs and targets, and
// a confusion matrix with sklearn's definitions of precision, recall and F1.
#include <cstddef>
#include <string>
#include <vector>

namespace neurite::metrics {

// Class index per row of a row-major [rows, cols] prediction: the argmax of the row (the first
// maximum, as NumPy's argmax). For cols == 1 (binary: a sigmoid output or a logit) the class is 1 when
// the value > threshold: pass 0.5 for probabilities, 0 for logits. cols == 0 is std::invalid_argument.
std::vector<std::size_t> predicted_classes(const float* pred, std::size_t rows, std::size_t cols,
                                           float threshold = 0.5f);

// True class per row of a target. cols >= 2: one-hot [rows, cols], the argmax. cols == 0 (a 1-D
// [rows] tensor) or cols == 1: one value per row, rounded half up, so sparse labels (0, 1, 2 ... as
// floats) give themselves and binary targets [rows, 1] give 1 when >= 0.5. A negative or non-finite
// value is std::invalid_argument naming the row.
std::vector<std::size_t> true_classes(const float* target, std::size_t rows, std::size_t cols);

// Counts of (true class, predicted class) pairs: rows = true class, columns = predicted class.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(std::size_t num_classes);  // 0 classes: std::invalid_argument

  // A class index >= num_classes is std::out_of_range naming it.
  void add(std::size_t true_class, std::size_t predicted_class);
  // Adds pairs element by element; checks every pair first, so a bad one leaves the counts unchanged.
  void add(const std::vector<std::size_t>& truth, const std::vector<std::size_t>& predicted);
  void reset();
  // Every count, row-major [true class][predicted class]: what a training checkpoint keeps.
  const std::vector<std::size_t>& counts() const { return counts_; }
  void set_counts(const std::vector<std::size_t>& counts);  // std::invalid_argument on a wrong size

  std::size_t num_classes() const { return n_; }
  std::size_t count(std::size_t true_class, std::size_t predicted_class) const;
  std::size_t total() const { return total_; }
  std::size_t true_count(std::size_t c) const;       // row sum: samples of class c
  std::size_t predicted_count(std::size_t c) const;  // column sum: predictions of class c

  // Fraction on the diagonal; 0 when empty.
  double accuracy() const;
  // Per class, 0 when undefined (sklearn's zero_division=0): precision = tp / predicted,
  // recall = tp / true, f1 = 2 tp / (2 tp + fp + fn).
  double precision(std::size_t c) const;
  double recall(std::size_t c) const;
  double f1(std::size_t c) const;
  // Unweighted means over the classes that occur in the truth or the predictions (sklearn's default
  // labels), so classes that never appeared do not pull the mean down; 0 when empty.
  double macro_precision() const;
  double macro_recall() const;
  double macro_f1() const;

  // Aligned text table, rows = true class, columns = predicted class, headed by class indices.
  std::string to_string() const;
  // The same headed by names (e.g. Fashion-MNIST's "T-shirt/top"); names.size() must be num_classes().
  std::string to_string(const std::vector<std::string>& class_names) const;

 private:
  void check_class(std::size_t c, const char* role) const;
  template <class PerClass>
  double macro_mean(PerClass per_class) const;

  std::size_t n_;
  std::vector<std::size_t> counts_;  // row-major [n_, n_]
  std::size_t total_ = 0;
};

}  // namespace neurite::metrics
