// Benchmark entry points for `npm run bench` (bench/browser/): the SGEMM kernel alone, and each
// layer of a preset, timed inside wasm so that no embind or JS cost per call lands in the figure.
// Not part of the model API.
#include <emscripten/bind.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "glue.hpp"
#include "kernels/gemm.hpp"
#include "layers/layer.hpp"

namespace {

using neurite::kernels::Trans;

std::vector<float> filled(std::size_t n, std::uint32_t seed) {
  std::vector<float> v(n);
  for (auto& x : v) {  // a small LCG: values in [-1, 1), so no denormals or overflow slow anything down
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<float>(seed >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return v;
}

// Seconds for `reps` calls of C = op(A)·op(B) (alpha 1, beta 0, packed leading dimensions), after one
// untimed call that grows sgemm's scratch. Each sgemm is its own wasm call, so V8 tiers it up as
// training does; the caller warms up by calling this a few times before it trusts the figure.
double bench_gemm(std::size_t m, std::size_t n, std::size_t k, bool trans_a, bool trans_b, std::size_t reps) {
  const Trans ta = trans_a ? Trans::Yes : Trans::No, tb = trans_b ? Trans::Yes : Trans::No;
  const std::size_t lda = trans_a ? m : k, ldb = trans_b ? k : n;
  const auto a = filled(m * k, 1), b = filled(k * n, 2);
  std::vector<float> c(m * n);
  const auto call = [&] {
    neurite::kernels::sgemm(ta, tb, m, n, k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(), n);
  };
  call();
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t r = 0; r < reps; ++r) call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

using Clock = std::chrono::steady_clock;

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Where a training step of a preset spends its time: each layer's forward (training mode) and
// backward pass on a batch of `batch` random inputs in [0, 1), in milliseconds per batch, the median
// of `runs` runs of `batches` batches each, after one untimed run. The loss, the optimizer and the
// batch's gathering are not in it: npm run bench shows the whole step (from samples/s) beside it.
emscripten::val bench_layers(const std::string& preset, std::size_t batch, std::size_t batches, std::size_t runs) {
  auto model = neurite::make_preset(preset, 0);
  neurite::Shape input = model->input_shape();
  if (!model->built()) model->build(input);
  input.insert(input.begin(), batch);
  neurite::Tensor x(input);
  const auto values = filled(x.size(), 3);
  std::transform(values.begin(), values.end(), x.begin(), [](float v) { return 0.5f + 0.5f * v; });
  auto& layers = model->layers();
  std::vector<std::vector<double>> forward(layers.size()), backward(layers.size());
  for (std::size_t run = 0; run <= runs; ++run) {
    std::vector<double> f(layers.size(), 0.0), b(layers.size(), 0.0);
    for (std::size_t step = 0; step < batches; ++step) {
      const neurite::Tensor* out = &x;
      for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto start = Clock::now();
        out = &layers[i]->forward(*out, true);
        f[i] += milliseconds_since(start);
      }
      neurite::Tensor grad(out->shape());
      std::fill(grad.begin(), grad.end(), 1.0f / static_cast<float>(grad.size()));
      const neurite::Tensor* g = &grad;
      for (std::size_t i = layers.size(); i-- > 0;) {
        const auto start = Clock::now();
        g = &layers[i]->backward(*g);
        b[i] += milliseconds_since(start);
        if (!layers[i]->input_gradient_needed()) break;  // as in training: nothing to learn before it
      }
    }
    if (run == 0) continue;  // the warm-up: scratch buffers grow, V8 tiers up
    for (std::size_t i = 0; i < layers.size(); ++i) {
      forward[i].push_back(f[i] / static_cast<double>(batches));
      backward[i].push_back(b[i] / static_cast<double>(batches));
    }
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  emscripten::val out = emscripten::val::array();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    emscripten::val row = emscripten::val::object();
    row.set("name", layers[i]->name());
    row.set("className", layers[i]->class_name());
    row.set("forwardMs", median(forward[i]));
    row.set("backwardMs", median(backward[i]));
    out.call<void>("push", row);
  }
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(neurite_bench) {
  emscripten::function("benchGemm", &neurite::bindings::Guarded<&bench_gemm>::call);
  emscripten::function("benchLayers", &neurite::bindings::Guarded<&bench_layers>::call);
}
