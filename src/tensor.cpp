#include "tensor.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

namespace neurite {

std::size_t shape_size(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

Shape with_batch(std::size_t batch, const Shape& shape) {
  Shape full{batch};
  full.insert(full.end(), shape.begin(), shape.end());
  return full;
}

std::string shape_str(const Shape& shape) {
  std::string s = "(None";
  for (auto d : shape) s += ", " + std::to_string(d);
  return s + ")";
}

void ensure_shape(Tensor& t, const Shape& full_shape) {
  if (t.dimension() == full_shape.size() && std::equal(full_shape.begin(), full_shape.end(), t.shape().begin()))
    return;
  t.resize(full_shape);
}

}  // namespace neurite
