#pragma once
// The windows of a sliding-window layer (Conv2D, the pooling layers) on NHWC images, row-major
// [batch, height, width, channels]: how many there are along each axis and where they start. The
// kernels that walk them are in im2col.hpp (convolution) and pooling.hpp.
#include <cstddef>

namespace neurite::kernels {

// Output size and leading padding along one axis, as TensorFlow computes them.
struct WindowAxis {
  std::size_t out = 0, pad_before = 0;
};
// "valid": windows lie inside the input (out = 0 when the window is larger than the input).
WindowAxis valid_windows(std::size_t in, std::size_t window, std::size_t stride);
// "same": out = ceil(in / stride); total padding max((out − 1)·stride + window − in, 0), of which
// half (rounded down) goes before and the rest after.
WindowAxis same_windows(std::size_t in, std::size_t window, std::size_t stride);

struct WindowGeometry {
  std::size_t batch = 0, in_h = 0, in_w = 0, channels = 0;
  std::size_t window_h = 1, window_w = 1, stride_h = 1, stride_w = 1;
  std::size_t pad_top = 0, pad_left = 0;
  std::size_t out_h = 0, out_w = 0;

  std::size_t out_pixels() const { return batch * out_h * out_w; }
  std::size_t patch_size() const { return window_h * window_w * channels; }
};

}  // namespace neurite::kernels
