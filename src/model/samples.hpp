#pragma once
// A set of samples fed to a model: floats, or bytes scaled on the fly so that a data set like
// MNIST stays uint8 in memory (47 MB instead of 188 MB). Copies share the storage.
#include <cstddef>
#include <memory>
#include <vector>

#include "tensor.hpp"

namespace neurite {

class Samples {
 public:
  Samples() = default;
  // The first axis counts the samples.
  static Samples of(Tensor values);
  // Bytes are divided by `divisor` as each batch is gathered (x / 255.0 as in every tutorial).
  static Samples of_bytes(ByteTensor values, float divisor = 255.0f);

  std::size_t size() const { return index_.empty() ? count_ : index_.size(); }
  const Shape& sample_shape() const { return sample_shape_; }
  std::size_t sample_size() const { return sample_size_; }

  // Writes samples `indices[0..n)` as floats into out, which holds n * sample_size() values.
  void gather(const std::size_t* indices, std::size_t n, float* out) const;
  void gather_range(std::size_t begin, std::size_t n, float* out) const;
  // The samples at the given positions (of this set), sharing storage.
  Samples subset(std::vector<std::size_t> positions) const;
  Samples slice(std::size_t begin, std::size_t end) const;

 private:
  std::size_t storage_index(std::size_t position) const { return index_.empty() ? position : index_[position]; }
  void copy_sample(std::size_t storage_row, float* out) const;

  std::shared_ptr<const Tensor> floats_;
  std::shared_ptr<const ByteTensor> bytes_;
  float divisor_ = 1.0f;
  std::vector<std::size_t> index_;  // empty: every stored sample in order
  std::size_t count_ = 0, sample_size_ = 0;
  Shape sample_shape_;
};

}  // namespace neurite
