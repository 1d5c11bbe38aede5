#include "model/samples.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "kernels/elementwise.hpp"

namespace neurite {
namespace {
template <class T>
Shape sample_shape_of(const T& values) {
  if (values.dimension() == 0) throw std::invalid_argument("samples need at least one axis (the sample count)");
  return Shape(values.shape().begin() + 1, values.shape().end());
}
}  // namespace

Samples Samples::of(Tensor values) {
  Samples s;
  s.sample_shape_ = sample_shape_of(values);
  s.count_ = values.shape()[0];
  s.sample_size_ = shape_size(s.sample_shape_);
  s.floats_ = std::make_shared<const Tensor>(std::move(values));
  return s;
}

Samples Samples::of_bytes(ByteTensor values, float divisor) {
  Samples s;
  s.sample_shape_ = sample_shape_of(values);
  s.count_ = values.shape()[0];
  s.sample_size_ = shape_size(s.sample_shape_);
  s.divisor_ = divisor;
  s.bytes_ = std::make_shared<const ByteTensor>(std::move(values));
  return s;
}

void Samples::copy_sample(std::size_t row, float* out) const {
  if (floats_) {
    const float* src = floats_->data() + row * sample_size_;
    std::copy(src, src + sample_size_, out);
  } else {
    kernels::bytes_to_float(bytes_->data() + row * sample_size_, out, sample_size_, divisor_);
  }
}

void Samples::gather(const std::size_t* indices, std::size_t n, float* out) const {
  for (std::size_t i = 0; i < n; ++i) {
    if (indices[i] >= size())
      throw std::out_of_range("sample " + std::to_string(indices[i]) + " requested from a set of " +
                              std::to_string(size()));
    copy_sample(storage_index(indices[i]), out + i * sample_size_);
  }
}

void Samples::gather_range(std::size_t begin, std::size_t n, float* out) const {
  std::vector<std::size_t> indices(n);
  std::iota(indices.begin(), indices.end(), begin);
  gather(indices.data(), n, out);
}

Samples Samples::subset(std::vector<std::size_t> positions) const {
  Samples s = *this;
  for (auto& p : positions) {
    if (p >= size()) throw std::out_of_range("subset position " + std::to_string(p) + " of " + std::to_string(size()));
    p = storage_index(p);
  }
  s.index_ = std::move(positions);
  return s;
}

Samples Samples::slice(std::size_t begin, std::size_t end) const {
  std::vector<std::size_t> positions(end - begin);
  std::iota(positions.begin(), positions.end(), begin);
  return subset(std::move(positions));
}

}  // namespace neurite
