#include <doctest/doctest.h>

#include "activations/activation.hpp"
#include "gradient_check.hpp"
#include "losses/loss.hpp"

using namespace neurite;
using neurite::testing::check_close;
using neurite::testing::numeric_gradient;
using neurite::testing::random_tensor;

namespace {

// Gradient of the loss with respect to the predictions, against finite differences.
void check_loss_gradient(const Loss& loss, Tensor pred, const Tensor& target) {
  Tensor grad;
  loss.compute(pred, target, &grad);
  auto f = [&] { return static_cast<double>(loss.compute(pred, target, nullptr)); };
  check_close(grad, numeric_gradient(pred, f, 1e-3f), 2e-2f, loss.name().c_str());
}

// [n, 1]: one output per sample (braces alone would be ambiguous with a shape)
Tensor column(std::vector<float> values) {
  Tensor t = Tensor::from_shape({values.size(), 1});
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}

Tensor softmax_of(Tensor z) {
  make_activation("softmax")->forward(z.data(), z.shape()[0], z.shape()[1]);
  return z;
}

}  // namespace

TEST_CASE("sparse_ce.forward_by_hand") {
  // logits (1, 2, 3), label 2: log(e + e² + e³) − 3 = 0.4076060
  const Tensor logits{{1.0f, 2.0f, 3.0f}};
  const Tensor label{2.0f};
  CHECK(make_loss("sparse_categorical_crossentropy", true)->compute(logits, label, nullptr) ==
        doctest::Approx(0.4076060f));
  // the same from probabilities: −log(0.6652410)
  CHECK(make_loss("sparse_categorical_crossentropy")->compute(softmax_of(logits), label, nullptr) ==
        doctest::Approx(0.4076060f));
  // gradient w.r.t. logits: softmax − one-hot = (0.0900306, 0.2447285, −0.3347590)
  Tensor grad;
  make_loss("sparse_categorical_crossentropy", true)->compute(logits, label, &grad);
  CHECK(grad(0, 2) == doctest::Approx(-0.3347590f));
}

TEST_CASE("label_smoothing.by_hand") {
  // logits (1, 2, 3), label 2, smoothing 0.3 over 3 classes: targets (0.1, 0.1, 0.8);
  // log-sum-exp 3.4076060, so the loss is 0.1·2.4076060 + 0.1·1.4076060 + 0.8·0.4076060 = 0.7076060
  const Tensor logits{{1.0f, 2.0f, 3.0f}};
  const Tensor one_hot{{0.0f, 0.0f, 1.0f}};
  auto sparse = make_loss("sparse_categorical_crossentropy", true, 0.3f);
  auto dense = make_loss("categorical_crossentropy", true, 0.3f);
  CHECK(sparse->compute(logits, Tensor{2.0f}, nullptr) == doctest::Approx(0.7076060f));
  CHECK(dense->compute(logits, one_hot, nullptr) == doctest::Approx(0.7076060f));
  Tensor grad;  // softmax − targets
  sparse->compute(logits, Tensor{2.0f}, &grad);
  CHECK(grad(0, 0) == doctest::Approx(-0.0099694f));
  CHECK(grad(0, 2) == doctest::Approx(-0.1347590f));
  // from probabilities too, and the gradients hold
  CHECK(make_loss("categorical_crossentropy", false, 0.3f)->compute(softmax_of(logits), one_hot, nullptr) ==
        doctest::Approx(0.7076060f));
  Rng rng(3);
  check_loss_gradient(*sparse, random_tensor({3, 3}, rng, -2.0f, 2.0f), Tensor{0.0f, 2.0f, 1.0f});
  // the configs: Keras' categorical one always says it, the sparse one only when used
  CHECK(dense->config()["label_smoothing"].get<float>() == 0.3f);
  CHECK(make_loss("categorical_crossentropy")->config()["label_smoothing"] == 0.0);
  CHECK_FALSE(make_loss("sparse_categorical_crossentropy")->config().contains("label_smoothing"));
  CHECK_THROWS_WITH_AS(make_loss("categorical_crossentropy", true, 1.0f), doctest::Contains("label_smoothing must be in [0, 1)"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(make_loss("binary_crossentropy", false, 0.1f), doctest::Contains("no label_smoothing"),
                       std::invalid_argument);
}

TEST_CASE("sparse_ce.stable_for_huge_logits") {
  const Tensor logits{{1000.0f, 0.0f, -1000.0f}};
  const float loss = make_loss("sparse_categorical_crossentropy", true)->compute(logits, Tensor{1.0f}, nullptr);
  CHECK(loss == doctest::Approx(1000.0f));  // log-sum-exp: no inf, no NaN
}

TEST_CASE("losses.gradient_check") {
  Rng rng(11);
  const Tensor labels{0.0f, 3.0f, 2.0f};
  Tensor one_hot = xt::zeros<float>({3, 4});
  one_hot(0, 0) = one_hot(1, 3) = one_hot(2, 2) = 1.0f;
  const Tensor logits = random_tensor({3, 4}, rng, -2.0f, 2.0f);
  check_loss_gradient(*make_loss("sparse_categorical_crossentropy", true), logits, labels);
  check_loss_gradient(*make_loss("sparse_categorical_crossentropy"), softmax_of(logits), labels);
  check_loss_gradient(*make_loss("categorical_crossentropy", true), logits, one_hot);
  check_loss_gradient(*make_loss("categorical_crossentropy"), softmax_of(logits), one_hot);
  const Tensor bits = Tensor{{1.0f, 0.0f}, {0.0f, 1.0f}, {1.0f, 1.0f}};
  check_loss_gradient(*make_loss("binary_crossentropy", true), random_tensor({3, 2}, rng, -3.0f, 3.0f), bits);
  check_loss_gradient(*make_loss("binary_crossentropy"), random_tensor({3, 2}, rng, 0.1f, 0.9f), bits);
  check_loss_gradient(*make_loss("mse"), random_tensor({3, 2}, rng), random_tensor({3, 2}, rng));
}

TEST_CASE("losses.fused_softmax_gradient_is_the_logit_gradient") {
  // fused with a softmax output, the loss returns d/dlogits: check it against differences in the logits
  Rng rng(12);
  Tensor logits = random_tensor({2, 5}, rng, -2.0f, 2.0f);
  const Tensor labels{4.0f, 1.0f};
  auto loss = make_loss("sparse_categorical_crossentropy");
  loss->set_fused(true);
  Tensor grad;
  loss->compute(softmax_of(logits), labels, &grad);
  auto f = [&] { return static_cast<double>(loss->compute(softmax_of(logits), labels, nullptr)); };
  check_close(grad, numeric_gradient(logits, f, 1e-3f), 2e-2f, "fused softmax + CE");
}

TEST_CASE("binary_ce.forward_by_hand") {
  // logits 0.5 (label 1) and −2 (label 0): (log(1 + e^−0.5) + log(1 + e^−2)) / 2 = 0.3005025
  CHECK(make_loss("binary_crossentropy", true)->compute(column({0.5f, -2.0f}), column({1.0f, 0.0f}), nullptr) ==
        doctest::Approx(0.3005025f));
  // probabilities 0.8 (label 1) and 0.3 (label 0): (−log 0.8 − log 0.7) / 2 = 0.2899092
  CHECK(make_loss("binary_crossentropy")->compute(column({0.8f, 0.3f}), column({1.0f, 0.0f}), nullptr) ==
        doctest::Approx(0.2899092f));
  // probability exactly 0 for a positive is clipped to 1e-7: −log(1e-7) = 16.118, not inf
  CHECK(make_loss("binary_crossentropy")->compute(column({0.0f}), column({1.0f}), nullptr) ==
        doctest::Approx(16.118f).epsilon(1e-3));
}

TEST_CASE("mse.forward_by_hand") {
  // ((1 − 0)² + (2 − 4)²) / 2 = 2.5
  CHECK(make_loss("mean_squared_error")->compute(Tensor{{1.0f, 2.0f}}, Tensor{{0.0f, 4.0f}}, nullptr) ==
        doctest::Approx(2.5f));
}

TEST_CASE("losses.errors_name_the_problem") {
  CHECK_THROWS_WITH_AS(make_loss("hinge"), doctest::Contains("unknown loss 'hinge'"), std::invalid_argument);
  const Tensor pred{{0.2f, 0.8f}};
  CHECK_THROWS_WITH_AS(make_loss("sparse_categorical_crossentropy")->compute(pred, Tensor{2.0f}, nullptr),
                       doctest::Contains("not a class index in [0, 2)"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(make_loss("categorical_crossentropy")->compute(pred, Tensor{1.0f}, nullptr),
                       doctest::Contains("targets have 1 values, predictions 2"), std::invalid_argument);
}
