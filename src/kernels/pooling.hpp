#pragma once
// Max and average pooling on NHWC images: reductions over each window's cells, a channel run at a
// time (the windows are those of windows.hpp).
#include <cstdint>

#include "kernels/windows.hpp"

namespace neurite::kernels {

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
