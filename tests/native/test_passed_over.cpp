// A Flatten (or Reshape) before a Dense is passed over (Sequential::passes_over): the Dense reads
// the values where they are. Training and predictions come out bit for bit as with the reshape
// run, which an identity Activation between the two keeps in place, and the layers before get the
// same input gradient.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gradient_check.hpp"
#include "layers/activation_layer.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/reshaping.hpp"
#include "losses/loss.hpp"
#include "model/sequential.hpp"
#include "optimizers/adam.hpp"

using namespace neurite;
using testing::random_labels;
using testing::random_tensor;

namespace {

// Conv2D(3, 3) → reshape → [Activation(linear)] → Dense(4, softmax) on 6×6 images; the reshape is
// a Flatten, or a Reshape to rows of 12 that the Dense maps one by one (then a Flatten and a Dense
// for the loss).
std::unique_ptr<Sequential> model(bool flatten, bool identity_between) {
  auto m = std::make_unique<Sequential>(5);
  m->add(std::make_unique<Conv2D>(3, 3, "relu"));
  if (flatten) {
    m->add(std::make_unique<Flatten>());
  } else {
    m->add(std::make_unique<Reshape>(std::vector<long long>{-1, 12}));
  }
  if (identity_between) m->add(std::make_unique<ActivationLayer>("linear"));
  if (flatten) {
    m->add(std::make_unique<Dense>(4, "softmax"));
  } else {
    m->add(std::make_unique<Dense>(5, "relu"));
    m->add(std::make_unique<Flatten>());
    m->add(std::make_unique<Dense>(4, "softmax"));
  }
  m->build({6, 6, 1});
  m->compile(std::make_unique<Adam>(0.01f), make_loss("sparse_categorical_crossentropy"));
  return m;
}

std::vector<float> flat(const std::vector<Tensor>& tensors) {
  std::vector<float> out;
  for (const Tensor& t : tensors) out.insert(out.end(), t.begin(), t.end());
  return out;
}

}  // namespace

TEST_CASE("passed_over.only_a_reshape_right_before_a_dense") {
  auto direct = model(true, false), apart = model(true, true);
  std::vector<bool> seen;
  for (std::size_t i = 0; i < direct->layers().size(); ++i) seen.push_back(direct->passes_over(i));
  CHECK(seen == std::vector<bool>{false, true, false});
  for (std::size_t i = 0; i < apart->layers().size(); ++i) CHECK_FALSE(apart->passes_over(i));
  auto reshaped = model(false, false);
  seen.clear();
  for (std::size_t i = 0; i < reshaped->layers().size(); ++i) seen.push_back(reshaped->passes_over(i));
  CHECK(seen == std::vector<bool>{false, true, false, true, false});
}

TEST_CASE("passed_over.trains_and_predicts_as_with_the_reshape_run") {
  for (bool flatten : {true, false}) {
    CAPTURE(flatten);
    auto direct = model(flatten, false), apart = model(flatten, true);
    Rng rng(3);
    const Samples x = Samples::of(random_tensor({48, 6, 6, 1}, rng, 0.0f, 1.0f)), y = Samples::of(random_labels(48, 4, rng));
    FitOptions options;
    options.epochs = 3, options.batch_size = 8;
    const History a = direct->fit(x, y, options), b = apart->fit(x, y, options);
    CHECK(a.values.at("loss") == b.values.at("loss"));
    // the Conv2D learns through the Dense's input gradient: equal weights mean equal gradients
    CHECK(flat(direct->get_weights()) == flat(apart->get_weights()));
    const Tensor pa = direct->predict(x), pb = apart->predict(x);
    CHECK(std::vector<float>(pa.begin(), pa.end()) == std::vector<float>(pb.begin(), pb.end()));
  }
}
