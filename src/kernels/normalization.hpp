#pragma once
// BatchNormalization's loops over a [rows, C] block (rows: every axis but the channels' one): the
// column statistics, the normalisation and its gradient. The channel loop is innermost and
// contiguous, so compilers vectorise these for the target by themselves.
#include <cstddef>

namespace neurite::kernels {

// out[c] = Σ_r (x[r, c] − mean[c])²
void column_squared_deviations(const float* x, const float* mean, std::size_t rows, std::size_t C, float* out);
// out[c] = Σ_r a[r, c] · b[r, c]
void column_dots(const float* a, const float* b, std::size_t rows, std::size_t C, float* out);
// xhat = (x − mean) · inv_std, y = xhat · gamma + beta
void normalize(const float* x, const float* mean, const float* inv_std, const float* gamma, const float* beta,
               std::size_t rows, std::size_t C, float* xhat, float* y);
// dx = gamma · inv_std · (dy − mean_dy − xhat · mean_dy_xhat); the two means are 0 when the
// statistics were constants (inference), and otherwise carry their dependence on every x.
void normalize_backward(const float* dy, const float* xhat, const float* scale, const float* mean_dy,
                        const float* mean_dy_xhat, std::size_t rows, std::size_t C, float* dx);

}  // namespace neurite::kernels
