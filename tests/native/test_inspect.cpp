// Inspecting one layer of a model: its weights and what it outputs for an input (the page's view
// of a CNN's learned filters and feature maps).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "model/inspect.hpp"
#include "model/presets.hpp"

using namespace neurite;

namespace {

// A 28x28x1 "digit": a bright vertical bar on a dark background with a gradient, so that every
// 3x3 window sees different values.
Tensor digit_like() {
  Tensor x = Tensor::from_shape({1, 28, 28, 1});
  for (std::size_t r = 0; r < 28; ++r)
    for (std::size_t c = 0; c < 28; ++c) x(0, r, c, 0) = (c >= 12 && c <= 15) ? 1.0f : 0.01f * static_cast<float>(r + c);
  return x;
}

}  // namespace

TEST_CASE("inspect.layer_output_of_the_first_conv_is_the_direct_convolution_sum") {
  auto model = make_preset("cnn", 3);
  const Tensor x = digit_like();
  const Tensor maps = layer_output(*model, x, 0);
  REQUIRE(maps.shape() == Shape{1, 26, 26, 64});

  const auto weights = layer_weights(*model, 0);
  REQUIRE(weights.size() == 2);
  CHECK(weights[0].name == "kernel");
  REQUIRE(weights[0].value.shape() == Shape{3, 3, 1, 64});
  const Tensor& kernel = weights[0].value;
  const Tensor& bias = weights[1].value;
  for (std::size_t f : {0u, 17u, 63u})
    for (auto [r, c] : {std::pair<std::size_t, std::size_t>{0, 0}, {10, 11}, {25, 25}}) {
      float sum = bias(f);
      for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) sum += kernel(i, j, 0, f) * x(0, r + i, c + j, 0);
      CHECK(maps(0, r, c, f) == doctest::Approx(std::max(sum, 0.0f)).epsilon(1e-5));  // relu
    }
}

TEST_CASE("inspect.layer_output_after_pooling_and_of_the_last_layer") {
  auto model = make_preset("cnn", 3);
  const Tensor x = digit_like();
  const Tensor maps = layer_output(*model, x, 0);
  const Tensor pooled = layer_output(*model, x, 1);
  REQUIRE(pooled.shape() == Shape{1, 13, 13, 64});
  CHECK(pooled(0, 4, 6, 5) == std::max({maps(0, 8, 12, 5), maps(0, 8, 13, 5), maps(0, 9, 12, 5), maps(0, 9, 13, 5)}));

  const Tensor last = layer_output(*model, x, 3);
  const Tensor predicted = model->predict(Samples::of(x));
  REQUIRE(last.shape() == predicted.shape());
  for (std::size_t k = 0; k < 10; ++k) CHECK(last(0, k) == doctest::Approx(predicted(0, k)));
}

TEST_CASE("inspect.bad_layer_index_or_input_shape_is_named") {
  auto model = make_preset("cnn", 3);
  CHECK_THROWS_WITH_AS(layer_output(*model, digit_like(), 4), doctest::Contains("the model has 4 layers"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_weights(*model, 9), doctest::Contains("layer index 9"), std::invalid_argument);
  Tensor flat = Tensor::from_shape({1, 784});
  CHECK_THROWS_WITH_AS(layer_output(*model, flat, 0), doctest::Contains("28, 28, 1)"), std::invalid_argument);
  CHECK(layer_weights(*model, 1).empty());  // MaxPooling2D has no weights
}
