#pragma once
// im2col / col2im: a convolution on NHWC images as one GEMM. A window's channels are contiguous, so
// every inner loop copies whole channel runs.
#include "kernels/windows.hpp"

namespace neurite::kernels {

// cols[(b, oy, ox), (ky, kx, c)] = x[b, oy·sh + ky − pad_top, ox·sw + kx − pad_left, c], 0 in the
// padding: a [out_pixels, patch_size] matrix whose columns follow a [kh, kw, in, out] kernel.
void im2col(const float* x, const WindowGeometry& g, float* cols);
// The adjoint of im2col: dx = sum of every patch row written back where it was read (overlapping
// windows add up; padding cells are dropped). Overwrites dx ([batch, in_h, in_w, channels]).
void col2im(const float* cols, const WindowGeometry& g, float* dx);

}  // namespace neurite::kernels
