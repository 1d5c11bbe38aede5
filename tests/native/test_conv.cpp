// Conv2D (with its im2col / col2im kernels), Reshape, and the cnn / lenet presets.
#include <doctest/doctest.h>

#include <algorithm>

#include "gradient_check.hpp"
#include "io/model_file.hpp"
#include "kernels/im2col.hpp"
#include "layers/conv2d.hpp"
#include "layers/registry.hpp"
#include "layers/reshaping.hpp"
#include "model/presets.hpp"

using namespace neurite;
using neurite::testing::check_layer_gradients;
using neurite::testing::random_tensor;

namespace {

// x[0, i, j, 0] = 4i + j + 1: the rows 1 2 3 4 / 5 6 7 8 / 9 10 11 12 / 13 14 15 16
Tensor image_1_to_16() {
  Tensor x = Tensor::from_shape({1, 4, 4, 1});
  for (std::size_t i = 0; i < 16; ++i) x.data()[i] = static_cast<float>(i + 1);
  return x;
}

// A one-filter Conv2D on a 4×4×1 input with the given kernel [kh, kw] values and zero bias.
Tensor conv_4x4(Size2 kernel_size, const std::vector<float>& kernel, Conv2DOptions options) {
  Rng rng(1);
  Conv2D conv(1, kernel_size, "linear", options);
  conv.build_once({4, 4, 1}, rng);
  std::copy(kernel.begin(), kernel.end(), conv.params()[0].value->begin());
  return conv.forward(image_1_to_16(), false);
}

std::vector<float> values(const Tensor& t) { return {t.begin(), t.end()}; }

// Direct convolution with TF's padding written out independently of the kernels under test.
Tensor reference_conv(const Tensor& x, const Tensor& kernel, const Tensor& bias, Size2 stride, bool same) {
  const auto n = x.shape()[0], h = x.shape()[1], w = x.shape()[2], c = x.shape()[3];
  const auto kh = kernel.shape()[0], kw = kernel.shape()[1], f = kernel.shape()[3];
  const auto oh = same ? (h + stride.h - 1) / stride.h : (h - kh) / stride.h + 1;
  const auto ow = same ? (w + stride.w - 1) / stride.w : (w - kw) / stride.w + 1;
  const long top = same ? std::max<long>(0, long((oh - 1) * stride.h + kh) - long(h)) / 2 : 0;
  const long left = same ? std::max<long>(0, long((ow - 1) * stride.w + kw) - long(w)) / 2 : 0;
  Tensor y = Tensor::from_shape({n, oh, ow, f});
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t o = 0; o < f; ++o) {
          double s = bias(o);
          for (std::size_t ky = 0; ky < kh; ++ky)
            for (std::size_t kx = 0; kx < kw; ++kx) {
              const long iy = long(oy * stride.h + ky) - top, ix = long(ox * stride.w + kx) - left;
              if (iy < 0 || ix < 0 || iy >= long(h) || ix >= long(w)) continue;
              for (std::size_t i = 0; i < c; ++i) s += double(x(b, iy, ix, i)) * kernel(ky, kx, i, o);
            }
          y(b, oy, ox, o) = static_cast<float>(s);
        }
  return y;
}

}  // namespace

TEST_CASE("conv2d.forward_by_hand") {
  // kernel [[1, 2], [3, 4]]: y[i, j] = x[i, j] + 2 x[i, j+1] + 3 x[i+1, j] + 4 x[i+1, j+1] = 40i + 10j + 44
  const std::vector<float> k{1, 2, 3, 4};
  SUBCASE("valid, stride 1") {
    const Tensor y = conv_4x4(2, k, {});
    CHECK(y.shape() == std::vector<std::size_t>{1, 3, 3, 1});
    CHECK(values(y) == std::vector<float>{44, 54, 64, 84, 94, 104, 124, 134, 144});
  }
  SUBCASE("valid, stride 2") {
    CHECK(values(conv_4x4(2, k, {2})) == std::vector<float>{44, 64, 124, 144});
  }
  SUBCASE("same, stride 1: the one padding row and column go at the bottom and right (TF)") {
    const Tensor y = conv_4x4(2, k, {1, Padding::Same});
    CHECK(y.shape() == std::vector<std::size_t>{1, 4, 4, 1});
    // last column: x[i, 3] + 3 x[i+1, 3] = 4 + 24 = 28, 8 + 36 = 44, 12 + 48 = 60; last row: x[3, j] + 2 x[3, j+1]
    CHECK(values(y) == std::vector<float>{44, 54, 64, 28, 84, 94, 104, 44, 124, 134, 144, 60, 41, 44, 47, 16});
  }
  SUBCASE("same, stride 2: out = ceil(4 / 2) = 2 needs no padding, so it equals valid") {
    CHECK(values(conv_4x4(2, k, {2, Padding::Same})) == std::vector<float>{44, 64, 124, 144});
  }
  SUBCASE("same, stride 2, 3x3 ones: total padding 1, all of it after") {
    // windows rows/cols {0,1,2} and {2,3,pad}: 1+2+3+5+6+7+9+10+11 = 54, 3+4+7+8+11+12 = 45,
    // 9+10+11+13+14+15 = 72, 11+12+15+16 = 54
    CHECK(values(conv_4x4(3, std::vector<float>(9, 1.0f), {2, Padding::Same})) == std::vector<float>{54, 45, 72, 54});
  }
}

TEST_CASE("conv2d.bias_activation_and_shapes") {
  Rng rng(3);
  Conv2D conv(2, {2, 3}, "relu");
  CHECK(conv.build_once({5, 6, 3}, rng) == Shape{4, 4, 2});
  CHECK(conv.param_count() == 2 * 3 * 3 * 2 + 2);
  auto params = conv.params();
  CHECK(params[0].value->shape() == std::vector<std::size_t>{2, 3, 3, 2});  // [kh, kw, in, out]
  std::fill(params[0].value->begin(), params[0].value->end(), 0.0f);
  *params[1].value = Tensor{1.5f, -2.0f};
  const Tensor& y = conv.forward(random_tensor({2, 5, 6, 3}, rng), false);
  for (std::size_t i = 0; i < y.size(); i += 2) {
    CHECK(y.data()[i] == 1.5f);
    CHECK(y.data()[i + 1] == 0.0f);  // relu(−2)
  }
}

TEST_CASE("conv2d.glorot_uniform_uses_receptive_field_fans") {
  Rng rng(5);
  Conv2D conv(64, 5);
  conv.build_once({10, 10, 8}, rng);
  const float limit = std::sqrt(6.0f / (25 * 8 + 25 * 64));  // Keras: fans times kh·kw
  float lo = 1, hi = -1;
  for (float w : *conv.params()[0].value) lo = std::min(lo, w), hi = std::max(hi, w);
  CHECK(lo >= -limit);
  CHECK(hi <= limit);
  CHECK(hi - lo > 1.9f * limit);
}

TEST_CASE("conv2d.matches_direct_convolution") {
  struct Case {
    Shape input;
    Size2 kernel, stride;
    bool same;
    std::size_t filters;
  };
  for (const Case& c : {Case{{7, 5, 3}, {3, 3}, {1, 1}, false, 4}, Case{{7, 5, 3}, {3, 2}, {2, 1}, true, 5},
                        Case{{6, 6, 2}, {4, 4}, {3, 3}, true, 3}, Case{{5, 9, 17}, {1, 1}, {1, 2}, false, 9},
                        Case{{3, 3, 1}, {3, 3}, {2, 2}, true, 1}}) {
    CAPTURE(shape_str(c.input));
    CAPTURE(c.same);
    Rng rng(11);
    Conv2D conv(c.filters, c.kernel, "linear", {c.stride, c.same ? Padding::Same : Padding::Valid});
    conv.build_once(c.input, rng);
    auto params = conv.params();
    *params[1].value = random_tensor({c.filters}, rng);
    const Tensor x = random_tensor(with_batch(3, c.input), rng);
    const Tensor expected = reference_conv(x, *params[0].value, *params[1].value, c.stride, c.same);
    const Tensor& y = conv.forward(x, false);
    REQUIRE(y.shape() == expected.shape());
    for (std::size_t i = 0; i < y.size(); ++i) CHECK(y.data()[i] == doctest::Approx(expected.data()[i]).epsilon(1e-4));
  }
}

// The seed CNN's first layer at its real size: the GEMMs run with many blocks (21,632 output
// pixels), which the small cases above never reach. Backward is checked against direct sums.
TEST_CASE("conv2d.backward_matches_direct_sums_at_mnist_size") {
  Rng rng(5);
  Conv2D conv(64, 3, "linear");
  conv.build_once({28, 28, 1}, rng);
  const Tensor x = random_tensor({32, 28, 28, 1}, rng);
  conv.forward(x, true);
  const Tensor dy = random_tensor({32, 26, 26, 64}, rng);
  const Tensor& dx = conv.backward(dy);
  const Tensor& kernel = *conv.params()[0].value;
  const Tensor &dw = *conv.params()[0].grad, &db = *conv.params()[1].grad;
  for (std::size_t f = 0; f < 64; f += 7) {
    double bias_sum = 0;
    for (std::size_t b = 0; b < 32; ++b)
      for (std::size_t i = 0; i < 26; ++i)
        for (std::size_t j = 0; j < 26; ++j) bias_sum += dy(b, i, j, f);
    CHECK(db(f) == doctest::Approx(bias_sum).epsilon(1e-3));
    for (std::size_t ky = 0; ky < 3; ++ky)
      for (std::size_t kx = 0; kx < 3; ++kx) {
        double sum = 0;
        for (std::size_t b = 0; b < 32; ++b)
          for (std::size_t i = 0; i < 26; ++i)
            for (std::size_t j = 0; j < 26; ++j) sum += double(x(b, i + ky, j + kx, 0)) * dy(b, i, j, f);
        CHECK(dw(ky, kx, 0, f) == doctest::Approx(sum).epsilon(1e-3));
      }
  }
  for (std::size_t b : {0, 31})
    for (std::size_t y = 0; y < 28; y += 3)
      for (std::size_t xx = 0; xx < 28; xx += 5) {
        double sum = 0;
        for (std::size_t ky = 0; ky < 3; ++ky)
          for (std::size_t kx = 0; kx < 3; ++kx) {
            const long i = long(y) - long(ky), j = long(xx) - long(kx);
            if (i < 0 || j < 0 || i >= 26 || j >= 26) continue;
            for (std::size_t f = 0; f < 64; ++f) sum += double(dy(b, i, j, f)) * kernel(ky, kx, 0, f);
          }
        CHECK(dx(b, y, xx, 0) == doctest::Approx(sum).epsilon(1e-3));
      }
}

TEST_CASE("conv2d.gradient_check") {
  struct Case {
    Shape input;
    Size2 kernel, stride;
    Padding padding;
    const char* activation;
  };
  // several channels and filters, odd sizes, stride 2, same padding, overlapping and disjoint windows
  for (const Case& c : {Case{{5, 7, 3}, {3, 3}, {1, 1}, Padding::Valid, "linear"},
                        Case{{5, 7, 3}, {3, 2}, {2, 2}, Padding::Same, "tanh"},
                        Case{{6, 5, 2}, {2, 2}, {2, 1}, Padding::Valid, "sigmoid"},
                        Case{{4, 4, 1}, {3, 3}, {2, 2}, Padding::Same, "linear"}}) {
    CAPTURE(shape_str(c.input));
    CAPTURE(c.activation);
    Rng rng(21);
    Conv2D conv(4, c.kernel, c.activation, {c.stride, c.padding});
    conv.build_once(c.input, rng);
    *conv.params()[1].value = random_tensor({4}, rng);
    check_layer_gradients(conv, random_tensor(with_batch(2, c.input), rng));
  }
}

TEST_CASE("conv2d.gradient_check_relu") {
  // relu's kink at 0: use a draw whose pre-activations (the same layer without relu) all stay
  // 0.05 away from it, beyond what the 1e-2 step can move them
  for (std::uint32_t seed = 0;; ++seed) {
    Rng rng(seed), same_rng(seed);
    Conv2D conv(3, 3, "relu", {2, Padding::Same}), linear(3, 3, "linear", {2, Padding::Same});
    conv.build_once({5, 5, 2}, rng);
    linear.build_once({5, 5, 2}, same_rng);
    const Tensor x = random_tensor({2, 5, 5, 2}, rng);
    const Tensor& pre = linear.forward(x, false);
    if (std::any_of(pre.begin(), pre.end(), [](float v) { return std::abs(v) < 0.05f; })) continue;
    CAPTURE(seed);
    check_layer_gradients(conv, x);
    break;
  }
}

TEST_CASE("conv2d.no_bias_and_errors") {
  Rng rng(1);
  Conv2D conv(2, 3, "linear", {1, Padding::Valid, false});
  conv.build_once({4, 4, 1}, rng);
  CHECK(conv.params().size() == 1);
  check_layer_gradients(conv, random_tensor({2, 4, 4, 1}, rng));

  CHECK_THROWS_WITH_AS(Conv2D(0, 3), doctest::Contains("filters must be a positive integer"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(Conv2D(4, {3, 0}), doctest::Contains("kernel_size must be positive"), std::invalid_argument);
  Conv2D big(1, 5);
  CHECK_THROWS_WITH_AS(big.build_once({4, 4, 1}, rng), doctest::Contains("window does not fit input (None, 4, 4, 1)"),
                       std::invalid_argument);
  Conv2D flat(1, 1);
  CHECK_THROWS_WITH_AS(flat.build_once({784}, rng), doctest::Contains("(height, width, channels)"),
                       std::invalid_argument);
}

TEST_CASE("conv2d.config_round_trip_and_keras_forms") {
  Conv2D conv(8, {3, 5}, "relu", {{2, 1}, Padding::Same, false, 0.01f});
  conv.set_name("conv");
  const json written = layer_to_json(conv);
  CHECK(written["config"]["kernel_size"] == json::array({3, 5}));
  CHECK(written["config"]["strides"] == json::array({2, 1}));
  CHECK(written["config"]["padding"] == "same");
  CHECK(written["config"]["data_format"] == "channels_last");
  CHECK(written["config"]["dilation_rate"] == json::array({1, 1}));
  CHECK(layer_to_json(*layer_from_json(written)) == written);

  // Keras' integer shorthand; TF.js/Keras fields it does not need are accepted
  const auto layer = layer_from_json(json::parse(R"({"class_name": "Conv2D", "config": {"filters": 4,
      "kernel_size": 3, "strides": 1, "padding": "valid", "data_format": "channels_last", "dilation_rate": 1,
      "groups": 1, "activation": "relu", "use_bias": true, "name": "c", "batch_input_shape": [null, 28, 28, 1]}})"));
  Rng rng(1);
  CHECK(layer->build_once({28, 28, 1}, rng) == Shape{26, 26, 4});
  const json c = layer_to_json(*layer)["config"];
  CHECK(c["kernel_size"] == json::array({3, 3}));
  CHECK(c["batch_input_shape"] == json::array({nullptr, 28, 28, 1}));

  auto bad = [](const char* config) { return json{{"class_name", "Conv2D"}, {"config", json::parse(config)}}; };
  CHECK_THROWS_WITH_AS(layer_from_json(bad(R"({"filters": 4, "kernel_size": 3, "data_format": "channels_first"})")),
                       doctest::Contains("data_format 'channels_first' is not supported"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(bad(R"({"filters": 4, "kernel_size": 3, "dilation_rate": [2, 2]})")),
                       doctest::Contains("dilation_rate [2,2] is not supported"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(bad(R"({"filters": 4, "kernel_size": 3, "padding": "causal"})")),
                       doctest::Contains("padding must be \"valid\" or \"same\""), std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(bad(R"({"filters": 4})")), doctest::Contains("missing field 'kernel_size'"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(bad(R"({"filters": 4, "kernel_size": [3, 3, 3]})")),
                       doctest::Contains("'kernel_size' must be a positive integer or a pair"), std::invalid_argument);
}

TEST_CASE("im2col.col2im_is_its_adjoint") {
  // <im2col(x), c> == <x, col2im(c)> for every geometry: what makes the input gradient right
  kernels::WindowGeometry g = window_geometry({5, 6, 3}, {3, 2}, {2, 1}, Padding::Same, "test");
  g.batch = 2;
  Rng rng(4);
  const Tensor x = random_tensor({2, 5, 6, 3}, rng), c = random_tensor({g.out_pixels(), g.patch_size()}, rng);
  Tensor cols = Tensor::from_shape({g.out_pixels(), g.patch_size()}), back = Tensor::from_shape({2, 5, 6, 3});
  kernels::im2col(x.data(), g, cols.data());
  kernels::col2im(c.data(), g, back.data());
  double left = 0, right = 0;
  for (std::size_t i = 0; i < cols.size(); ++i) left += double(cols.data()[i]) * c.data()[i];
  for (std::size_t i = 0; i < x.size(); ++i) right += double(x.data()[i]) * back.data()[i];
  CHECK(left == doctest::Approx(right).epsilon(1e-5));
}

TEST_CASE("reshape.forward_backward") {
  Rng rng(1);
  Reshape reshape({3, -1});
  CHECK(reshape.build_once({2, 3}, rng) == Shape{3, 2});
  const Tensor x{{{1.0f, 2.0f, 3.0f}, {4.0f, 5.0f, 6.0f}}};
  const Tensor& y = reshape.forward(x, false);
  REQUIRE(y.shape() == std::vector<std::size_t>{1, 3, 2});
  CHECK(values(y) == std::vector<float>{1, 2, 3, 4, 5, 6});  // row-major order kept
  CHECK(y(0, 2, 0) == 5.0f);
  check_layer_gradients(reshape, random_tensor({2, 2, 3}, rng));

  Reshape to_image({28, 28, 1});
  CHECK(to_image.build_once({784}, rng) == Shape{28, 28, 1});
  Reshape wrong({4, -1});
  CHECK_THROWS_WITH_AS(wrong.build_once({2, 3}, rng), doctest::Contains("cannot reshape input (None, 2, 3)"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(Reshape({-1, -1}), doctest::Contains("only one -1"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(Reshape({0, 3}), doctest::Contains("positive or -1"), std::invalid_argument);
}

TEST_CASE("presets.cnn_summary_as_keras_prints_it") {
  auto model = make_preset("cnn");
  const std::string expected =
      "Model: \"sequential\"\n"
      "_________________________________________________________________\n"
      " Layer (type)                Output Shape              Param #   \n"
      "=================================================================\n"
      " conv2d (Conv2D)             (None, 26, 26, 64)        640       \n"
      "                                                                 \n"
      // Keras 2 wraps the overlong name onto a second line within its column
      " max_pooling2d (MaxPooling2  (None, 13, 13, 64)        0         \n"
      " D)                                                              \n"
      "                                                                 \n"
      " flatten (Flatten)           (None, 10816)             0         \n"
      "                                                                 \n"
      " dense (Dense)               (None, 10)                108170    \n"
      "                                                                 \n"
      "=================================================================\n"
      "Total params: 108810 (425.04 KB)\n"
      "Trainable params: 108810 (425.04 KB)\n"
      "Non-trainable params: 0 (0.00 Byte)\n"
      "_________________________________________________________________\n";
  CHECK(model->summary() == expected);
  CHECK(model->loss()->name() == "categorical_crossentropy");
}

TEST_CASE("presets.lenet_shapes") {
  auto model = make_preset("lenet");
  model->build(model->input_shape());
  std::vector<Shape> shapes;
  for (auto& layer : model->layers()) shapes.push_back(layer->output_shape());
  CHECK(shapes == std::vector<Shape>{{26, 26, 32}, {13, 13, 32}, {11, 11, 64}, {5, 5, 64}, {1600}, {128}, {128}, {10}});
  CHECK(model->param_count() == 320 + 18496 + 204928 + 1290);
}

TEST_CASE("conv2d.model_file_round_trip") {
  // the cnn preset, trained a step so nothing is at its initial value, saved and loaded back
  auto model = make_preset("cnn", 7);
  Rng rng(2);
  const Samples x = Samples::of(random_tensor({4, 28, 28, 1}, rng, 0.0f, 1.0f));
  Tensor onehot = xt::zeros<float>({4, 10});
  for (std::size_t i = 0; i < 4; ++i) onehot(i, i) = 1.0f;
  const Samples y = Samples::of(onehot);
  const std::size_t order[] = {0, 1, 2, 3};
  model->train_on_batch(x, y, order, 4);

  const auto artifacts = io::to_artifacts(*model);
  const json& weights = artifacts.model_json["weightsManifest"][0]["weights"];
  CHECK(weights[0]["name"] == "conv2d/kernel");
  CHECK(weights[0]["shape"] == json::array({3, 3, 1, 64}));  // TF.js' layout: loading is a copy
  CHECK(weights[1]["name"] == "conv2d/bias");
  const auto loaded = io::from_artifacts(artifacts);
  CHECK(loaded->layer(1).class_name() == "MaxPooling2D");
  const Tensor a = model->predict(x), b = loaded->predict(x);
  CHECK(values(a) == values(b));
}
