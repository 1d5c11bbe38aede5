// Benchmark entry points for `npm run bench` (bench/browser/): the SGEMM kernel alone, and training
// steps with each layer's share, timed inside wasm so that no embind or JS cost per call lands in the
// figure. Not part of the model API.
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
#include "model/sequential.hpp"
#include "model/training_session.hpp"

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

// Where a training step goes: session.run(batches) with the model's layer profile attached (the
// training loop itself times each layer: Sequential::attach_layer_profile), as
// {steps, stepMs, layers: [{name, className, forwardMs, backwardMs}]}, milliseconds per step; a pair
// of layers the model runs fused is one row. stepMs is the whole of run() over its steps: the loss,
// the optimizer and the batch gathering as well.
emscripten::val profile_session(neurite::TrainingSession& session, std::size_t batches) {
  neurite::Sequential& model = session.model();
  neurite::Sequential::LayerProfile profile;
  model.attach_layer_profile(&profile);
  const auto start = std::chrono::steady_clock::now();
  try {
    session.run(batches);
  } catch (...) {
    model.attach_layer_profile(nullptr);
    throw;
  }
  const double total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  model.attach_layer_profile(nullptr);
  const double steps = static_cast<double>(std::max<std::size_t>(profile.steps, 1));
  emscripten::val layers = emscripten::val::array();
  const auto& list = model.layers();
  for (std::size_t i = 0; i < list.size(); ++i) {
    emscripten::val row = emscripten::val::object();
    row.set("forwardMs", profile.forward_ms[i] / steps);
    row.set("backwardMs", profile.backward_ms[i] / steps);
    if (model.runs_fused_with_next(i)) {  // one row for the pair, timed as one
      row.set("name", list[i]->name() + " + " + list[i + 1]->name());
      row.set("className", list[i]->class_name() + " + " + list[i + 1]->class_name() + ", fused");
      ++i;
    } else {
      row.set("name", list[i]->name());
      row.set("className", list[i]->class_name() + (model.passes_over(i) ? ", passed over" : ""));
    }
    layers.call<void>("push", row);
  }
  emscripten::val out = emscripten::val::object();
  out.set("steps", profile.steps);
  out.set("stepMs", total_ms / steps);
  out.set("layers", layers);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(neurite_bench) {
  emscripten::function("benchGemm", &neurite::bindings::Guarded<&bench_gemm>::call);
  emscripten::function("profileSession", &neurite::bindings::Guarded<&profile_session>::call);
}
