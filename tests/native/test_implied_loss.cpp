#include <doctest/doctest.h>

#include <string>

#include "model/implied_loss.hpp"
#include "model/sequential.hpp"

namespace {

std::unique_ptr<neurite::Sequential> ending_in(const std::string& activation) {
  return neurite::Sequential::from_topology(nlohmann::json::parse(R"({"class_name": "Sequential", "config": {"layers": [
      {"class_name": "Dense", "config": {"units": 3, "activation": "relu", "batch_input_shape": [null, 2]}},
      {"class_name": "Dense", "config": {"units": 4, "activation": ")" + activation + R"("}}]}})"), 0);
}

}  // namespace

TEST_CASE("implied_loss: what an output layer implies when nobody names a loss") {
  const auto softmax = neurite::implied_loss(*ending_in("softmax"));
  CHECK(softmax.name == "sparse_categorical_crossentropy");
  CHECK_FALSE(softmax.from_logits);
  const auto logits = neurite::implied_loss(*ending_in("linear"));
  CHECK(logits.name == "sparse_categorical_crossentropy");
  CHECK(logits.from_logits);
  const auto sigmoid = neurite::implied_loss(*ending_in("sigmoid"));
  CHECK(sigmoid.name == "binary_crossentropy");
  CHECK_FALSE(sigmoid.from_logits);
}

TEST_CASE("implied_loss: compile_for_output compiles with it, Adam and accuracy") {
  auto model = ending_in("linear");
  neurite::compile_for_output(*model);
  REQUIRE(model->compiled());
  CHECK(model->loss()->name() == "sparse_categorical_crossentropy");
  CHECK(model->loss()->from_logits());
  CHECK(model->optimizer()->name() == "adam");
  CHECK(model->metric_names() == std::vector<std::string>{"accuracy"});
}
