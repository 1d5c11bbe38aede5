#include "kernels/im2col.hpp"

#include <algorithm>
#include <cstddef>

namespace neurite::kernels {
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

}  // namespace

WindowAxis valid_windows(std::size_t in, std::size_t window, std::size_t stride) {
  return {in < window ? 0 : (in - window) / stride + 1, 0};
}

WindowAxis same_windows(std::size_t in, std::size_t window, std::size_t stride) {
  const std::size_t out = (in + stride - 1) / stride;
  const std::size_t needed = out == 0 ? 0 : (out - 1) * stride + window;
  return {out, needed > in ? (needed - in) / 2 : 0};
}

void im2col(const float* x, const WindowGeometry& g, float* cols) {
  const std::size_t run = g.window_w * g.channels;  // one window row: contiguous in x and in cols
  for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
    float* row = cols + p * g.patch_size();
    for (std::size_t ky = 0; ky < g.window_h; ++ky) {
      float* seg = row + ky * run;
      float* const end = seg + run;
      if (ky >= rows.lo && ky < rows.hi) {
        const float* src = x + cell(g, b, rows, ky, cs, cs.lo);
        seg = std::fill_n(seg, cs.lo * g.channels, 0.0f);
        seg = std::copy(src, src + (cs.hi - cs.lo) * g.channels, seg);
      }
      std::fill(seg, end, 0.0f);
    }
  });
}

void col2im(const float* cols, const WindowGeometry& g, float* dx) {
  std::fill_n(dx, g.batch * g.in_h * g.in_w * g.channels, 0.0f);
  const std::size_t run = g.window_w * g.channels;
  for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
    const float* row = cols + p * g.patch_size();
    for (std::size_t ky = rows.lo; ky < rows.hi; ++ky)
      add(row + ky * run + cs.lo * g.channels, dx + cell(g, b, rows, ky, cs, cs.lo), (cs.hi - cs.lo) * g.channels);
  });
}

void max_pool(const float* x, const WindowGeometry& g, float* y, std::size_t* argmax) {
  const std::size_t C = g.channels;
  for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
    float* out = y + p * C;
    std::size_t* arg = argmax + p * C;
    bool first = true;  // the first cell initialises: no -inf sentinel, so all-NaN windows still get an argmax
    for (std::size_t ky = rows.lo; ky < rows.hi; ++ky)
      for (std::size_t kx = cs.lo; kx < cs.hi; ++kx) {
        const std::size_t at = cell(g, b, rows, ky, cs, kx);
        const float* in = x + at;
        for (std::size_t c = 0; c < C; ++c)
          if (first || in[c] > out[c]) {
            out[c] = in[c];
            arg[c] = at + c;
          }
        first = false;
      }
  });
}

void max_pool_backward(const float* dy, const std::size_t* argmax, const WindowGeometry& g, float* dx) {
  std::fill_n(dx, g.batch * g.in_h * g.in_w * g.channels, 0.0f);
  const std::size_t n = g.out_pixels() * g.channels;
  for (std::size_t i = 0; i < n; ++i) dx[argmax[i]] += dy[i];
}

void average_pool(const float* x, const WindowGeometry& g, float* y) {
  const std::size_t C = g.channels;
  for_each_window(g, [&](std::size_t p, std::size_t b, const Taps& rows, const Taps& cs) {
    float* out = std::fill_n(y + p * C, C, 0.0f) - C;
    for (std::size_t ky = rows.lo; ky < rows.hi; ++ky)
      for (std::size_t kx = cs.lo; kx < cs.hi; ++kx) add(x + cell(g, b, rows, ky, cs, kx), out, C);
    const float inv_count = 1.0f / static_cast<float>((rows.hi - rows.lo) * (cs.hi - cs.lo));
    for (std::size_t c = 0; c < C; ++c) out[c] *= inv_count;
  });
}

void average_pool_backward(const float* dy, const WindowGeometry& g, float* dx) {
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

}  // namespace neurite::kernels
