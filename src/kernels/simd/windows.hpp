#pragma once
// The sliding-window kernels (kernels/im2col.hpp, kernels/pooling.hpp) for one instruction set: Windows<Arch>. Compiled
// once per target by target.cpp. Only max pooling works in SIMD batches (across channels); the
// rest copies and adds runs of floats, which compilers vectorise for the target by themselves.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "kernels/im2col.hpp"
#include "kernels/pooling.hpp"
#include "kernels/parallel.hpp"

namespace neurite::kernels::simd {
namespace {

using Index = std::ptrdiff_t;

// The window offsets [lo, hi) of one output position whose input index start + k lies in [0, in).
struct Taps {
  Index start;
  std::size_t lo, hi;
};

Taps taps(std::size_t o, std::size_t stride, std::size_t pad, std::size_t window, std::size_t in) {
  const Index start = static_cast<Index>(o * stride) - static_cast<Index>(pad);
  const Index lo = std::max<Index>(0, -start);
  const Index hi = std::min<Index>(static_cast<Index>(window), static_cast<Index>(in) - start);
  return {start, static_cast<std::size_t>(lo), static_cast<std::size_t>(std::max(lo, hi))};
}

// Calls f(p, b, rows, cols) for every output pixel p = (b, oy, ox), in order, with the window taps
// along each axis.
template <class F>
void for_each_window(const WindowGeometry& g, F&& f) {
  std::size_t p = 0;
  for (std::size_t b = 0; b < g.batch; ++b)
    for (std::size_t oy = 0; oy < g.out_h; ++oy) {
      const Taps rows = taps(oy, g.stride_h, g.pad_top, g.window_h, g.in_h);
      for (std::size_t ox = 0; ox < g.out_w; ++ox, ++p)
        f(p, b, rows, taps(ox, g.stride_w, g.pad_left, g.window_w, g.in_w));
    }
}

// Offset of image cell (b, rows.start + ky, cols.start + kx, channel 0); the taps keep it in range.
std::size_t cell(const WindowGeometry& g, std::size_t b, const Taps& rows, std::size_t ky, const Taps& cols,
                 std::size_t kx) {
  const auto y = static_cast<std::size_t>(rows.start + static_cast<Index>(ky));
  const auto x = static_cast<std::size_t>(cols.start + static_cast<Index>(kx));
  return ((b * g.in_h + y) * g.in_w + x) * g.channels;
}

void add(const float* src, float* dst, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] += src[i];
}

// Calls f(offset of channel 0) for every window cell inside the image, in row-major window order.
template <class F>
void for_each_cell(const WindowGeometry& g, std::size_t b, const Taps& rows, const Taps& cols, F&& f) {
  for (std::size_t ky = rows.lo; ky < rows.hi; ++ky)
    for (std::size_t kx = cols.lo; kx < cols.hi; ++kx) f(cell(g, b, rows, ky, cols, kx));
}

// ---- whole-batch kernels ----------------------------------------------------------------------

// A window row is often a few floats (3 for a 3×3 kernel on one channel), where a memmove or memset
// call per row cost more than the copy (11% of the cnn's training time natively). Short runs go
// through a loop with a fixed trip count and a condition, which compilers keep inline.
constexpr std::size_t kShortRun = 8;

float* copy_run(const float* src, std::size_t n, float* dst) {
  if (n > kShortRun) return std::copy(src, src + n, dst);
  for (std::size_t i = 0; i < kShortRun; ++i)
    if (i < n) dst[i] = src[i];
  return dst + n;
}

float* zero_run(float* dst, std::size_t n) {
  if (n > kShortRun) return std::fill_n(dst, n, 0.0f);
  for (std::size_t i = 0; i < kShortRun; ++i)
    if (i < n) dst[i] = 0.0f;
  return dst + n;
}

// Windows that never leave the image (no padding): nothing to clip or zero, each patch row is one
// copy of `run` floats. Run is a template argument for the short rows of small kernels (3 for a 3×3
// kernel on one channel), so the copies unroll; 0 means "known only at run time".
template <std::size_t Run>
void im2col_inside(const float* x, const WindowGeometry& g, float* cols, std::size_t run) {
  if constexpr (Run != 0) run = Run;
  const std::size_t line = g.in_w * g.channels, step = g.stride_w * g.channels;
  for (std::size_t b = 0; b < g.batch; ++b)
    for (std::size_t oy = 0; oy < g.out_h; ++oy) {
      const float* src = x + (b * g.in_h + oy * g.stride_h) * line;
      for (std::size_t ox = 0; ox < g.out_w; ++ox, src += step)
        for (std::size_t ky = 0; ky < g.window_h; ++ky, cols += run) std::copy_n(src + ky * line, run, cols);
    }
}

bool windows_inside(const WindowGeometry& g) {
  return g.pad_top == 0 && g.pad_left == 0 && g.out_h > 0 && g.out_w > 0 &&
         (g.out_h - 1) * g.stride_h + g.window_h <= g.in_h && (g.out_w - 1) * g.stride_w + g.window_w <= g.in_w;
}

template <std::size_t... Runs>
bool im2col_inside_fixed(const float* x, const WindowGeometry& g, float* cols, std::index_sequence<Runs...>) {
  const std::size_t run = g.window_w * g.channels;
  return ((run == Runs + 1 ? (im2col_inside<Runs + 1>(x, g, cols, run), true) : false) || ...);
}

void im2col_images(const float* x, const WindowGeometry& g, float* cols) {
  if (windows_inside(g)) {
    if (!im2col_inside_fixed(x, g, cols, std::make_index_sequence<kShortRun>{}))
      im2col_inside<0>(x, g, cols, g.window_w * g.channels);
    return;
  }
  const std::size_t run = g.window_w * g.channels;  // one window row: contiguous in x and in cols
  for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
    float* row = cols + p * g.patch_size();
    for (std::size_t ky = 0; ky < g.window_h; ++ky) {
      float* seg = row + ky * run;
      float* const end = seg + run;
      if (ky >= rows.lo && ky < rows.hi) {
        const float* src = x + cell(g, b, rows, ky, cs, cs.lo);
        seg = zero_run(seg, cs.lo * g.channels);
        seg = copy_run(src, (cs.hi - cs.lo) * g.channels, seg);
      }
      zero_run(seg, static_cast<std::size_t>(end - seg));
    }
  });
}

void col2im_images(const float* cols, const WindowGeometry& g, float* dx) {
  std::fill_n(dx, g.batch * g.in_h * g.in_w * g.channels, 0.0f);
  const std::size_t run = g.window_w * g.channels;
  for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
    const float* row = cols + p * g.patch_size();
    for (std::size_t ky = rows.lo; ky < rows.hi; ++ky)
      add(row + ky * run + cs.lo * g.channels, dx + cell(g, b, rows, ky, cs, cs.lo), (cs.hi - cs.lo) * g.channels);
  });
}

void max_pool_backward_images(const float* dy, const std::uint32_t* argmax, const WindowGeometry& g, float* dx) {
  const std::size_t image = g.in_h * g.in_w * g.channels, outputs = g.out_h * g.out_w * g.channels;
  std::fill_n(dx, g.batch * image, 0.0f);
  for (std::size_t b = 0; b < g.batch; ++b, dx += image, dy += outputs, argmax += outputs)
    for (std::size_t i = 0; i < outputs; ++i) dx[argmax[i]] += dy[i];
}

void average_pool_images(const float* x, const WindowGeometry& g, float* y) {
  const std::size_t C = g.channels;
  for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
    float* out = std::fill_n(y + p * C, C, 0.0f) - C;
    for (std::size_t ky = rows.lo; ky < rows.hi; ++ky)
      for (std::size_t kx = cs.lo; kx < cs.hi; ++kx) add(x + cell(g, b, rows, ky, cs, kx), out, C);
    const float inv_count = 1.0f / static_cast<float>((rows.hi - rows.lo) * (cs.hi - cs.lo));
    for (std::size_t c = 0; c < C; ++c) out[c] *= inv_count;
  });
}

void average_pool_backward_images(const float* dy, const WindowGeometry& g, float* dx) {
  std::fill_n(dx, g.batch * g.in_h * g.in_w * g.channels, 0.0f);
  const std::size_t C = g.channels;
  for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
    const float* grad = dy + p * C;
    const float inv_count = 1.0f / static_cast<float>((rows.hi - rows.lo) * (cs.hi - cs.lo));
    for (std::size_t ky = rows.lo; ky < rows.hi; ++ky)
      for (std::size_t kx = cs.lo; kx < cs.hi; ++kx) {
        float* d = dx + cell(g, b, rows, ky, cs, kx);
        for (std::size_t c = 0; c < C; ++c) d[c] += grad[c] * inv_count;
      }
  });
}

// ---- the public kernels: slices of the batch spread over the thread pool ----------------------

// Splitting a window kernel costs a hand-off; below this many floats written per chunk it runs on
// the calling thread alone.
constexpr std::size_t kMinFloatsPerChunk = std::size_t{1} << 16;

// Calls f(slice geometry, first image) for slices of the batch in parallel: every kernel here reads
// and writes only its own images, so slices are independent and the result does not depend on the split.
template <class F>
void for_batch_slices(const WindowGeometry& g, std::size_t floats_per_image, F&& f) {
  const std::size_t chunks = std::min(g.batch, chunks_for(g.batch * floats_per_image, kMinFloatsPerChunk));
  if (chunks <= 1) return f(g, std::size_t{0});
  const std::size_t per_chunk = (g.batch + chunks - 1) / chunks;
  parallel_for((g.batch + per_chunk - 1) / per_chunk, [&](std::size_t chunk) {
    WindowGeometry slice = g;
    const std::size_t first = chunk * per_chunk;
    slice.batch = std::min(per_chunk, g.batch - first);
    f(slice, first);
  });
}

std::size_t image_floats(const WindowGeometry& g) { return g.in_h * g.in_w * g.channels; }
std::size_t output_floats(const WindowGeometry& g) { return g.out_h * g.out_w * g.channels; }
std::size_t patch_floats(const WindowGeometry& g) { return g.out_h * g.out_w * g.patch_size(); }

template <class Arch>
struct Windows {
  // The max-pool loops are written once for a run of channels as either a SIMD batch or one float
  // (the channel tail): these overloads give both the same vocabulary.
  using Batch = xsimd::batch<float, Arch>;
  using BatchMask = xsimd::batch_bool<float, Arch>;
  // Window-cell offsets within an image as SIMD lanes: max_pool's argmax runs beside its maxima.
  using IndexBatch = xsimd::batch<std::int32_t, Arch>;
  static_assert(IndexBatch::size == Batch::size, "one index lane per float lane");

  template <class V>
  static V load(const float* p) {
    if constexpr (std::is_same_v<V, float>) return *p;
    else return V::load_unaligned(p);
  }
  static void store(float* p, float v) { *p = v; }
  static void store(float* p, const Batch& v) { v.store_unaligned(p); }
  static void store(std::uint32_t* p, std::int32_t v) { *p = static_cast<std::uint32_t>(v); }
  static void store(std::uint32_t* p, const IndexBatch& v) { v.store_unaligned(reinterpret_cast<std::int32_t*>(p)); }
  static float select(bool mask, float a, float b) { return mask ? a : b; }
  static Batch select(const BatchMask& mask, const Batch& a, const Batch& b) { return xsimd::select(mask, a, b); }
  static std::int32_t select(bool mask, std::int32_t a, std::int32_t b) { return mask ? a : b; }
  static IndexBatch select(const BatchMask& mask, const IndexBatch& a, const IndexBatch& b) {
    return xsimd::select(xsimd::batch_bool_cast<std::int32_t>(mask), a, b);
  }

  // Calls f(lanes, c) for channel runs [c, c + lanes) covering [0, channels): whole batches, then
  // single floats.
  template <class F>
  static void for_channel_runs(std::size_t channels, F&& f) {
    std::size_t c = 0;
    for (; c + Batch::size <= channels; c += Batch::size) f(Batch{}, c);
    for (; c < channels; ++c) f(0.0f, c);
  }

  // 0, 1, 2, ... in the lanes; made once per call: filling a stack array per window cell cost
  // max_pool as much as its comparisons.
  static IndexBatch lane_iota() {
    alignas(64) std::int32_t iota[IndexBatch::size];
    for (std::size_t l = 0; l < IndexBatch::size; ++l) iota[l] = static_cast<std::int32_t>(l);
    return IndexBatch::load_unaligned(iota);
  }
  static std::int32_t lane_offsets(float, const IndexBatch&, std::int32_t first) { return first; }
  static IndexBatch lane_offsets(const Batch&, const IndexBatch& iota, std::int32_t first) {
    return IndexBatch(first) + iota;
  }

  static void max_pool_images(const float* x, const WindowGeometry& g, float* y, std::uint32_t* argmax) {
    const std::size_t C = g.channels, image = g.in_h * g.in_w * C;
    const IndexBatch iota = lane_iota();
    for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
      const std::size_t first = cell(g, b, rows, rows.lo, cs, cs.lo);
      for_channel_runs(C, [&](auto lanes, std::size_t c) {
        using V = decltype(lanes);
        // strict >: a NaN never wins, and a NaN in the first cell stays (TF's max pool)
        V best = load<V>(x + first + c);
        auto best_at = lane_offsets(lanes, iota, static_cast<std::int32_t>(first - b * image + c));
        for_each_cell(g, b, rows, cs, [&](std::size_t at) {
          const V v = load<V>(x + at + c);
          const auto wins = v > best;
          best = select(wins, v, best);
          best_at = select(wins, lane_offsets(lanes, iota, static_cast<std::int32_t>(at - b * image + c)), best_at);
        });
        store(y + p * C + c, best);
        store(argmax + p * C + c, best_at);
      });
    });
  }

  static void im2col(const float* x, const WindowGeometry& g, float* cols) {
    for_batch_slices(g, patch_floats(g), [&](const WindowGeometry& s, std::size_t b) {
      im2col_images(x + b * image_floats(g), s, cols + b * patch_floats(g));
    });
  }

  static void col2im(const float* cols, const WindowGeometry& g, float* dx) {
    for_batch_slices(g, patch_floats(g), [&](const WindowGeometry& s, std::size_t b) {
      col2im_images(cols + b * patch_floats(g), s, dx + b * image_floats(g));
    });
  }

  static void max_pool(const float* x, const WindowGeometry& g, float* y, std::uint32_t* argmax) {
    for_batch_slices(g, image_floats(g), [&](const WindowGeometry& s, std::size_t b) {
      max_pool_images(x + b * image_floats(g), s, y + b * output_floats(g), argmax + b * output_floats(g));
    });
  }

  static void max_pool_backward(const float* dy, const std::uint32_t* argmax, const WindowGeometry& g, float* dx) {
    for_batch_slices(g, image_floats(g), [&](const WindowGeometry& s, std::size_t b) {
      max_pool_backward_images(dy + b * output_floats(g), argmax + b * output_floats(g), s, dx + b * image_floats(g));
    });
  }

  static void average_pool(const float* x, const WindowGeometry& g, float* y) {
    for_batch_slices(g, image_floats(g), [&](const WindowGeometry& s, std::size_t b) {
      average_pool_images(x + b * image_floats(g), s, y + b * output_floats(g));
    });
  }

  static void average_pool_backward(const float* dy, const WindowGeometry& g, float* dx) {
    for_batch_slices(g, image_floats(g), [&](const WindowGeometry& s, std::size_t b) {
      average_pool_backward_images(dy + b * output_floats(g), s, dx + b * image_floats(g));
    });
  }
};

}  // namespace
}  // namespace neurite::kernels::simd
