#include <doctest/doctest.h>

#include "optimizers/adam.hpp"
#include "optimizers/rmsprop.hpp"
#include "optimizers/sgd.hpp"

using namespace neurite;

namespace {

// Runs the optimizer on one weight w = 1 with the given gradients; returns w after each step.
std::vector<float> steps(Optimizer& optimizer, std::initializer_list<float> gradients) {
  Tensor w{1.0f}, g{0.0f};
  std::vector<Param> params{{"w", &w, &g, 0.0f}};
  std::vector<float> trace;
  for (float gradient : gradients) {
    g(0) = gradient;
    optimizer.step(params);
    trace.push_back(w(0));
  }
  return trace;
}

}  // namespace

TEST_CASE("sgd.steps_by_hand") {
  SGD plain(0.1f);
  CHECK(steps(plain, {0.5f})[0] == doctest::Approx(0.95f));  // 1 − 0.1·0.5
  // momentum 0.9: v1 = −0.05, w1 = 0.95; v2 = 0.9·(−0.05) − 0.05 = −0.095, w2 = 0.855
  SGD momentum(0.1f, 0.9f);
  const auto m = steps(momentum, {0.5f, 0.5f});
  CHECK(m[0] == doctest::Approx(0.95f));
  CHECK(m[1] == doctest::Approx(0.855f));
  // Nesterov: w1 = 1 + 0.9·(−0.05) − 0.05 = 0.905; v2 = −0.095, w2 = 0.905 + 0.9·(−0.095) − 0.05 = 0.7695
  SGD nesterov(0.1f, 0.9f, true);
  const auto n = steps(nesterov, {0.5f, 0.5f});
  CHECK(n[0] == doctest::Approx(0.905f));
  CHECK(n[1] == doctest::Approx(0.7695f));
}

TEST_CASE("adam.steps_by_hand") {
  // t=1, g=0.5: m = 0.05, v = 0.00025, α = 0.001·sqrt(0.001)/0.1, w = 1 − α·m/(sqrt v + 1e-7) = 0.99900001
  // t=2, g=−1: m = −0.055, v = 0.00124975, α = 0.001·sqrt(1 − 0.999²)/(1 − 0.81), w = 0.99936611
  Adam adam;
  const auto w = steps(adam, {0.5f, -1.0f});
  CHECK(w[0] == doctest::Approx(0.99900001).epsilon(1e-7));
  CHECK(w[1] == doctest::Approx(0.99936611).epsilon(1e-7));
  CHECK(adam.iterations() == 2);
}

TEST_CASE("rmsprop.steps_by_hand") {
  // v1 = 0.1·0.25 = 0.025, w1 = 1 − 0.001·0.5/(0.1581139 + 1e-7) = 0.99683772
  // v2 = 0.9·0.025 + 0.1·1 = 0.1225, w2 = w1 + 0.001/0.35 = 0.99969487
  RMSprop rmsprop;
  const auto w = steps(rmsprop, {0.5f, -1.0f});
  CHECK(w[0] == doctest::Approx(0.99683772).epsilon(1e-7));
  CHECK(w[1] == doctest::Approx(0.99969487).epsilon(1e-7));
  // momentum 0.5: m2 = 0.5·0.0031623 − 0.0028571 = −0.0012760, w2 = 0.99811373
  RMSprop with_momentum(0.001f, 0.9f, 0.5f);
  CHECK(steps(with_momentum, {0.5f, -1.0f})[1] == doctest::Approx(0.99811373).epsilon(1e-7));
}

TEST_CASE("optimizers.keras_defaults_and_names") {
  CHECK(make_optimizer("sgd")->learning_rate() == doctest::Approx(0.01f));
  CHECK(make_optimizer("adam")->learning_rate() == doctest::Approx(0.001f));
  CHECK(make_optimizer("rmsprop")->learning_rate() == doctest::Approx(0.001f));
  CHECK(make_optimizer("adam", 0.01f)->learning_rate() == doctest::Approx(0.01f));
  const auto adam = make_optimizer("adam")->config();
  CHECK(adam["beta_1"].get<float>() == doctest::Approx(0.9f));
  CHECK(adam["beta_2"].get<float>() == doctest::Approx(0.999f));
  CHECK(adam["epsilon"].get<float>() == doctest::Approx(1e-7f));
  const auto from_json = optimizer_from_json(nlohmann::json::parse(
      R"({"class_name": "SGD", "config": {"learning_rate": 0.05, "momentum": 0.9, "nesterov": true}})"));
  CHECK(from_json->name() == "sgd");
  CHECK(from_json->config()["nesterov"] == true);
  CHECK_THROWS_WITH_AS(make_optimizer("adagrad"), doctest::Contains("unknown optimizer 'adagrad'"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(make_optimizer("sgd", 0.0f), doctest::Contains("learning rate must be > 0"),
                       std::invalid_argument);
}
