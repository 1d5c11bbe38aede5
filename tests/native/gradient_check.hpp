#pragma once
// Finite-difference checks shared by the layer and loss tests.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "layers/layer.hpp"
#include "util/rng.hpp"

namespace neurite::testing {

inline Tensor random_tensor(const Shape& full_shape, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
  Tensor t = Tensor::from_shape(full_shape);
  for (auto& v : t) v = rng.uniform(lo, hi);
  return t;
}

// n class indices in [0, classes), as a sparse categorical loss takes them
inline Tensor random_labels(std::size_t n, std::size_t classes, Rng& rng) {
  Tensor labels = Tensor::from_shape({n});
  for (float& v : labels) v = static_cast<float>(rng.below(classes));
  return labels;
}

// |analytic − numeric| ≤ tol · max(1, |analytic|, |numeric|), value by value
inline void check_close(const Tensor& analytic, const std::vector<float>& numeric, float tol, const char* what) {
  REQUIRE(analytic.size() == numeric.size());
  for (std::size_t i = 0; i < numeric.size(); ++i) {
    const float a = analytic.data()[i], n = numeric[i];
    const float scale = std::max({1.0f, std::abs(a), std::abs(n)});
    INFO(what << " [" << i << "]: analytic " << a << ", numeric " << n);
    CHECK(std::abs(a - n) <= tol * scale);
  }
}

// Central differences of f with respect to every value of `values`.
inline std::vector<float> numeric_gradient(Tensor& values, const std::function<double()>& f, float eps) {
  std::vector<float> grad(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float saved = values.data()[i];
    values.data()[i] = saved + eps;
    const double up = f();
    values.data()[i] = saved - eps;
    const double down = f();
    values.data()[i] = saved;
    grad[i] = static_cast<float>((up - down) / (2.0 * eps));
  }
  return grad;
}

// Checks the input gradient and every parameter gradient of `layer` (already built) for the
// objective sum(R ⊙ layer(x)), R random, in inference mode, or in training mode when asked (a
// layer whose training output depends on the whole batch, like BatchNormalization).
inline void check_layer_gradients(Layer& layer, Tensor x, float eps = 1e-2f, float tol = 2e-2f,
                                  bool training = false) {
  Rng rng(99);
  const Tensor& out = layer.forward(x, training);
  const Tensor weights = random_tensor(Shape(out.shape().begin(), out.shape().end()), rng);
  auto objective = [&] {
    const Tensor& y = layer.forward(x, training);
    double s = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y.data()[i]) * weights.data()[i];
    return s;
  };
  objective();
  const Tensor grad_x = layer.backward(weights);  // copies: later forwards reuse the buffers
  std::vector<Tensor> param_grads;
  for (auto& p : layer.params()) param_grads.push_back(*p.grad);

  check_close(grad_x, numeric_gradient(x, objective, eps), tol, "input gradient");
  auto params = layer.params();
  for (std::size_t i = 0; i < params.size(); ++i)
    check_close(param_grads[i], numeric_gradient(*params[i].value, objective, eps), tol, params[i].name.c_str());
}

}  // namespace neurite::testing
