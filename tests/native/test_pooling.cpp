// MaxPooling2D and AveragePooling2D.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "gradient_check.hpp"
#include "layers/pooling.hpp"
#include "layers/registry.hpp"

using namespace neurite;
using neurite::testing::check_layer_gradients;
using neurite::testing::random_tensor;

namespace {

// 1 5 2 0 / 3 4 8 7 / 9 0 6 6 / 2 1 3 5 as a [1, 4, 4, 1] image
Tensor image() {
  Tensor x = Tensor::from_shape({1, 4, 4, 1});
  const float v[] = {1, 5, 2, 0, 3, 4, 8, 7, 9, 0, 6, 6, 2, 1, 3, 5};
  std::copy(std::begin(v), std::end(v), x.begin());
  return x;
}

// [[a, b], [c, d]] as a [1, 2, 2, 1] output gradient
Tensor grid_2x2(float a, float b, float c, float d) {
  Tensor t = Tensor::from_shape({1, 2, 2, 1});
  t.data()[0] = a, t.data()[1] = b, t.data()[2] = c, t.data()[3] = d;
  return t;
}

std::vector<float> values(const Tensor& t) { return {t.begin(), t.end()}; }

// Distinct values 0.05 apart (more than 2·eps of the gradient check), shuffled: no maximum can
// change hands when one input moves by eps.
Tensor distinct_values(const Shape& full_shape, std::uint32_t seed) {
  Tensor x = Tensor::from_shape(full_shape);
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed);
  rng.shuffle(order);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = 0.05f * static_cast<float>(order[i]) - 2.0f;
  return x;
}

}  // namespace

TEST_CASE("max_pooling2d.forward_backward_by_hand") {
  Rng rng(1);
  MaxPooling2D pool;  // pool 2, strides 2, valid
  CHECK(pool.build_once({4, 4, 1}, rng) == Shape{2, 2, 1});
  CHECK(values(pool.forward(image(), false)) == std::vector<float>{5, 8, 9, 6});
  // the gradient goes to each window's maximum; the bottom-right window's tie (6, 6) sends it to
  // the first in row-major order
  const Tensor& dx = pool.backward(grid_2x2(1, 2, 3, 4));
  CHECK(values(dx) == std::vector<float>{0, 1, 0, 0, 0, 0, 2, 0, 3, 0, 4, 0, 0, 0, 0, 0});
  CHECK(pool.param_count() == 0);
}

TEST_CASE("average_pooling2d.forward_backward_by_hand") {
  Rng rng(1);
  AveragePooling2D pool;
  pool.build_once({4, 4, 1}, rng);
  // (1+5+3+4)/4, (2+0+8+7)/4, (9+0+2+1)/4, (6+6+3+5)/4
  CHECK(values(pool.forward(image(), false)) == std::vector<float>{3.25f, 4.25f, 3.0f, 5.0f});
  const Tensor& dx = pool.backward(grid_2x2(4, 8, -4, 0));
  CHECK(values(dx) == std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, -1, -1, 0, 0, -1, -1, 0, 0});
}

TEST_CASE("pooling.same_padding_counts_only_cells_inside") {
  // pool 3, strides 2 on 4×4: out 2×2, one padding row/column after (TF); windows rows/cols {0,1,2}, {2,3}
  Rng rng(1);
  AveragePooling2D average(3, 2, Padding::Same);
  CHECK(average.build_once({4, 4, 1}, rng) == Shape{2, 2, 1});
  // (1+5+2+3+4+8+9+0+6)/9 = 38/9, (2+0+8+7+6+6)/6 = 29/6, (9+0+6+2+1+3)/6 = 21/6, (6+6+3+5)/4 = 5
  const Tensor y = average.forward(image(), false);
  CHECK(y(0, 0, 0, 0) == doctest::Approx(38.0f / 9.0f));
  CHECK(y(0, 0, 1, 0) == doctest::Approx(29.0f / 6.0f));
  CHECK(y(0, 1, 0, 0) == doctest::Approx(21.0f / 6.0f));
  CHECK(y(0, 1, 1, 0) == doctest::Approx(5.0f));

  MaxPooling2D max(3, 2, Padding::Same);
  max.build_once({4, 4, 1}, rng);
  CHECK(values(max.forward(Tensor(image() - 20.0f), false)) == std::vector<float>{-11, -12, -11, -14});  // padding never wins
}

TEST_CASE("pooling.channels_are_independent") {
  Rng rng(1);
  MaxPooling2D pool(2);
  pool.build_once({4, 4, 2}, rng);
  Tensor x = Tensor::from_shape({1, 4, 4, 2});
  const Tensor one = image();
  for (std::size_t i = 0; i < 16; ++i) x.data()[2 * i] = one.data()[i], x.data()[2 * i + 1] = -one.data()[i];
  // channel 1 = −channel 0: its maxima are the negated minima 1, 0, 0, 3
  CHECK(values(pool.forward(x, false)) == std::vector<float>{5, -1, 8, 0, 9, 0, 6, -3});
}

TEST_CASE("pooling.gradient_check") {
  struct Case {
    Size2 pool, strides;
    Padding padding;
  };
  for (const Case& c : {Case{2, 2, Padding::Valid}, Case{{3, 2}, {2, 1}, Padding::Same}, Case{2, 1, Padding::Same},
                        Case{3, 2, Padding::Valid}}) {
    CAPTURE(c.pool.h);
    CAPTURE(c.strides.h);
    Rng rng(3);
    MaxPooling2D max(c.pool, c.strides, c.padding);
    max.build_once({5, 7, 3}, rng);
    check_layer_gradients(max, distinct_values({2, 5, 7, 3}, 8));
    AveragePooling2D average(c.pool, c.strides, c.padding);
    average.build_once({5, 7, 3}, rng);
    check_layer_gradients(average, random_tensor({2, 5, 7, 3}, rng));
  }
}

TEST_CASE("pooling.config_round_trip_and_errors") {
  MaxPooling2D pool({3, 2}, std::nullopt, Padding::Same);
  pool.set_name("pool");
  const json written = layer_to_json(pool);
  CHECK(written["class_name"] == "MaxPooling2D");
  CHECK(written["config"]["pool_size"] == json::array({3, 2}));
  CHECK(written["config"]["strides"] == json::array({3, 2}));  // default: pool_size
  CHECK(written["config"]["padding"] == "same");
  CHECK(layer_to_json(*layer_from_json(written)) == written);

  // Keras' forms: an int pool size, strides null
  const auto average = layer_from_json(json::parse(
      R"({"class_name": "AveragePooling2D", "config": {"pool_size": 2, "strides": null, "padding": "valid",
          "data_format": "channels_last", "name": "avg"}})"));
  Rng rng(1);
  CHECK(average->build_once({6, 6, 4}, rng) == Shape{3, 3, 4});
  CHECK(layer_to_json(*average)["config"]["strides"] == json::array({2, 2}));

  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(
                           R"({"class_name": "MaxPooling2D", "config": {"data_format": "channels_first"}})")),
                       doctest::Contains("channels_first"), std::invalid_argument);
  MaxPooling2D too_big(5);
  CHECK_THROWS_WITH_AS(too_big.build_once({4, 4, 1}, rng), doctest::Contains("does not fit"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(MaxPooling2D(0), doctest::Contains("pool_size must be positive"), std::invalid_argument);
}
