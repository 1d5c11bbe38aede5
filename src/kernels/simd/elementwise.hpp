#pragma once
// The element-wise kernels (kernels/elementwise.hpp) for one instruction set: Elementwise<Arch>.
// Compiled once per target by target.cpp; every loop works for any batch width.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "kernels/parallel.hpp"
#include "kernels/simd/madd.hpp"
#include "kernels/simd/map.hpp"
#include "kernels/simd/scratch.hpp"

namespace neurite::kernels::simd {
namespace {

template <class Arch>
struct Elementwise {
  using Batch = xsimd::batch<float, Arch>;
  static constexpr std::size_t kLanes = Batch::size;

  // Below this many floats per chunk an element-wise pass is not worth a thread hand-off.
  static constexpr std::size_t kMinFloatsPerChunk = std::size_t{1} << 16;
  // Column sums add rows in blocks of this many, then the blocks' sums in block order: a fixed
  // grouping, so the result does not depend on how many threads summed the blocks.
  static constexpr std::size_t kColumnSumRows = 1024;

  // Calls f(begin, end) on ranges of [0, n) that start at multiples of the SIMD width, in parallel.
  template <class F>
  static void for_ranges(std::size_t n, F&& f) {
    const std::size_t chunks = chunks_for(n, kMinFloatsPerChunk);
    if (chunks <= 1) return f(std::size_t{0}, n);
    const std::size_t step = (n / chunks + kLanes - 1) / kLanes * kLanes;
    parallel_for((n + step - 1) / step, [&](std::size_t chunk) { f(chunk * step, std::min(n, (chunk + 1) * step)); });
  }

  static void add_rows(const float* x, std::size_t rows, std::size_t cols, float* out) {
    for (std::size_t r = 0; r < rows; ++r)
      zip_inplace<Batch>(x + r * cols, out, cols, [](auto v, auto acc) { return acc + v; });
  }

  // Calls add_row(r, sums) for every row, where add_row adds row r into sums: straight into `out` for
  // a single block, else into per-block sums (blocks in parallel) that are then added in block order.
  template <class AddRow>
  static void sum_rows_in_blocks(std::size_t rows, std::size_t cols, float* out, const AddRow& add_row) {
    const std::size_t blocks = (rows + kColumnSumRows - 1) / kColumnSumRows;
    if (blocks <= 1) {
      for (std::size_t r = 0; r < rows; ++r) add_row(r, out);
      return;
    }
    static thread_local Scratch block_sums;
    float* const sums = grow(block_sums, blocks * cols);
    std::fill_n(sums, blocks * cols, 0.0f);
    parallel_for(blocks, [&](std::size_t block) {
      const std::size_t begin = block * kColumnSumRows, end = std::min(rows, begin + kColumnSumRows);
      for (std::size_t r = begin; r < end; ++r) add_row(r, sums + block * cols);
    });
    add_rows(sums, blocks, cols, out);
  }

  static void add_row_bias(float* y, const float* bias, std::size_t rows, std::size_t cols) {
    for (std::size_t r = 0; r < rows; ++r)
      zip_inplace<Batch>(bias, y + r * cols, cols, [](auto b, auto v) { return v + b; });
  }

  static void accumulate_column_sums(const float* x, std::size_t rows, std::size_t cols, float* out) {
    sum_rows_in_blocks(rows, cols, out, [&](std::size_t r, float* sums) { add_rows(x + r * cols, 1, cols, sums); });
  }

  static void relu(float* x, std::size_t n) {
    map_inplace<Batch>(x, n, [](auto v) { return xsimd::max(v, Batch(0.0f)); });
  }

  static void relu_backward(const float* y, float* dy, std::size_t n) {
    zip_inplace<Batch>(y, dy, n, [](auto out, auto g) { return xsimd::select(out > Batch(0.0f), g, Batch(0.0f)); });
  }

  static void relu_backward_into(const float* y, const float* dy, float* dx, std::size_t n) {
    for_ranges(n, [&](std::size_t begin, std::size_t end) {
      const Batch zero(0.0f);
      std::size_t i = begin;
      for (; i + kLanes <= end; i += kLanes)
        xsimd::select(Batch::load_unaligned(y + i) > zero, Batch::load_unaligned(dy + i), zero).store_unaligned(dx + i);
      for (; i < end; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    });
  }

  static void relu_backward_into_summing_columns(const float* y, const float* dy, float* dx, std::size_t rows,
                                                 std::size_t cols, float* column_sums) {
    sum_rows_in_blocks(rows, cols, column_sums, [&](std::size_t r, float* sums) {
      const std::size_t row = r * cols;
      const Batch zero(0.0f);
      std::size_t c = 0;
      for (; c + kLanes <= cols; c += kLanes) {
        const auto g = xsimd::select(Batch::load_unaligned(y + row + c) > zero, Batch::load_unaligned(dy + row + c), zero);
        g.store_unaligned(dx + row + c);
        (Batch::load_unaligned(sums + c) + g).store_unaligned(sums + c);
      }
      for (; c < cols; ++c) sums[c] += (dx[row + c] = y[row + c] > 0.0f ? dy[row + c] : 0.0f);
    });
  }

  static void sigmoid(float* x, std::size_t n) {
    // 1 / (1 + e^-x): e^-x overflows to inf for x < -88 and the quotient is then exactly 0, as it should be
    map_inplace<Batch>(x, n, [](auto v) { return Batch(1.0f) / (Batch(1.0f) + xsimd::exp(-v)); });
  }

  static void sigmoid_backward(const float* y, float* dy, std::size_t n) {
    zip_inplace<Batch>(y, dy, n, [](auto out, auto g) { return g * out * (Batch(1.0f) - out); });
  }

  static void tanh(float* x, std::size_t n) {
    map_inplace<Batch>(x, n, [](auto v) { return xsimd::tanh(v); });
  }

  static void tanh_backward(const float* y, float* dy, std::size_t n) {
    zip_inplace<Batch>(y, dy, n, [](auto out, auto g) { return g * (Batch(1.0f) - out * out); });
  }

  static void softmax_rows(float* x, std::size_t rows, std::size_t cols) {
    for (std::size_t r = 0; r < rows; ++r) {
      float* row = x + r * cols;
      const Batch shift(*std::max_element(row, row + cols));
      map_inplace<Batch>(row, cols, [&](auto v) { return xsimd::exp(v - shift); });
      float total = 0.0f;
      for (std::size_t c = 0; c < cols; ++c) total += row[c];
      scale(row, cols, 1.0f / total);
    }
  }

  static void softmax_backward_rows(const float* y, float* dy, std::size_t rows, std::size_t cols) {
    // dx = y ⊙ (dy − ⟨dy, y⟩), row by row
    for (std::size_t r = 0; r < rows; ++r) {
      const float* yr = y + r * cols;
      float* gr = dy + r * cols;
      const Batch dot(zip_sum<Batch>(yr, gr, cols, [](auto a, auto b) { return a * b; }));
      zip_inplace<Batch>(yr, gr, cols, [&](auto out, auto g) { return out * (g - dot); });
    }
  }

  static void scale(float* x, std::size_t n, float factor) {
    const Batch f(factor);
    map_inplace<Batch>(x, n, [&](auto v) { return v * f; });
  }

  static void multiply(const float* a, float* out, std::size_t n) {
    zip_inplace<Batch>(a, out, n, [](auto x, auto o) { return o * x; });
  }

  static void axpy(float alpha, const float* x, float* y, std::size_t n) {
    const Batch a(alpha);
    zip_inplace<Batch>(x, y, n, [&](auto v, auto acc) { return madd(a, v, acc); });
  }

  static float sum_of_squares(const float* x, std::size_t n) {
    return zip_sum<Batch>(x, x, n, [](auto a, auto b) { return a * b; });
  }

  static void bytes_to_float(const std::uint8_t* in, float* out, std::size_t n, float divisor) {
    // a plain loop: g++ and clang vectorise the widening conversion and the division themselves
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]) / divisor;
  }
};

}  // namespace
}  // namespace neurite::kernels::simd
