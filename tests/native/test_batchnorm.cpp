// BatchNormalization: both modes, its gradients (the training-mode check differentiates through the
// batch statistics), and its non-trainable weights in summaries and model files.
#include <doctest/doctest.h>

#include <cmath>

#include "gradient_check.hpp"
#include "io/model_file.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/dense.hpp"
#include "layers/registry.hpp"
#include "model/sequential.hpp"

using namespace neurite;
using neurite::testing::check_layer_gradients;
using neurite::testing::random_tensor;

namespace {

struct Weights {
  Tensor *gamma, *beta, *moving_mean, *moving_variance;
};
Weights weights_of(BatchNormalization& bn) {
  auto w = bn.weights();
  REQUIRE(w.size() == 4);
  return {w[0].value, w[1].value, w[2].value, w[3].value};
}

// Gamma, beta and the moving statistics away from their initial 1 / 0, so every term counts.
void randomise(BatchNormalization& bn, Rng& rng) {
  const Weights w = weights_of(bn);
  const std::size_t c = w.gamma->size();
  *w.gamma = random_tensor({c}, rng, 0.5f, 2.0f);
  *w.beta = random_tensor({c}, rng);
  *w.moving_mean = random_tensor({c}, rng);
  *w.moving_variance = random_tensor({c}, rng, 0.2f, 2.0f);
}

// check_layer_gradients for training mode: the objective sum(R ⊙ bn(x)) uses the batch's statistics,
// so every output depends on every input of its channel. Each forward also moves the moving
// statistics, which the training-mode output does not read.
void check_training_gradients(Layer& layer, Tensor x) {
  check_layer_gradients(layer, std::move(x), 1e-2f, 2e-2f, /*training=*/true);
}

std::unique_ptr<Sequential> dense_bn_model(std::uint32_t seed) {
  auto model = std::make_unique<Sequential>(seed);
  auto first = std::make_unique<Dense>(8, "relu");
  first->declare_input_shape({4});
  model->add(std::move(first));
  model->add(std::make_unique<BatchNormalization>());
  model->add(std::make_unique<Dense>(2, "softmax"));
  model->compile(make_optimizer("adam"), make_loss("sparse_categorical_crossentropy"), {"accuracy"});
  model->build({4});
  return model;
}

}  // namespace

TEST_CASE("batch_normalization.training_forward_by_hand") {
  Rng rng(1);
  BatchNormalization bn;
  bn.build_once({2}, rng);
  const Weights w = weights_of(bn);
  *w.gamma = Tensor{2.0f, 1.0f};
  *w.beta = Tensor{0.5f, -1.0f};
  // channel 0: 1 2 3 4, mean 2.5, biased variance 1.25; channel 1: constant 10, variance 0
  const Tensor x{{1.0f, 10.0f}, {2.0f, 10.0f}, {3.0f, 10.0f}, {4.0f, 10.0f}};
  const Tensor& y = bn.forward(x, true);
  const float inv_std = 1.0f / std::sqrt(1.25f + 1e-3f);
  for (std::size_t r = 0; r < 4; ++r) {
    CHECK(y(r, 0) == doctest::Approx(2.0f * (x(r, 0) - 2.5f) * inv_std + 0.5f));
    CHECK(y(r, 1) == doctest::Approx(-1.0f));  // x̂ = 0: only beta is left
  }
  // moving = moving · 0.99 + batch · 0.01, from 0 and 1
  CHECK((*w.moving_mean)(0) == doctest::Approx(0.025f));
  CHECK((*w.moving_mean)(1) == doctest::Approx(0.1f));
  CHECK((*w.moving_variance)(0) == doctest::Approx(0.99f + 0.0125f));
  CHECK((*w.moving_variance)(1) == doctest::Approx(0.99f));
}

TEST_CASE("batch_normalization.inference_uses_moving_statistics") {
  Rng rng(1);
  BatchNormalization bn({-1, 0.9f, 0.01f});
  bn.build_once({2}, rng);
  const Weights w = weights_of(bn);
  *w.gamma = Tensor{2.0f, 1.0f};
  *w.beta = Tensor{0.5f, -1.0f};
  *w.moving_mean = Tensor{1.0f, -1.0f};
  *w.moving_variance = Tensor{3.99f, 0.24f};  // + epsilon 0.01: 4 and 0.25
  const Tensor& y = bn.forward(Tensor{{3.0f, 0.0f}}, false);
  CHECK(y(0, 0) == doctest::Approx(2.0f * (3.0f - 1.0f) / 2.0f + 0.5f));
  CHECK(y(0, 1) == doctest::Approx((0.0f + 1.0f) / 0.5f - 1.0f));
  CHECK((*w.moving_mean)(0) == 1.0f);  // inference never moves them
}

TEST_CASE("batch_normalization.nhwc_statistics_per_channel") {
  Rng rng(2);
  BatchNormalization bn;
  CHECK(bn.build_once({3, 3, 4}, rng) == Shape{3, 3, 4});
  Tensor x = random_tensor({2, 3, 3, 4}, rng);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = x.data()[i] * float(1 + i % 4) + float(i % 4);
  const Tensor& y = bn.forward(x, true);
  for (std::size_t c = 0; c < 4; ++c) {
    double sum = 0, sum_sq = 0, x_sum = 0, x_sq = 0;
    for (std::size_t i = c; i < x.size(); i += 4) {
      sum += y.data()[i], sum_sq += double(y.data()[i]) * y.data()[i];
      x_sum += x.data()[i], x_sq += double(x.data()[i]) * x.data()[i];
    }
    const double n = 18, var = x_sq / n - (x_sum / n) * (x_sum / n);
    CHECK(sum / n == doctest::Approx(0.0).epsilon(1e-5));
    CHECK(sum_sq / n == doctest::Approx(var / (var + 1e-3)).epsilon(1e-4));  // over batch, height and width
  }
}

TEST_CASE("batch_normalization.gradient_check_inference") {
  for (const Shape& shape : {Shape{5}, Shape{3, 3, 4}}) {
    CAPTURE(shape_str(shape));
    Rng rng(3);
    BatchNormalization bn;
    bn.build_once(shape, rng);
    randomise(bn, rng);
    check_layer_gradients(bn, random_tensor(with_batch(3, shape), rng));
  }
}

TEST_CASE("batch_normalization.gradient_check_training") {
  for (bool center : {true, false})
    for (bool scale : {true, false}) {
      CAPTURE(center);
      CAPTURE(scale);
      Rng rng(4);
      BatchNormalization dense({-1, 0.99f, 1e-3f, center, scale}), image({-1, 0.99f, 1e-3f, center, scale});
      dense.build_once({5}, rng);
      image.build_once({3, 3, 4}, rng);
      for (auto* bn : {&dense, &image})
        for (auto& p : bn->params()) *p.value = random_tensor({p.value->size()}, rng, 0.5f, 1.5f);
      check_training_gradients(dense, random_tensor({6, 5}, rng));
      check_training_gradients(image, random_tensor({2, 3, 3, 4}, rng));
    }
}

TEST_CASE("batch_normalization.weights_in_keras_order") {
  Rng rng(1);
  BatchNormalization bn;
  bn.build_once({6}, rng);
  std::vector<std::string> names;
  for (const auto& p : bn.weights()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"gamma", "beta", "moving_mean", "moving_variance"});
  CHECK(bn.params().size() == 2);  // the optimizer steps gamma and beta only
  for (const auto& p : bn.non_trainable()) CHECK(p.grad == nullptr);
  CHECK(bn.param_count() == 24);

  BatchNormalization plain({-1, 0.99f, 1e-3f, false, false});
  plain.build_once({6}, rng);
  CHECK(plain.params().empty());
  CHECK(plain.weights().size() == 2);
}

TEST_CASE("batch_normalization.summary_counts_non_trainable") {
  auto model = dense_bn_model(1);
  const std::string summary = model->summary();
  INFO(summary);
  // Keras wraps the overlong name inside its column; 32 = 4 · 8, Keras counts every weight
  CHECK(summary.find(" batch_normalization (Batch  (None, 8)                 32        \n"
                     " Normalization)                                                  \n") != std::string::npos);
  CHECK(summary.find("Total params: 90 (360.00 Byte)") != std::string::npos);
  CHECK(summary.find("Trainable params: 74 (296.00 Byte)") != std::string::npos);
  CHECK(summary.find("Non-trainable params: 16 (64.00 Byte)") != std::string::npos);
}

TEST_CASE("batch_normalization.model_file_round_trip") {
  auto model = dense_bn_model(3);
  Rng rng(5);
  const Samples x = Samples::of(random_tensor({16, 4}, rng));
  Tensor labels = Tensor::from_shape({16});
  for (std::size_t i = 0; i < 16; ++i) labels(i) = float(i % 2);
  const Samples y = Samples::of(labels);
  std::vector<std::size_t> order(16);
  for (std::size_t i = 0; i < 16; ++i) order[i] = i;
  for (int step = 0; step < 3; ++step) model->train_on_batch(x, y, order.data(), 16);
  CHECK(model->get_weights().size() == 8);  // 2 + 4 + 2, the moving statistics included
  CHECK(model->get_weights()[4](0) != 0.0f);  // training moved moving_mean

  const auto artifacts = io::to_artifacts(*model);
  const json& manifest = artifacts.model_json["weightsManifest"][0]["weights"];
  std::vector<std::string> names;
  for (const auto& w : manifest) names.push_back(w["name"]);
  CHECK(names == std::vector<std::string>{"dense/kernel", "dense/bias", "batch_normalization/gamma",
                                          "batch_normalization/beta", "batch_normalization/moving_mean",
                                          "batch_normalization/moving_variance", "dense_1/kernel", "dense_1/bias"});
  const auto loaded = io::from_artifacts(artifacts);
  const auto a = model->get_weights(), b = loaded->get_weights();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == b[i]);
  CHECK(model->predict(x) == loaded->predict(x));  // inference: the moving statistics
}

TEST_CASE("batch_normalization.config_round_trip_and_errors") {
  BatchNormalization bn({3, 0.9f, 1e-5f, false, true});
  bn.set_name("bn");
  const json written = layer_to_json(bn);
  CHECK(written["config"]["axis"] == 3);
  CHECK(layer_to_json(*layer_from_json(written)) == written);
  Rng rng(1);
  auto rebuilt = layer_from_json(written);
  CHECK(rebuilt->build_once({4, 4, 2}, rng) == Shape{4, 4, 2});  // axis 3 is NHWC's last

  // Keras 2's one-element list form of axis
  auto listed = layer_from_json(json::parse(R"({"class_name": "BatchNormalization", "config": {"axis": [1]}})"));
  CHECK(listed->build_once({7}, rng) == Shape{7});

  BatchNormalization first_axis({1});
  CHECK_THROWS_WITH_AS(first_axis.build_once({4, 4, 2}, rng), doctest::Contains("only the last axis (-1 or 3)"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer_from_json(json::parse(R"({"class_name": "BatchNormalization", "config":
      {"gamma_regularizer": {"class_name": "L1L2", "config": {"l2": 0.1}}}})")),
                       doctest::Contains("gamma_regularizer is not supported"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(BatchNormalization({-1, 1.5f}), doctest::Contains("momentum must be in [0, 1]"),
                       std::invalid_argument);
}
