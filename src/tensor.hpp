#pragma once
// Tensors are xtensor containers (SIMD-aligned storage with XTENSOR_USE_XSIMD); the hot loops in
// src/kernels/ work on their raw buffers.
#include <cstddef>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

namespace neurite {

using Tensor = xt::xarray<float>;
using ByteTensor = xt::xarray<std::uint8_t>;

// Per-sample shape: the batch dimension is never part of a Shape.
using Shape = std::vector<std::size_t>;

std::size_t shape_size(const Shape& shape);
// (batch, ...shape)
Shape with_batch(std::size_t batch, const Shape& shape);
// Keras' notation: "(None, 28, 28)"
std::string shape_str(const Shape& shape);

// Resizes only when the shape differs, so buffers kept across batches are not reallocated.
void ensure_shape(Tensor& t, const Shape& full_shape);

}  // namespace neurite
