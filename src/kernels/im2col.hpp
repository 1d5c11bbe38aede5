#pragma once
// Sliding-window kernels on NHWC images: im2col / col2im (a convolution as one GEMM) and the
// pooling reductions, which walk the same windows. Images are row-major [batch, height, width,
// channels]; a window's channels are contiguous, so every inner loop copies or reduces whole
// channel runs.
#include <cstddef>
#include <cstdint>

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

// cols[(b, oy, ox), (ky, kx, c)] = x[b, oy·sh + ky − pad_top, ox·sw + kx − pad_left, c], 0 in the
// padding: a [out_pixels, patch_size] matrix whose columns follow a [kh, kw, in, out] kernel.
void im2col(const float* x, const WindowGeometry& g, float* cols);
// The adjoint of im2col: dx = sum of every patch row written back where it was read (overlapping
// windows add up; padding cells are dropped). Overwrites dx ([batch, in_h, in_w, channels]).
void col2im(const float* cols, const WindowGeometry& g, float* dx);

// y[b, oy, ox, c] = max over the window's cells inside the image, scanning in row-major window
// order with a strict >: a NaN never wins, except in the first cell, where it stays; so on ties the
// first maximum wins and a tie never moves the gradient between equal cells. Padding cells never
// win (TF's max pool). argmax[i] = the offset, within its own image, of the cell that gave y[i].
void max_pool(const float* x, const WindowGeometry& g, float* y, std::uint32_t* argmax);
// dx = 0, then dx[image of i][argmax[i]] += dy[i]. (Finding each maximum again from x and y instead
// of keeping an argmax measured 2-3x slower in wasm: it reads all of x a second time.)
void max_pool_backward(const float* dy, const std::uint32_t* argmax, const WindowGeometry& g, float* dx);
// y = mean over the window's cells inside the image (TF: padding cells are not counted).
void average_pool(const float* x, const WindowGeometry& g, float* y);
// Each window cell inside the image receives dy / (that window's cell count). Overwrites dx.
void average_pool_backward(const float* dy, const WindowGeometry& g, float* dx);

}  // namespace neurite::kernels
