#include "kernels/warp.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace neurite::kernels {
namespace {

// TensorFlow's map_coordinate: folds a continuous coordinate into [0, len − 1] (constant fill leaves it)
float fold(float x, float len, FillMode mode) {
  switch (mode) {
    case FillMode::constant:
      return x;
    case FillMode::nearest:
      break;
    case FillMode::reflect:
      if (len <= 1.0f) return 0.0f;
      if (x < 0.0f) {
        const float period = 2.0f * len;
        if (x < -period) x += period * static_cast<float>(static_cast<int>(-x / period));
        x = x < -len ? x + period : -x - 1.0f;
      } else if (x > len - 1.0f) {
        const float period = 2.0f * len;
        x -= period * static_cast<float>(static_cast<int>(x / period));
        if (x >= len) x = period - x - 1.0f;
      }
      break;
    case FillMode::wrap:
      if (len <= 1.0f) return 0.0f;
      if (x < 0.0f)
        x += len * (static_cast<float>(static_cast<int>(-x / (len - 1.0f))) + 1.0f);
      else if (x > len - 1.0f)
        x -= len * static_cast<float>(static_cast<int>(x / (len - 1.0f)));
      break;
  }
  return std::clamp(x, 0.0f, len - 1.0f);
}

// The up-to-four input pixels one output pixel reads, with their weights; index −1 reads fill_value.
struct Taps {
  long index[4];
  float weight[4];
  int count;
};

long pixel(float y, float x, const WarpSpec& s) {
  if (y < 0.0f || x < 0.0f || y > float(s.height - 1) || x > float(s.width - 1)) return -1;
  return static_cast<long>(y) * static_cast<long>(s.width) + static_cast<long>(x);
}

Taps taps(float x, float y, const WarpSpec& s) {
  x = fold(x, float(s.width), s.fill_mode);
  y = fold(y, float(s.height), s.fill_mode);
  Taps t{};
  if (s.interpolation == Interpolation::nearest) {
    t.index[0] = pixel(std::round(y), std::round(x), s);
    t.weight[0] = 1.0f;
    t.count = 1;
    return t;
  }
  const float x0 = std::floor(x), y0 = std::floor(y), fx = x - x0, fy = y - y0;
  t.index[0] = pixel(y0, x0, s), t.weight[0] = (1.0f - fy) * (1.0f - fx);
  t.index[1] = pixel(y0, x0 + 1.0f, s), t.weight[1] = (1.0f - fy) * fx;
  t.index[2] = pixel(y0 + 1.0f, x0, s), t.weight[2] = fy * (1.0f - fx);
  t.index[3] = pixel(y0 + 1.0f, x0 + 1.0f, s), t.weight[3] = fy * fx;
  t.count = 4;
  return t;
}

template <class PerPixel>
void for_each_output_pixel(const AffineMap& m, const WarpSpec& s, PerPixel&& per_pixel) {
  for (std::size_t y = 0; y < s.height; ++y)
    for (std::size_t x = 0; x < s.width; ++x) {
      const float fx = float(x), fy = float(y);
      per_pixel(y * s.width + x, taps(m.a * fx + m.b * fy + m.c, m.d * fx + m.e * fy + m.f, s));
    }
}

}  // namespace

void warp_affine(const float* in, float* out, const AffineMap& map, const WarpSpec& spec) {
  const std::size_t channels = spec.channels;
  std::vector<float> sum(channels);
  for_each_output_pixel(map, spec, [&](std::size_t p, const Taps& t) {
    std::fill(sum.begin(), sum.end(), 0.0f);
    for (int k = 0; k < t.count; ++k) {
      if (t.weight[k] == 0.0f) continue;
      const float w = t.weight[k];
      if (t.index[k] < 0) {
        for (std::size_t c = 0; c < channels; ++c) sum[c] += w * spec.fill_value;
        continue;
      }
      const float* src = in + static_cast<std::size_t>(t.index[k]) * channels;
      for (std::size_t c = 0; c < channels; ++c) sum[c] += w * src[c];
    }
    std::copy(sum.begin(), sum.end(), out + p * channels);
  });
}

void warp_affine_backward(const float* grad_out, float* grad_in, const AffineMap& map, const WarpSpec& spec) {
  const std::size_t channels = spec.channels;
  for_each_output_pixel(map, spec, [&](std::size_t p, const Taps& t) {
    const float* g = grad_out + p * channels;
    for (int k = 0; k < t.count; ++k) {
      if (t.index[k] < 0 || t.weight[k] == 0.0f) continue;
      float* dst = grad_in + static_cast<std::size_t>(t.index[k]) * channels;
      for (std::size_t c = 0; c < channels; ++c) dst[c] += t.weight[k] * g[c];
    }
  });
}

}  // namespace neurite::kernels
