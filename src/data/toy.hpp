#pragma once
// A small two-feature binary problem for the toy-binary preset: is a point inside a circle?
#include <cstddef>
#include <cstdint>

#include "tensor.hpp"

namespace neurite::data {

struct ToySplit {
  Tensor features;  // [n, 2], uniform in [-1, 1]²
  Tensor labels;    // [n, 1]: 1 inside the circle of radius 0.8, else 0 (about half and half)
};
ToySplit make_circle_data(std::size_t n, std::uint32_t seed);

}  // namespace neurite::data
