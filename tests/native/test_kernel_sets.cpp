// The kernel sets (kernels/kernel_set.hpp): the one asked for is the one that runs, errors name the
// choices, and the element-wise and window kernels of the set in use match plain scalar loops at
// every length and channel count up to three batches and one. CTest runs this whole suite once per
// kernel set this machine can run (NEURITE_SIMD=..., named in brackets after each test), so every
// test here and elsewhere runs at every width.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/elementwise.hpp"
#include "kernels/im2col.hpp"
#include "kernels/pooling.hpp"
#include "kernels/kernel_set.hpp"

namespace {

namespace k = neurite::kernels;

std::vector<float> random_values(std::size_t n, std::mt19937& rng, float low = -3.0f, float high = 3.0f) {
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::size_t lanes() { return k::active_kernels().gemm_blocking.lanes; }

// Lengths 0 … 3·lanes + 1, then a few long ones (several batches and a tail).
std::vector<std::size_t> lengths() {
  std::vector<std::size_t> n;
  for (std::size_t i = 0; i <= 3 * lanes() + 1; ++i) n.push_back(i);
  for (std::size_t i : {100, 1001, 4099}) n.push_back(i);
  return n;
}

// Compares element by element with a relative tolerance (0: exactly), and the guard floats after the end.
void check_close(const std::vector<float>& got, const std::vector<float>& want, float tolerance = 1e-5f) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    if (tolerance == 0.0f)
      CHECK(got[i] == want[i]);
    else
      CHECK(got[i] == doctest::Approx(want[i]).epsilon(tolerance).scale(1.0));
  }
}

constexpr float kGuard = 7777.0f;  // written after each buffer's end: a kernel must leave it

std::vector<float> with_guard(std::vector<float> v) {
  v.insert(v.end(), 2 * 16, kGuard);
  return v;
}

}  // namespace

TEST_CASE("kernel_sets.the_set_asked_for_runs") {
  const k::KernelSet& active = k::active_kernels();
  MESSAGE("kernels: " << active.name << " (" << active.description << ")");
  const char* requested = std::getenv("NEURITE_SIMD");
  if (requested != nullptr && *requested != '\0')
    CHECK(std::string(active.name) == requested);
  else
    CHECK(&active == &k::best_kernels_for_this_cpu());
  const bool chosen_by_itself = requested == nullptr || *requested == '\0';
  CHECK_FALSE((active.emulated && chosen_by_itself));
  bool listed = false;
  for (const k::KernelSet* set : k::compiled_kernel_sets()) listed |= set == &active;
  CHECK(listed);
}

// The bit the wasm build's badge reads ("+ FMA"): the AVX sets multiply-add in one instruction,
// SSE2 and the emulated widths in two.
TEST_CASE("kernel_sets.say_whether_they_fuse_multiply_add") {
  for (const k::KernelSet* set : k::compiled_kernel_sets()) {
    const std::string name = set->name;
    CAPTURE(name);
    if (name == "avx2" || name == "avx512") CHECK(set->fused_multiply_add);
    if (name == "sse2" || set->emulated) CHECK_FALSE(set->fused_multiply_add);
  }
}

TEST_CASE("kernel_sets.errors_name_the_choices") {
  const std::string before = k::active_kernels().name;
  CHECK_THROWS_WITH_AS(k::use_kernels("mmx"), doctest::Contains(k::compiled_kernel_sets().front()->name),
                       std::invalid_argument);
  CHECK(k::active_kernels().name == before);
  for (const k::KernelSet* set : k::compiled_kernel_sets())
    if (!set->runs_here()) CHECK_THROWS_AS(k::use_kernels(set->name), std::runtime_error);
  CHECK(&k::use_kernels(before) == &k::active_kernels());
}

TEST_CASE("kernel_sets.elementwise_matches_scalar_loops_at_every_length") {
  std::mt19937 rng(3);
  for (std::size_t n : lengths()) {
    CAPTURE(n);
    const auto x = random_values(n, rng), y = random_values(n, rng);
    const auto mapped = [&](void (*kernel)(float*, std::size_t), float (*scalar)(float)) {
      auto got = with_guard(x), want = with_guard(x);
      kernel(got.data(), n);
      std::transform(x.begin(), x.end(), want.begin(), scalar);
      check_close(got, want);
    };
    mapped(k::relu, [](float v) { return std::max(v, 0.0f); });
    mapped(k::sigmoid, [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
    mapped(k::tanh, [](float v) { return std::tanh(v); });

    const auto zipped = [&](void (*kernel)(const float*, float*, std::size_t), float (*scalar)(float, float)) {
      auto got = with_guard(y), want = with_guard(y);
      kernel(x.data(), got.data(), n);
      for (std::size_t i = 0; i < n; ++i) want[i] = scalar(x[i], y[i]);
      check_close(got, want);
    };
    zipped(k::relu_backward, [](float out, float g) { return out > 0.0f ? g : 0.0f; });
    zipped(k::sigmoid_backward, [](float out, float g) { return g * out * (1.0f - out); });
    zipped(k::tanh_backward, [](float out, float g) { return g * (1.0f - out * out); });
    zipped(k::multiply, [](float a, float o) { return o * a; });

    auto got = with_guard(y), want = with_guard(y);
    k::axpy(0.75f, x.data(), got.data(), n);
    for (std::size_t i = 0; i < n; ++i) want[i] = 0.75f * x[i] + y[i];
    check_close(got, want);

    got = with_guard(x), want = with_guard(x);
    k::scale(got.data(), n, -1.5f);
    for (std::size_t i = 0; i < n; ++i) want[i] = -1.5f * x[i];
    check_close(got, want);

    auto dx = with_guard(std::vector<float>(n, 0.0f));
    k::relu_backward_into(x.data(), y.data(), dx.data(), n);
    for (std::size_t i = 0; i < n; ++i) want[i] = x[i] > 0.0f ? y[i] : 0.0f;
    check_close(dx, want);

    double squares = 0.0;
    for (float v : x) squares += double(v) * v;
    CHECK(k::sum_of_squares(x.data(), n) == doctest::Approx(squares).epsilon(1e-5));

    std::vector<std::uint8_t> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
    auto floats = with_guard(std::vector<float>(n));
    k::bytes_to_float(bytes.data(), floats.data(), n, 255.0f);
    for (std::size_t i = 0; i < n; ++i) want[i] = static_cast<float>(bytes[i]) / 255.0f;
    check_close(floats, want, 0.0f);
  }
}

TEST_CASE("kernel_sets.row_kernels_match_scalar_loops_at_every_width") {
  std::mt19937 rng(4);
  const std::size_t rows = 3;
  for (std::size_t cols : lengths()) {
    if (cols == 0 || cols > 200) continue;
    CAPTURE(cols);
    const auto x = random_values(rows * cols, rng), g = random_values(rows * cols, rng), bias = random_values(cols, rng);

    auto got = with_guard(x), want = with_guard(x);
    k::add_row_bias(got.data(), bias.data(), rows, cols);
    for (std::size_t i = 0; i < rows * cols; ++i) want[i] = x[i] + bias[i % cols];
    check_close(got, want);

    auto sums = with_guard(std::vector<float>(cols, 1.0f)), want_sums = sums;
    k::accumulate_column_sums(x.data(), rows, cols, sums.data());
    for (std::size_t i = 0; i < rows * cols; ++i) want_sums[i % cols] += x[i];
    check_close(sums, want_sums);

    auto dx = with_guard(std::vector<float>(rows * cols)), fused_sums = with_guard(std::vector<float>(cols, 0.5f));
    auto want_dx = dx, want_fused = fused_sums;
    k::relu_backward_into_summing_columns(x.data(), g.data(), dx.data(), rows, cols, fused_sums.data());
    for (std::size_t i = 0; i < rows * cols; ++i) {
      want_dx[i] = x[i] > 0.0f ? g[i] : 0.0f;
      want_fused[i % cols] += want_dx[i];
    }
    check_close(dx, want_dx);
    check_close(fused_sums, want_fused);

    got = with_guard(x), want = with_guard(x);
    k::softmax_rows(got.data(), rows, cols);
    for (std::size_t r = 0; r < rows; ++r) {
      const float* in = x.data() + r * cols;
      const float top = *std::max_element(in, in + cols);
      double total = 0.0;
      for (std::size_t c = 0; c < cols; ++c) total += std::exp(double(in[c]) - top);
      for (std::size_t c = 0; c < cols; ++c) want[r * cols + c] = float(std::exp(double(in[c]) - top) / total);
    }
    check_close(got, want, 1e-4f);

    const auto y = got;  // softmax outputs
    auto dy = with_guard(g), want_dy = with_guard(g);
    k::softmax_backward_rows(y.data(), dy.data(), rows, cols);
    for (std::size_t r = 0; r < rows; ++r) {
      double dot = 0.0;
      for (std::size_t c = 0; c < cols; ++c) dot += double(y[r * cols + c]) * g[r * cols + c];
      for (std::size_t c = 0; c < cols; ++c) want_dy[r * cols + c] = float(y[r * cols + c] * (g[r * cols + c] - dot));
    }
    check_close(dy, want_dy, 1e-4f);
  }
}

namespace {

// A 5×6 image, 3×2 windows at strides 2×1, "same" padding (so windows cross every edge), and the same
// without padding.
k::WindowGeometry geometry(std::size_t channels, bool same) {
  k::WindowGeometry g;
  g.batch = 2, g.in_h = 5, g.in_w = 6, g.channels = channels;
  g.window_h = 3, g.window_w = 2, g.stride_h = 2, g.stride_w = 1;
  const auto rows = same ? k::same_windows(5, 3, 2) : k::valid_windows(5, 3, 2);
  const auto cols = same ? k::same_windows(6, 2, 1) : k::valid_windows(6, 2, 1);
  g.out_h = rows.out, g.pad_top = rows.pad_before, g.out_w = cols.out, g.pad_left = cols.pad_before;
  return g;
}

// Calls f(output index, image b, input offset or -1 for padding, window cell) for every window cell.
template <class F>
void for_each_tap(const k::WindowGeometry& g, F&& f) {
  for (std::size_t b = 0; b < g.batch; ++b)
    for (std::size_t oy = 0; oy < g.out_h; ++oy)
      for (std::size_t ox = 0; ox < g.out_w; ++ox)
        for (std::size_t ky = 0; ky < g.window_h; ++ky)
          for (std::size_t kx = 0; kx < g.window_w; ++kx) {
            const long y = long(oy * g.stride_h + ky) - long(g.pad_top), x = long(ox * g.stride_w + kx) - long(g.pad_left);
            const bool inside = y >= 0 && x >= 0 && y < long(g.in_h) && x < long(g.in_w);
            const long pixel = inside ? long((y * long(g.in_w) + x)) : -1;
            f((b * g.out_h + oy) * g.out_w + ox, b, pixel, ky * g.window_w + kx);
          }
}

}  // namespace

TEST_CASE("kernel_sets.window_kernels_match_scalar_loops_at_every_channel_count") {
  std::mt19937 rng(5);
  for (std::size_t channels = 1; channels <= 3 * lanes() + 1; ++channels)
    for (bool same : {false, true}) {
      CAPTURE(channels);
      CAPTURE(same);
      const k::WindowGeometry g = geometry(channels, same);
      const std::size_t C = channels, image = g.in_h * g.in_w * C, outputs = g.out_pixels() * C;
      const auto x = random_values(g.batch * image, rng);

      auto cols = with_guard(std::vector<float>(g.out_pixels() * g.patch_size()));
      auto want_cols = cols;
      for_each_tap(g, [&](std::size_t p, std::size_t b, long pixel, std::size_t cell) {
        for (std::size_t c = 0; c < C; ++c)
          want_cols[p * g.patch_size() + cell * C + c] = pixel < 0 ? 0.0f : x[b * image + std::size_t(pixel) * C + c];
      });
      k::im2col(x.data(), g, cols.data());
      check_close(cols, want_cols, 0.0f);

      auto y = with_guard(std::vector<float>(outputs)), want_y = y;
      std::vector<std::uint32_t> argmax(outputs), want_argmax(outputs, 0);
      std::vector<bool> seen(outputs, false);
      for_each_tap(g, [&](std::size_t p, std::size_t b, long pixel, std::size_t) {
        if (pixel < 0) return;
        for (std::size_t c = 0; c < C; ++c) {
          const std::size_t at = std::size_t(pixel) * C + c;
          if (!seen[p * C + c] || x[b * image + at] > want_y[p * C + c]) {
            want_y[p * C + c] = x[b * image + at];
            want_argmax[p * C + c] = static_cast<std::uint32_t>(at);
            seen[p * C + c] = true;
          }
        }
      });
      k::max_pool(x.data(), g, y.data(), argmax.data());
      check_close(y, want_y, 0.0f);
      CHECK(argmax == want_argmax);

      auto mean = with_guard(std::vector<float>(outputs)), want_mean = with_guard(std::vector<float>(outputs, 0.0f));
      std::vector<float> counts(outputs, 0.0f);
      for_each_tap(g, [&](std::size_t p, std::size_t b, long pixel, std::size_t) {
        if (pixel < 0) return;
        for (std::size_t c = 0; c < C; ++c) {
          want_mean[p * C + c] += x[b * image + std::size_t(pixel) * C + c];
          counts[p * C + c] += 1.0f;
        }
      });
      for (std::size_t i = 0; i < outputs; ++i) want_mean[i] /= counts[i];
      k::average_pool(x.data(), g, mean.data());
      check_close(mean, want_mean);
    }
}
