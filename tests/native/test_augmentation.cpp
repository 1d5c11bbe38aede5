// RandomTranslation, RandomRotation, RandomZoom: resampling checked on small images by hand,
// identity at inference, gradients, and their configs through model files.
#include <doctest/doctest.h>

#include <cmath>

#include "io/model_file.hpp"
#include "kernels/warp.hpp"
#include "layers/augmentation.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/registry.hpp"
#include "layers/reshaping.hpp"
#include "model/sequential.hpp"
#include "temp_dir.hpp"

using namespace neurite;
using kernels::AffineMap;
using kernels::FillMode;
using kernels::Interpolation;

namespace {

// A 3×3 one-channel image 1..9, warped by `map`
std::vector<float> warp3(const AffineMap& map, FillMode fill, Interpolation interpolation, float fill_value = 0.0f) {
  const std::vector<float> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> out(9);
  kernels::warp_affine(in.data(), out.data(), map, {3, 3, 1, fill, interpolation, fill_value});
  return out;
}

AffineMap shift(float dx, float dy) { return {1, 0, -dx, 0, 1, -dy}; }

}  // namespace

TEST_CASE("warp.shifts_with_every_fill_mode") {
  // one pixel right: column 0 comes from x = −1
  CHECK(warp3(shift(1, 0), FillMode::constant, Interpolation::nearest, -1) ==
        std::vector<float>{-1, 1, 2, -1, 4, 5, -1, 7, 8});
  CHECK(warp3(shift(1, 0), FillMode::nearest, Interpolation::nearest) == std::vector<float>{1, 1, 2, 4, 4, 5, 7, 7, 8});
  // reflect (d c b a | a b c d): x = −1 reads x = 0
  CHECK(warp3(shift(1, 0), FillMode::reflect, Interpolation::nearest) == std::vector<float>{1, 1, 2, 4, 4, 5, 7, 7, 8});
  // two right: x = −2 reflects to 1, x = −1 to 0
  CHECK(warp3(shift(2, 0), FillMode::reflect, Interpolation::nearest) == std::vector<float>{2, 1, 1, 5, 4, 4, 8, 7, 7});
  // one down, wrapped: row 0 comes from row 2
  CHECK(warp3(shift(0, 1), FillMode::wrap, Interpolation::nearest) == std::vector<float>{7, 8, 9, 1, 2, 3, 4, 5, 6});
}

TEST_CASE("warp.bilinear_half_pixel") {
  // half a pixel right: x_in = x − 0.5; pixel (0, 1) = (1 + 2) / 2; column 0 half fill (constant 0)
  const auto out = warp3(shift(0.5f, 0), FillMode::constant, Interpolation::bilinear);
  CHECK(out[0] == doctest::Approx(0.5f));  // 0.5·fill + 0.5·1
  CHECK(out[1] == doctest::Approx(1.5f));
  CHECK(out[2] == doctest::Approx(2.5f));
  CHECK(out[4] == doctest::Approx(4.5f));
  // the identity reads every pixel exactly
  CHECK(warp3(AffineMap{}, FillMode::constant, Interpolation::bilinear) == std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("warp.backward_is_the_transpose") {
  // <warp(x), g> = <x, warpᵀ(g)> for a rotation-like map with bilinear reads and constant fill
  const AffineMap map{0.8f, -0.6f, 1.3f, 0.6f, 0.8f, -0.4f};
  const kernels::WarpSpec spec{4, 5, 2, FillMode::constant, Interpolation::bilinear, 0.0f};
  std::vector<float> x(40), g(40), wx(40), wtg(40, 0.0f);
  for (std::size_t i = 0; i < 40; ++i) x[i] = std::sin(0.7f * i), g[i] = std::cos(1.3f * i);
  kernels::warp_affine(x.data(), wx.data(), map, spec);
  kernels::warp_affine_backward(g.data(), wtg.data(), map, spec);
  double lhs = 0, rhs = 0;
  for (std::size_t i = 0; i < 40; ++i) lhs += wx[i] * g[i], rhs += x[i] * wtg[i];
  CHECK(lhs == doctest::Approx(rhs).epsilon(1e-5));
}

namespace {

Tensor image_batch(std::size_t n, std::size_t h, std::size_t w) {
  Tensor x = xt::zeros<float>({n, h, w, std::size_t{1}});
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = float(i % 17);
  return x;
}

}  // namespace

TEST_CASE("augmentation.layers_move_pixels_as_keras_says") {
  Rng rng(1);
  const Tensor x = image_batch(1, 3, 3);
  WarpOptions exact;
  exact.fill_mode = FillMode::constant;
  exact.interpolation = Interpolation::nearest;
  // height_factor [1/3, 1/3]: exactly one row down (positive is down)
  RandomTranslation down({1.0f / 3, 1.0f / 3}, {0, 0}, exact);
  down.build_once({3, 3, 1}, rng);
  const Tensor& moved = down.forward(x, true);
  CHECK(std::vector<float>(moved.begin(), moved.end()) == std::vector<float>{0, 0, 0, 0, 1, 2, 3, 4, 5});
  // a quarter turn counter-clockwise: the top-right pixel comes from the bottom-right
  RandomRotation quarter({0.25f, 0.25f}, exact);
  quarter.build_once({3, 3, 1}, rng);
  const Tensor& turned = quarter.forward(x, true);
  CHECK(std::vector<float>(turned.begin(), turned.end()) == std::vector<float>{2, 5, 8, 1, 4, 7, 0, 3, 6});
  // zoom factor −0.5 (in, ×2 about the centre): the centre pixel spreads, corners read (0.5, 0.5) → 4
  RandomZoom zoom_in({-0.5f, -0.5f}, std::nullopt, exact);
  zoom_in.build_once({3, 3, 1}, rng);
  const Tensor& zoomed = zoom_in.forward(x, true);
  CHECK(zoomed.data()[4] == 4.0f);
  CHECK(zoomed.data()[0] == 4.0f);  // std::round(0.5) = 1: pixel (1, 1)
}

TEST_CASE("augmentation.identity_at_inference_and_different_per_image_in_training") {
  Rng rng(3);
  RandomRotation rotation({-0.1f, 0.1f});
  rotation.build_once({8, 8, 1}, rng);
  const Tensor x = image_batch(4, 8, 8);
  CHECK(&rotation.forward(x, false) == &x);  // inference passes the very input through
  const Tensor& out = rotation.forward(x, true);
  CHECK(out != x);
  // the four images get different angles: their outputs differ although their inputs' layout repeats
  const std::size_t per = 64;
  bool differ = false;
  for (std::size_t i = 0; i < per; ++i) differ = differ || out.data()[i] != out.data()[per + i];
  CHECK(differ);
  CHECK_THROWS_WITH_AS(RandomTranslation({-2, 2}, {0, 0}), doctest::Contains("[-1, 1]"), std::invalid_argument);
  Rng r2(1);
  RandomZoom flat({0.1f, 0.1f}, std::nullopt);
  CHECK_THROWS_WITH_AS(flat.build_once({10}, r2), doctest::Contains("needs images"), std::invalid_argument);
}

TEST_CASE("augmentation.seeded_runs_repeat") {
  const Tensor x = image_batch(2, 6, 6);
  const auto run = [&](std::uint32_t model_seed) {
    Rng rng(model_seed);
    WarpOptions seeded;
    seeded.seed = 42;
    RandomTranslation t({-0.3f, 0.3f}, {-0.3f, 0.3f}, seeded);
    t.build_once({6, 6, 1}, rng);
    return Tensor(t.forward(x, true));
  };
  CHECK(run(1) == run(2));  // the layer's own seed, whatever the model's
}

TEST_CASE("augmentation.configs_round_trip_through_model_files") {
  const neurite::testing::TempDir dir("neurite_test_augmentation_round_trip");
  Sequential model(5);
  auto first = layer_from_json(json::parse(R"({"class_name": "RandomTranslation", "config": {
      "height_factor": 0.1, "width_factor": [-0.2, 0.1], "fill_mode": "constant", "interpolation": "nearest",
      "seed": 7, "fill_value": 0.5, "batch_input_shape": [null, 28, 28, 1]}})"));
  model.add(std::move(first));
  model.add(layer_from_json(json::parse(R"({"class_name": "RandomRotation", "config": {"factor": 0.05}})")));
  model.add(layer_from_json(json::parse(R"({"class_name": "RandomZoom", "config": {"height_factor": [-0.1, 0.2]}})")));
  model.add(std::make_unique<Conv2D>(2, 3));
  model.add(std::make_unique<Flatten>());
  model.add(std::make_unique<Dense>(10));
  model.compile(make_optimizer("adam"), make_loss("sparse_categorical_crossentropy", true), {"accuracy"});
  model.build({28, 28, 1});
  io::save_model(model, dir.path.string());
  auto loaded = io::load_model(dir.file("model.json"));
  const json t = loaded->layer(0).full_config();
  CHECK(loaded->layer(0).class_name() == "RandomTranslation");
  CHECK(t["height_factor"].get<float>() == doctest::Approx(0.1f));
  CHECK(t["width_factor"][0].get<float>() == doctest::Approx(-0.2f));
  CHECK(t["fill_mode"] == "constant");
  CHECK(t["interpolation"] == "nearest");
  CHECK(t["seed"] == 7);
  CHECK(t["fill_value"].get<float>() == doctest::Approx(0.5f));
  const json r = loaded->layer(1).full_config();
  CHECK(r["factor"].get<float>() == doctest::Approx(0.05f));
  CHECK(r["fill_mode"] == "reflect");  // Keras' defaults
  CHECK(r["interpolation"] == "bilinear");
  CHECK(loaded->layer(2).full_config()["width_factor"].is_null());
  CHECK(loaded->topology() == model.topology());
  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(R"({"class_name": "RandomZoom", "config": {"height_factor": 0.1,
      "fill_mode": "mirror"}})")), doctest::Contains("fill_mode 'mirror' is not supported"), std::invalid_argument);
}

TEST_CASE("augmentation.trains_in_a_model_and_predicts_untouched") {
  Sequential model(2);
  auto translate = std::make_unique<RandomTranslation>(FactorRange{-0.1f, 0.1f}, FactorRange{-0.1f, 0.1f});
  translate->declare_input_shape({8, 8, 1});
  model.add(std::move(translate));
  model.add(std::make_unique<Flatten>());
  model.add(std::make_unique<Dense>(2, "softmax"));
  model.compile(make_optimizer("adam"), make_loss("sparse_categorical_crossentropy"), {"accuracy"});
  Tensor x = image_batch(16, 8, 8);
  Tensor y = xt::zeros<float>({std::size_t{16}});
  for (std::size_t i = 0; i < 16; ++i) y(i) = float(i % 2);
  const Samples xs = Samples::of(x), ys = Samples::of(y);
  FitOptions options;
  options.epochs = 2;
  options.batch_size = 8;
  model.fit(xs, ys, options);
  // inference skips the layer: the prediction is the Dense's softmax of the raw image
  const Tensor p = model.predict(xs);
  const auto weights = model.get_weights();  // kernel [64, 2], bias [2]
  for (std::size_t i = 0; i < 16; ++i) {
    double logit[2] = {weights[1](0), weights[1](1)};
    for (std::size_t k = 0; k < 64; ++k)
      for (std::size_t j = 0; j < 2; ++j) logit[j] += double(x.data()[i * 64 + k]) * weights[0](k, j);
    const double p1 = 1.0 / (1.0 + std::exp(logit[0] - logit[1]));
    CHECK(p(i, 1) == doctest::Approx(p1).epsilon(1e-4));
  }
}
