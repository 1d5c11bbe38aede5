#pragma once
// Element-wise loops over raw buffers with xsimd batches of any width. The tail (n % lanes) goes
// through the same functor on a zero-padded batch, so every op is written once, for batches only.
//
// Like everything under kernels/simd/, this is compiled once per instruction set (target.cpp)
// and lives in an unnamed namespace: each target's copy stays inside its own object file.
#include <algorithm>
#include <cstddef>

#include <xsimd/xsimd.hpp>

namespace neurite::kernels::simd {
namespace {

// x[i] = f(x[i])
template <class Batch, class F>
void map_inplace(float* x, std::size_t n, F&& f) {
  constexpr std::size_t lanes = Batch::size;
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) f(Batch::load_unaligned(x + i)).store_unaligned(x + i);
  if (i == n) return;
  alignas(64) float tail[lanes] = {};
  std::copy(x + i, x + n, tail);
  f(Batch::load_unaligned(tail)).store_unaligned(tail);
  std::copy(tail, tail + (n - i), x + i);
}

// out[i] = f(a[i], out[i])
template <class Batch, class F>
void zip_inplace(const float* a, float* out, std::size_t n, F&& f) {
  constexpr std::size_t lanes = Batch::size;
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    f(Batch::load_unaligned(a + i), Batch::load_unaligned(out + i)).store_unaligned(out + i);
  if (i == n) return;
  alignas(64) float ta[lanes] = {}, to[lanes] = {};
  std::copy(a + i, a + n, ta);
  std::copy(out + i, out + n, to);
  f(Batch::load_unaligned(ta), Batch::load_unaligned(to)).store_unaligned(to);
  std::copy(to, to + (n - i), out + i);
}

// sum of f(a[i], b[i])
template <class Batch, class F>
float zip_sum(const float* a, const float* b, std::size_t n, F&& f) {
  constexpr std::size_t lanes = Batch::size;
  Batch acc(0.0f);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) acc += f(Batch::load_unaligned(a + i), Batch::load_unaligned(b + i));
  float sum = xsimd::reduce_add(acc);
  alignas(64) float ta[lanes] = {}, tb[lanes] = {}, tr[lanes];
  std::copy(a + i, a + n, ta);
  std::copy(b + i, b + n, tb);
  f(Batch::load_unaligned(ta), Batch::load_unaligned(tb)).store_unaligned(tr);
  for (std::size_t j = 0; j < n - i; ++j) sum += tr[j];
  return sum;
}

}  // namespace
}  // namespace neurite::kernels::simd
