#pragma once
// Element-wise loops over raw buffers with xsimd batches. The tail (n % batch size) goes through the
// same functor on a zero-padded batch, so every op is written once, for batches only.
#include <algorithm>
#include <cstddef>

#include <xsimd/xsimd.hpp>

namespace neurite::kernels {

using FloatBatch = xsimd::batch<float>;
constexpr std::size_t kLanes = FloatBatch::size;

// x[i] = f(x[i])
template <class F>
inline void map_inplace(float* x, std::size_t n, F&& f) {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) f(FloatBatch::load_unaligned(x + i)).store_unaligned(x + i);
  if (i == n) return;
  alignas(64) float tail[kLanes] = {};
  std::copy(x + i, x + n, tail);
  f(FloatBatch::load_aligned(tail)).store_aligned(tail);
  std::copy(tail, tail + (n - i), x + i);
}

// out[i] = f(a[i], out[i])
template <class F>
inline void zip_inplace(const float* a, float* out, std::size_t n, F&& f) {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    f(FloatBatch::load_unaligned(a + i), FloatBatch::load_unaligned(out + i)).store_unaligned(out + i);
  if (i == n) return;
  alignas(64) float ta[kLanes] = {}, to[kLanes] = {};
  std::copy(a + i, a + n, ta);
  std::copy(out + i, out + n, to);
  f(FloatBatch::load_aligned(ta), FloatBatch::load_aligned(to)).store_aligned(to);
  std::copy(to, to + (n - i), out + i);
}

// sum of f(a[i], b[i])
template <class F>
inline float zip_sum(const float* a, const float* b, std::size_t n, F&& f) {
  FloatBatch acc(0.0f);
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    acc += f(FloatBatch::load_unaligned(a + i), FloatBatch::load_unaligned(b + i));
  float sum = xsimd::reduce_add(acc);
  alignas(64) float ta[kLanes] = {}, tb[kLanes] = {}, tr[kLanes];
  std::copy(a + i, a + n, ta);
  std::copy(b + i, b + n, tb);
  f(FloatBatch::load_aligned(ta), FloatBatch::load_aligned(tb)).store_aligned(tr);
  for (std::size_t j = 0; j < n - i; ++j) sum += tr[j];
  return sum;
}

}  // namespace neurite::kernels
