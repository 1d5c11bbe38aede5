// Conv2D + MaxPooling2D run as one (layers/conv_max_pool.hpp): the same output and gradients as the
// two layers one after the other, the same bits for 1 and 2 threads, and Sequential fusing exactly
// the pairs it can.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gradient_check.hpp"
#include "layers/activation_layer.hpp"
#include "layers/conv_max_pool.hpp"
#include "layers/dense.hpp"
#include "layers/reshaping.hpp"
#include "losses/loss.hpp"
#include "model/sequential.hpp"
#include "optimizers/adam.hpp"
#include "thread_count.hpp"

using namespace neurite;
using neurite::testing::check_close;  // |a − b| ≤ tol · max(1, |a|, |b|), value by value
using neurite::testing::random_labels;
using neurite::testing::random_tensor;
using neurite::testing::ThreadCount;

namespace {

struct PairCase {
  std::string name;
  Shape input;  // per sample
  std::size_t filters;
  Size2 kernel_size;
  std::string activation;
  Conv2DOptions conv;
  Size2 pool_size, pool_strides;
  Padding pool_padding;
  bool input_gradient;
};

std::vector<PairCase> pair_cases() {
  Conv2DOptions plain, same_strided, no_bias;
  same_strided.padding = Padding::Same, same_strided.strides = Size2(2, 1);
  no_bias.use_bias = false;
  return {
      {"the tutorial's cnn (relu, 2x2 pool)", {28, 28, 1}, 64, 3, "relu", plain, 2, 2, Padding::Valid, false},
      {"linear, several channels, input gradient", {9, 11, 3}, 5, {3, 2}, "linear", plain, 2, 2, Padding::Valid, true},
      {"same padding, strides (2, 1), no bias", {10, 7, 2}, 6, 3, "relu", same_strided, 2, 2, Padding::Valid, true},
      {"overlapping 3x3 pool, stride 2, same", {12, 12, 2}, 4, 3, "relu", no_bias, 3, 2, Padding::Same, true},
      {"3x3 pool, stride 1, same (padding before too)", {8, 8, 2}, 3, 3, "relu", plain, 3, 1, Padding::Same, true},
  };
}

// A built Conv2D and MaxPooling2D with the case's settings (weights from seed 3).
struct Pair {
  Conv2D conv;
  MaxPooling2D pool;
  explicit Pair(const PairCase& c)
      : conv(c.filters, c.kernel_size, c.activation, c.conv), pool(c.pool_size, c.pool_strides, c.pool_padding) {
    Rng rng(3);
    pool.build_once(conv.build_once(c.input, rng), rng);
    conv.set_input_gradient_needed(c.input_gradient);
    // a bias that moves some cells across zero, so relu's mask matters
    for (auto& p : conv.params()) {
      if (p.name != "bias") continue;
      Rng bias_rng(5);
      for (float& b : *p.value) b = bias_rng.uniform(-0.3f, 0.3f);
    }
  }
};

std::vector<float> values(const Tensor& t) { return {t.begin(), t.end()}; }

}  // namespace

TEST_CASE("conv_max_pool.matches_the_two_layers") {
  for (const PairCase& c : pair_cases()) {
    CAPTURE(c.name);
    Pair layers(c), pair(c);  // the same weights; the fused run fills buffers of its own
    Rng rng(11);
    const Tensor x = random_tensor(with_batch(5, c.input), rng);
    const Tensor dy = random_tensor(with_batch(5, layers.pool.output_shape()), rng);

    const std::vector<float> y_layers = values(layers.pool.forward(layers.conv.forward(x, true), true));
    const std::vector<float> dx_layers = values(layers.conv.backward(layers.pool.backward(dy)));
    std::vector<std::vector<float>> grads_layers;
    for (auto& p : layers.conv.params()) grads_layers.push_back(values(*p.grad));

    auto fused = ConvMaxPool::fuse(pair.conv, pair.pool);
    REQUIRE(fused != nullptr);
    // the same GEMM per element (the whole batch's or one image's rows), the same window scan
    CHECK(values(fused->forward(x)) == y_layers);
    const std::vector<float> dx_fused = values(fused->backward(dy));
    if (c.input_gradient) CHECK(dx_fused == dx_layers);
    // the kernel's and bias's gradients are summed image by image: other rounding of the same sums
    // (the bias's are of ~850 terms of size ~1 here; measured worst 1.03e-5 relative)
    const auto params = pair.conv.params();
    REQUIRE(params.size() == grads_layers.size());
    for (std::size_t i = 0; i < params.size(); ++i) check_close(*params[i].grad, grads_layers[i], 1e-4f, params[i].name.c_str());
  }
}

TEST_CASE("conv_max_pool.same_bits_for_1_and_2_threads") {
  const PairCase c = pair_cases()[0];
  Rng rng(12);
  const Tensor x = random_tensor(with_batch(32, c.input), rng, 0.0f, 1.0f);
  Pair reference(c);
  const Tensor dy = random_tensor(with_batch(32, reference.pool.output_shape()), rng);
  std::vector<std::vector<float>> runs;
  for (std::size_t threads : {1, 2}) {
    ThreadCount scope(threads);
    Pair pair(c);
    pair.conv.set_input_gradient_needed(true);
    auto fused = ConvMaxPool::fuse(pair.conv, pair.pool);
    runs.push_back(values(fused->forward(x)));
    runs.push_back(values(fused->backward(dy)));
    for (auto& p : pair.conv.params()) runs.push_back(values(*p.grad));
  }
  REQUIRE(runs.size() == 8);
  for (std::size_t i = 0; i < 4; ++i) CHECK(runs[i] == runs[i + 4]);
}

TEST_CASE("conv_max_pool.fuses_only_relu_or_linear_conv_then_max_pool") {
  Rng rng(1);
  const auto built = [&](std::unique_ptr<Layer> layer, const Shape& input) {
    layer->build_once(input, rng);
    return layer;
  };
  const auto conv = [&](const std::string& activation) { return built(std::make_unique<Conv2D>(4, 3, activation), {8, 8, 1}); };
  auto max_pool = built(std::make_unique<MaxPooling2D>(), {6, 6, 4});
  auto average_pool = built(std::make_unique<AveragePooling2D>(), {6, 6, 4});
  CHECK(ConvMaxPool::fuse(*conv("relu"), *max_pool) != nullptr);
  CHECK(ConvMaxPool::fuse(*conv("linear"), *max_pool) != nullptr);
  CHECK(ConvMaxPool::fuse(*conv("sigmoid"), *max_pool) == nullptr);  // the GEMM epilogue has relu only
  CHECK(ConvMaxPool::fuse(*conv("relu"), *average_pool) == nullptr);
  CHECK(ConvMaxPool::fuse(*max_pool, *max_pool) == nullptr);
  Conv2D unbuilt(4, 3, "relu");
  CHECK(ConvMaxPool::fuse(unbuilt, *max_pool) == nullptr);
  // lenet's second pair: 11×11 feature-map pixels an image against a 3·3·32-row kernel
  auto deep = built(std::make_unique<Conv2D>(64, 3, "relu"), {13, 13, 32});
  CHECK(ConvMaxPool::fuse(*deep, *built(std::make_unique<MaxPooling2D>(), {11, 11, 64})) == nullptr);
}

namespace {

// (Conv2D(4, 3) → [Activation(relu)] → MaxPooling2D) twice → Flatten → Dense(10) on 20×20 images:
// with the relus in the Conv2Ds, Sequential fuses both pairs (the second needs its input's
// gradient: 7×7 feature-map pixels against a 3·3·4-row kernel); with them apart, nothing.
std::unique_ptr<Sequential> small_cnn(bool relu_in_conv) {
  auto model = std::make_unique<Sequential>(21);
  for (int pair = 0; pair < 2; ++pair) {
    model->add(std::make_unique<Conv2D>(4, 3, relu_in_conv ? "relu" : "linear"));
    if (!relu_in_conv) model->add(std::make_unique<ActivationLayer>("relu"));
    model->add(std::make_unique<MaxPooling2D>());
  }
  model->add(std::make_unique<Flatten>());
  model->add(std::make_unique<Dense>(10, "softmax"));
  model->build({20, 20, 1});
  model->compile(std::make_unique<Adam>(0.01f), make_loss("sparse_categorical_crossentropy"));
  return model;
}

}  // namespace

TEST_CASE("conv_max_pool.sequential_trains_fused_as_unfused") {
  auto fused = small_cnn(true), unfused = small_cnn(false);
  for (std::size_t i = 0; i < fused->layers().size(); ++i) CHECK(fused->runs_fused_with_next(i) == (i == 0 || i == 2));
  for (std::size_t i = 0; i < unfused->layers().size(); ++i) CHECK_FALSE(unfused->runs_fused_with_next(i));

  Rng rng(8);
  const Samples x = Samples::of(random_tensor({64, 20, 20, 1}, rng, 0.0f, 1.0f)), y = Samples::of(random_labels(64, 10, rng));
  FitOptions options;
  options.epochs = 3, options.batch_size = 16;
  const History a = fused->fit(x, y, options), b = unfused->fit(x, y, options);
  const auto& loss_a = a.values.at("loss");
  Tensor losses = Tensor::from_shape({loss_a.size()});
  std::copy(loss_a.begin(), loss_a.end(), losses.begin());
  check_close(losses, std::vector<float>(b.values.at("loss").begin(), b.values.at("loss").end()), 1e-4f, "loss per epoch");
  const auto wa = fused->get_weights(), wb = unfused->get_weights();
  REQUIRE(wa.size() == wb.size());
  for (std::size_t i = 0; i < wa.size(); ++i) {
    CAPTURE(i);
    check_close(wa[i], values(wb[i]), 1e-4f, "weights");
  }
  // the predictions read the pool's output: after fusion it is the model's, not a stale one
  check_close(fused->predict(x), values(unfused->predict(x)), 1e-4f, "predictions");
}
