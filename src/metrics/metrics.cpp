#include "metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace neurite::metrics {

namespace {

// Index of the first maximum, as NumPy's argmax (ties go to the lower class).
std::size_t argmax(const float* row, std::size_t cols) {
  std::size_t best = 0;
  for (std::size_t c = 1; c < cols; ++c)
    if (row[c] > row[best]) best = c;
  return best;
}

std::size_t rounded_label(float v, std::size_t row) {
  // the upper bound keeps the cast defined (floats are exact integers only up to 2^24 anyway);
  // written so that NaN fails it too
  if (!(v >= 0.0f && v < 16777216.0f))
    throw std::invalid_argument("true_classes: target at row " + std::to_string(row) + " is " + std::to_string(v) +
                                ", not a class index");
  return static_cast<std::size_t>(std::floor(v + 0.5f));
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

std::vector<std::size_t> predicted_classes(const float* pred, std::size_t rows, std::size_t cols, float threshold) {
  if (cols == 0) throw std::invalid_argument("predicted_classes: a prediction needs at least one column");
  std::vector<std::size_t> out(rows);
  if (cols == 1) {
    for (std::size_t r = 0; r < rows; ++r) out[r] = pred[r] > threshold ? 1 : 0;
  } else {
    for (std::size_t r = 0; r < rows; ++r) out[r] = argmax(pred + r * cols, cols);
  }
  return out;
}

std::vector<std::size_t> true_classes(const float* target, std::size_t rows, std::size_t cols) {
  std::vector<std::size_t> out(rows);
  if (cols <= 1) {
    for (std::size_t r = 0; r < rows; ++r) out[r] = rounded_label(target[r], r);
  } else {
    for (std::size_t r = 0; r < rows; ++r) out[r] = argmax(target + r * cols, cols);
  }
  return out;
}

ConfusionMatrix::ConfusionMatrix(std::size_t num_classes) : n_(num_classes), counts_(num_classes * num_classes, 0) {
  if (num_classes == 0) throw std::invalid_argument("ConfusionMatrix: num_classes must be > 0");
}

void ConfusionMatrix::check_class(std::size_t c, const char* role) const {
  if (c >= n_)
    throw std::out_of_range(std::string("ConfusionMatrix: ") + role + " class " + std::to_string(c) +
                            " is out of range for " + std::to_string(n_) + " classes");
}

void ConfusionMatrix::add(std::size_t true_class, std::size_t predicted_class) {
  check_class(true_class, "true");
  check_class(predicted_class, "predicted");
  ++counts_[true_class * n_ + predicted_class];
  ++total_;
}

void ConfusionMatrix::add(const std::vector<std::size_t>& truth, const std::vector<std::size_t>& predicted) {
  if (truth.size() != predicted.size())
    throw std::invalid_argument("ConfusionMatrix: " + std::to_string(truth.size()) + " true classes but " +
                                std::to_string(predicted.size()) + " predicted classes");
  for (std::size_t i = 0; i < truth.size(); ++i) {
    check_class(truth[i], "true");
    check_class(predicted[i], "predicted");
  }
  for (std::size_t i = 0; i < truth.size(); ++i) ++counts_[truth[i] * n_ + predicted[i]];
  total_ += truth.size();
}

void ConfusionMatrix::set_counts(const std::vector<std::size_t>& counts) {
  if (counts.size() != counts_.size())
    throw std::invalid_argument("confusion matrix: " + std::to_string(counts.size()) + " counts for " +
                                std::to_string(n_) + " classes");
  counts_ = counts;
  total_ = 0;
  for (std::size_t c : counts_) total_ += c;
}

void ConfusionMatrix::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
}

std::size_t ConfusionMatrix::count(std::size_t true_class, std::size_t predicted_class) const {
  check_class(true_class, "true");
  check_class(predicted_class, "predicted");
  return counts_[true_class * n_ + predicted_class];
}

std::size_t ConfusionMatrix::true_count(std::size_t c) const {
  check_class(c, "true");
  std::size_t sum = 0;
  for (std::size_t p = 0; p < n_; ++p) sum += counts_[c * n_ + p];
  return sum;
}

std::size_t ConfusionMatrix::predicted_count(std::size_t c) const {
  check_class(c, "predicted");
  std::size_t sum = 0;
  for (std::size_t t = 0; t < n_; ++t) sum += counts_[t * n_ + c];
  return sum;
}

double ConfusionMatrix::accuracy() const {
  if (total_ == 0) return 0.0;
  std::size_t correct = 0;
  for (std::size_t c = 0; c < n_; ++c) correct += counts_[c * n_ + c];
  return static_cast<double>(correct) / static_cast<double>(total_);
}

double ConfusionMatrix::precision(std::size_t c) const {
  const std::size_t predicted = predicted_count(c);
  return predicted == 0 ? 0.0 : static_cast<double>(count(c, c)) / static_cast<double>(predicted);
}

double ConfusionMatrix::recall(std::size_t c) const {
  const std::size_t actual = true_count(c);
  return actual == 0 ? 0.0 : static_cast<double>(count(c, c)) / static_cast<double>(actual);
}

double ConfusionMatrix::f1(std::size_t c) const {
  // 2 tp / (2 tp + fp + fn): equals 2 p r / (p + r) where both are defined, and stays defined (0)
  // when only one of them is, as sklearn computes it
  const std::size_t tp = count(c, c);
  const std::size_t denominator = true_count(c) + predicted_count(c);
  return denominator == 0 ? 0.0 : 2.0 * static_cast<double>(tp) / static_cast<double>(denominator);
}

template <class PerClass>
double ConfusionMatrix::macro_mean(PerClass per_class) const {
  double sum = 0.0;
  std::size_t present = 0;
  for (std::size_t c = 0; c < n_; ++c) {
    if (true_count(c) == 0 && predicted_count(c) == 0) continue;
    sum += per_class(c);
    ++present;
  }
  return present == 0 ? 0.0 : sum / static_cast<double>(present);
}

double ConfusionMatrix::macro_precision() const {
  return macro_mean([this](std::size_t c) { return precision(c); });
}

double ConfusionMatrix::macro_recall() const {
  return macro_mean([this](std::size_t c) { return recall(c); });
}

double ConfusionMatrix::macro_f1() const {
  return macro_mean([this](std::size_t c) { return f1(c); });
}

std::string ConfusionMatrix::to_string() const {
  std::vector<std::string> names(n_);
  for (std::size_t c = 0; c < n_; ++c) names[c] = std::to_string(c);
  return to_string(names);
}

std::string ConfusionMatrix::to_string(const std::vector<std::string>& class_names) const {
  if (class_names.size() != n_)
    throw std::invalid_argument("ConfusionMatrix::to_string: " + std::to_string(class_names.size()) +
                                " class names for " + std::to_string(n_) + " classes");
  const std::string corner = "true\\pred";
  // one width for every count column, so the table stays rectangular
  std::size_t cell = std::to_string(*std::max_element(counts_.begin(), counts_.end())).size();
  std::size_t label = corner.size();
  for (const auto& name : class_names) {
    cell = std::max(cell, name.size());
    label = std::max(label, name.size());
  }
  std::string out = pad_left(corner, label);
  for (const auto& name : class_names) out += "  " + pad_left(name, cell);
  out += '\n';
  for (std::size_t t = 0; t < n_; ++t) {
    out += pad_left(class_names[t], label);
    for (std::size_t p = 0; p < n_; ++p) out += "  " + pad_left(std::to_string(counts_[t * n_ + p]), cell);
    out += '\n';
  }
  return out;
}

}  // namespace neurite::metrics
