#include "kernels/normalization.hpp"

#include <algorithm>

namespace neurite::kernels {

// out[c] = Σ_r (x[r, c] − mean[c])²
void column_squared_deviations(const float* x, const float* mean, std::size_t rows, std::size_t C, float* out) {
  std::fill_n(out, C, 0.0f);
  for (std::size_t r = 0; r < rows; ++r, x += C)
    for (std::size_t c = 0; c < C; ++c) out[c] += (x[c] - mean[c]) * (x[c] - mean[c]);
}

// out[c] = Σ_r a[r, c] · b[r, c]
void column_dots(const float* a, const float* b, std::size_t rows, std::size_t C, float* out) {
  std::fill_n(out, C, 0.0f);
  for (std::size_t r = 0; r < rows; ++r, a += C, b += C)
    for (std::size_t c = 0; c < C; ++c) out[c] += a[c] * b[c];
}

// xhat = (x − mean) · inv_std, y = xhat · gamma + beta
void normalize(const float* x, const float* mean, const float* inv_std, const float* gamma, const float* beta,
               std::size_t rows, std::size_t C, float* xhat, float* y) {
  for (std::size_t r = 0; r < rows; ++r, x += C, xhat += C, y += C)
    for (std::size_t c = 0; c < C; ++c) {
      xhat[c] = (x[c] - mean[c]) * inv_std[c];
      y[c] = xhat[c] * gamma[c] + beta[c];
    }
}

// dx = gamma · inv_std · (dy − mean_dy − xhat · mean_dy_xhat); the two means are 0 when the
// statistics were constants (inference), and otherwise carry their dependence on every x.
void normalize_backward(const float* dy, const float* xhat, const float* scale, const float* mean_dy,
                        const float* mean_dy_xhat, std::size_t rows, std::size_t C, float* dx) {
  for (std::size_t r = 0; r < rows; ++r, dy += C, xhat += C, dx += C)
    for (std::size_t c = 0; c < C; ++c) dx[c] = scale[c] * (dy[c] - mean_dy[c] - xhat[c] * mean_dy_xhat[c]);
}

}  // namespace neurite::kernels
