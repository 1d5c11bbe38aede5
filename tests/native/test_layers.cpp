// How to add a layer (this guide lives with the tests so that it cannot drift from the code):
//   1. Write src/layers/<family>.hpp/.cpp with a class implementing Layer (src/layers/layer.hpp):
//      class_name() (Keras' name), build() creating weights from the input shape, forward(),
//      backward() (gradients of the input and of every Param), params(), config() and a static
//      from_config(json) that reads Keras'/TF.js' config fields. The hot loops go into src/kernels/.
//      Weights that are saved but not trained (BatchNormalization's moving statistics) come from
//      non_trainable(), after params() in Keras' weight order.
//   2. Add one line to the table in src/layers/registry.cpp. That is what makes the builder and the
//      model-file loader know the layer; test_layers' "registry.round_trip" case then covers it.
//   3. Here: a forward case computed by hand, a gradient check (check_layer_gradients), and the
//      layer in "registry.round_trip"; the model-file tests cover saving and loading its weights.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "activations/activation.hpp"
#include "gradient_check.hpp"
#include "layers/activation_layer.hpp"
#include "layers/augmentation.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/pooling.hpp"
#include "layers/registry.hpp"
#include "layers/rescaling.hpp"
#include "layers/reshaping.hpp"

using namespace neurite;
using neurite::testing::check_layer_gradients;
using neurite::testing::random_tensor;

TEST_CASE("dense.forward") {
  Rng rng(1);
  Dense dense(2, "relu");
  dense.set_name("dense");
  dense.build_once({3}, rng);
  auto params = dense.params();
  *params[0].value = Tensor{{1.0f, -1.0f}, {2.0f, 0.5f}, {0.0f, 1.0f}};  // kernel [in 3, out 2]
  *params[1].value = Tensor{0.5f, -4.0f};
  const Tensor x{{1.0f, 2.0f, 3.0f}};
  const Tensor& y = dense.forward(x, false);
  // unit 0: 1·1 + 2·2 + 3·0 + 0.5 = 5.5; unit 1: relu(1·-1 + 2·0.5 + 3·1 − 4) = relu(−1) = 0
  CHECK(y(0, 0) == doctest::Approx(5.5f));
  CHECK(y(0, 1) == 0.0f);
  CHECK(y.shape()[0] == 1);
  CHECK(dense.output_shape() == Shape{2});
  CHECK(dense.param_count() == 8);  // 3·2 + 2
}

TEST_CASE("dense.glorot_uniform_defaults") {
  Rng rng(5);
  Dense dense(300);
  dense.build_once({200}, rng);
  auto params = dense.params();
  const float limit = std::sqrt(6.0f / 500.0f);
  float lo = 1, hi = -1;
  for (float w : *params[0].value) lo = std::min(lo, w), hi = std::max(hi, w);
  CHECK(lo >= -limit);
  CHECK(hi <= limit);
  CHECK(hi - lo > 1.9f * limit);  // 60,000 draws fill the range
  for (float b : *params[1].value) CHECK(b == 0.0f);
}

TEST_CASE("dense.gradient_check") {
  for (const char* activation : {"linear", "sigmoid", "tanh", "softmax"}) {
    CAPTURE(activation);
    Rng rng(2);
    Dense dense(4, activation, {true, 0.0f});
    dense.build_once({5}, rng);
    check_layer_gradients(dense, random_tensor({3, 5}, rng));
  }
}

// The smallest |pre-activation| of a Dense layer for input x, computed with plain loops.
float closest_to_kink(Dense& dense, const Tensor& x) {
  auto params = dense.params();
  const Tensor& w = *params[0].value;
  const Tensor& b = *params[1].value;
  float closest = 1e9f;
  for (std::size_t r = 0; r < x.shape()[0]; ++r)
    for (std::size_t u = 0; u < w.shape()[1]; ++u) {
      float pre = b(u);
      for (std::size_t i = 0; i < w.shape()[0]; ++i) pre += x(r, i) * w(i, u);
      closest = std::min(closest, std::abs(pre));
    }
  return closest;
}

TEST_CASE("dense.gradient_check_relu") {
  // relu has a kink at 0: pick a draw whose pre-activations all stay 0.1 away from it, well beyond
  // what the 1e-2 finite-difference step can move them
  for (std::uint32_t seed = 0;; ++seed) {
    Rng rng(seed);
    Dense dense(4, "relu");
    dense.build_once({5}, rng);
    Tensor x = random_tensor({3, 5}, rng);
    if (closest_to_kink(dense, x) < 0.1f) continue;
    check_layer_gradients(dense, x);
    break;
  }
}

TEST_CASE("dense.rank3_input_applies_to_last_axis") {
  Rng rng(4);
  Dense dense(3, "tanh");
  dense.build_once({2, 4}, rng);
  CHECK(dense.output_shape() == Shape{2, 3});
  check_layer_gradients(dense, random_tensor({2, 2, 4}, rng));
}

TEST_CASE("dense.bad_arguments") {
  CHECK_THROWS_WITH_AS(Dense(0), doctest::Contains("units must be a positive integer"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(Dense(3, "swish"), doctest::Contains("unknown activation 'swish'"), std::invalid_argument);
}

TEST_CASE("flatten.forward_backward") {
  Rng rng(1);
  Flatten flatten;
  CHECK(flatten.build_once({2, 3}, rng) == Shape{6});
  const Tensor x{{{1.0f, 2.0f, 3.0f}, {4.0f, 5.0f, 6.0f}}};
  const Tensor& y = flatten.forward(x, false);
  REQUIRE(y.shape() == std::vector<std::size_t>{1, 6});
  CHECK(y(0, 4) == 5.0f);  // row-major (NHWC) order kept
  check_layer_gradients(flatten, random_tensor({2, 2, 3}, rng));
}

TEST_CASE("dropout.training_and_inference") {
  Rng rng(1);
  Dropout dropout(0.25f);
  dropout.build_once({1000}, rng);
  const Tensor x = xt::ones<float>({4, 1000});
  CHECK(&dropout.forward(x, false) == &x);  // inference: identity, no copy

  const Tensor y = dropout.forward(x, true);
  std::size_t zeros = 0;
  for (float v : y) {
    if (v == 0.0f) ++zeros;
    else CHECK(v == doctest::Approx(1.0f / 0.75f));  // kept values scaled by 1 / (1 − rate)
  }
  CHECK(zeros > 900);   // expected 1000 of 4000
  CHECK(zeros < 1100);

  // the gradient flows exactly through the kept units, with the same scale
  const Tensor g = xt::full_like(x, 2.0f);
  const Tensor& gx = dropout.backward(g);
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(gx.data()[i] == doctest::Approx(2.0f * y.data()[i]));
  CHECK_THROWS_AS(Dropout(1.0f), std::invalid_argument);
}

TEST_CASE("activation.forward_values") {
  Rng rng(1);
  auto value = [&](const char* name, Tensor x) {
    ActivationLayer layer(name);
    layer.build_once(Shape(x.shape().begin() + 1, x.shape().end()), rng);
    return Tensor(layer.forward(x, false));
  };
  const Tensor x{{-2.0f, 0.0f, 3.0f}};
  CHECK(value("relu", x) == Tensor{{0.0f, 0.0f, 3.0f}});
  CHECK(value("linear", x) == x);
  const Tensor s = value("sigmoid", x);
  CHECK(s(0, 0) == doctest::Approx(0.1192029f));  // 1 / (1 + e²)
  CHECK(s(0, 1) == doctest::Approx(0.5f));
  const Tensor t = value("tanh", x);
  CHECK(t(0, 2) == doctest::Approx(0.9950548f));  // tanh 3
  // softmax of (1, 2, 3): e^k / (e + e² + e³) = 0.0900306, 0.2447285, 0.6652410
  const Tensor p = value("softmax", Tensor{{1.0f, 2.0f, 3.0f}});
  CHECK(p(0, 0) == doctest::Approx(0.0900306f));
  CHECK(p(0, 2) == doctest::Approx(0.6652410f));
  // large logits do not overflow: the row is shifted by its maximum
  const Tensor big = value("softmax", Tensor{{1000.0f, 1000.0f}});
  CHECK(big(0, 0) == doctest::Approx(0.5f));
  // sigmoid saturates without NaN
  const Tensor sat = value("sigmoid", Tensor{{-100.0f, 100.0f}});
  CHECK(sat(0, 0) == doctest::Approx(0.0f));
  CHECK(sat(0, 1) == doctest::Approx(1.0f));
}

// Dense computes relu in its GEMM's epilogue (the activation says it can: gemm_epilogue) and every
// other activation in a pass of its own: either way, what the activation alone gives.
TEST_CASE("activation.dense_output_is_the_activation_of_the_linear_output") {
  Tensor x = xt::zeros<float>({7, 19});
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = std::sin(0.7f * static_cast<float>(i)) * 3.0f;
  for (const std::string& name : activation_names()) {
    CAPTURE(name);
    Rng rng_a(5), rng_b(5);
    Dense activated(6, name), linear(6, "linear");
    activated.build_once({19}, rng_a);
    linear.build_once({19}, rng_b);
    Tensor expected = linear.forward(x, false);
    make_activation(name)->forward(expected.data(), 7, 6);
    CHECK(Tensor(activated.forward(x, false)) == expected);
    CHECK((make_activation(name)->gemm_epilogue() == kernels::FusedActivation::Relu) == (name == "relu"));
  }
}

TEST_CASE("activation.gradient_check") {
  for (const char* name : {"linear", "sigmoid", "tanh", "softmax"}) {
    CAPTURE(name);
    Rng rng(6);
    ActivationLayer layer(name);
    layer.build_once({7}, rng);  // 7: exercises the SIMD tail
    check_layer_gradients(layer, random_tensor({3, 7}, rng, -2.0f, 2.0f));
  }
  // relu: inputs kept at least 0.2 from the kink at 0
  Rng rng(7);
  ActivationLayer relu("relu");
  relu.build_once({9}, rng);
  Tensor x = random_tensor({2, 9}, rng, 0.2f, 2.0f);
  for (std::size_t i = 0; i < x.size(); i += 2) x.data()[i] = -x.data()[i];
  check_layer_gradients(relu, x);
}

TEST_CASE("rescaling.forward_backward") {
  Rng rng(1);
  Rescaling rescaling(2.0f, -0.5f);
  CHECK(rescaling.build_once({4}, rng) == Shape{4});
  const Tensor x{{0.0f, 0.25f, 1.0f, -3.0f}};
  const Tensor& y = rescaling.forward(x, false);
  REQUIRE(y.shape() == x.shape());
  CHECK(y == Tensor{{-0.5f, 0.0f, 1.5f, -6.5f}});  // x * 2 - 0.5
  CHECK(rescaling.forward(x, true) == Tensor(y));  // the same in training
  CHECK(rescaling.params().empty());
  CHECK(rescaling.backward(xt::full_like(x, 3.0f)) == xt::full_like(x, 6.0f));  // dy * scale
  check_layer_gradients(rescaling, random_tensor({3, 2, 2, 1}, rng));
  CHECK_THROWS_AS(Rescaling(std::nanf(""), 0.0f), std::invalid_argument);
}

TEST_CASE("rescaling.reads_keras_config") {
  // as Keras 3 writes it: scale and offset; TF.js omits an offset of 0
  auto keras = layer_from_json(json::parse(R"({"class_name": "Rescaling", "config": {"name": "rescaling",
    "trainable": true, "dtype": "float32", "scale": 0.00392156862745098, "offset": 0.0}})"));
  CHECK(keras->config()["scale"].get<float>() == doctest::Approx(1.0f / 255));
  auto tfjs = layer_from_json(json::parse(R"({"class_name": "Rescaling", "config": {"scale": 2}})"));
  CHECK(tfjs->config()["offset"].get<float>() == 0.0f);
  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(R"({"class_name": "Rescaling", "config": {"scale": [1, 2]}})")),
                       doctest::Contains("per-channel"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(R"({"class_name": "Rescaling", "config": {"offset": 1}})")),
                       doctest::Contains("missing field 'scale'"), std::invalid_argument);
}

TEST_CASE("registry.round_trip") {
  // every registered class builds from its own config and writes the same config back
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<Dense>(7, "tanh", DenseOptions{false, 0.01f}));
  layers.push_back(std::make_unique<Flatten>());
  layers.push_back(std::make_unique<Dropout>(0.3f));
  layers.push_back(std::make_unique<ActivationLayer>("softmax"));
  layers.push_back(std::make_unique<Conv2D>(6, Size2{3, 2}, "relu", Conv2DOptions{{2, 1}, Padding::Same, false, 0.01f}));
  layers.push_back(std::make_unique<MaxPooling2D>(Size2{3, 2}, Size2{1, 2}, Padding::Same));
  layers.push_back(std::make_unique<AveragePooling2D>(2));
  layers.push_back(std::make_unique<Reshape>(std::vector<long long>{7, -1, 2}));
  layers.push_back(std::make_unique<BatchNormalization>(BatchNormalizationOptions{-1, 0.9f, 1e-5f, true, false}));
  WarpOptions warp;
  warp.fill_mode = kernels::FillMode::wrap;
  warp.seed = 11;
  layers.push_back(std::make_unique<RandomTranslation>(FactorRange{-0.1f, 0.2f}, FactorRange{-0.3f, 0.3f}, warp));
  layers.push_back(std::make_unique<RandomRotation>(FactorRange{-0.05f, 0.05f}));
  layers.push_back(std::make_unique<RandomZoom>(FactorRange{-0.2f, 0.1f}, FactorRange{-0.1f, 0.1f}, warp));
  layers.push_back(std::make_unique<Rescaling>(1.0f / 255, -1.0f));
  std::set<std::string> covered;
  for (auto& layer : layers) {
    layer->set_name("my_" + layer->class_name());
    const json written = layer_to_json(*layer);
    const auto rebuilt = layer_from_json(written);
    CHECK(rebuilt->class_name() == layer->class_name());
    CHECK(rebuilt->name() == layer->name());
    CHECK(layer_to_json(*rebuilt) == written);
    covered.insert(layer->class_name());
  }
  for (const auto& name : layer_class_names()) {
    INFO("registered layer without a round-trip case: " << name);
    CHECK(covered.count(name) == 1);
  }
}

TEST_CASE("registry.reads_tfjs_config") {
  // a Dense entry as TF.js 4.22 writes it into model.json
  const json entry = json::parse(R"({"class_name": "Dense", "config": {"units": 32, "activation": "relu",
    "use_bias": true, "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1,
    "mode": "fan_avg", "distribution": "normal", "seed": null}}, "bias_initializer": {"class_name": "Zeros",
    "config": {}}, "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": 0, "l2": 0.001}},
    "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null,
    "name": "dense_Dense1", "trainable": true, "batch_input_shape": [null, 784], "dtype": "float32"}})");
  auto layer = layer_from_json(entry);
  CHECK(layer->name() == "dense_Dense1");
  REQUIRE(layer->declared_input_shape());
  CHECK(*layer->declared_input_shape() == Shape{784});
  Rng rng(1);
  layer->build_once({784}, rng);
  CHECK(layer->params()[0].l2 == doctest::Approx(0.001f));
}

TEST_CASE("registry.errors_name_the_problem") {
  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(R"({"class_name": "LSTM", "config": {}})")),
                       doctest::Contains("unknown layer class 'LSTM'"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(R"({"class_name": "Dense", "config": {"name": "d"}})")),
                       doctest::Contains("missing field 'units'"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(R"({"class_name": "Dense", "config": {"units": "ten"}})")),
                       doctest::Contains("'units' has the wrong type"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(R"({"config": {}})")), doctest::Contains("class_name"),
                       std::invalid_argument);
}
