#include <doctest/doctest.h>

#include "optimizers/adam.hpp"
#include "optimizers/schedules.hpp"
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

// ---------------------------------------------------------------------------------------------
// Keras' optimizer arguments

TEST_CASE("adam.amsgrad_by_hand") {
  // lr 0.1, β1 0.9, β2 0.5; g = 1 then 0. Step 1 as Adam: w = 0.9. Step 2: m = 0.09, v = 0.25 but
  // v̂ = max(0.5, 0.25) = 0.5, α = 0.1·sqrt(0.75)/0.19: w = 0.9 − α·0.09/sqrt(0.5) = 0.84198579
  // (plain Adam divides by sqrt(0.25): 0.81795552)
  Adam amsgrad(0.1f, 0.9f, 0.5f, 1e-7f, true);
  const auto w = steps(amsgrad, {1.0f, 0.0f});
  CHECK(w[0] == doctest::Approx(0.9f).epsilon(1e-6));
  CHECK(w[1] == doctest::Approx(0.84198579).epsilon(1e-6));
  Adam plain(0.1f, 0.9f, 0.5f);
  CHECK(steps(plain, {1.0f, 0.0f})[1] == doctest::Approx(0.81795552).epsilon(1e-6));
  CHECK(amsgrad.config()["amsgrad"] == true);
}

TEST_CASE("adamw.decays_the_weight_before_the_adam_step") {
  // w = 1 − 0.001·0.004·1 = 0.999996, then Adam's first step of 0.001·0.5/(0.5 + 1e-7): 0.99899601
  auto adamw = make_optimizer("adamw");
  CHECK(adamw->class_name() == "AdamW");
  CHECK(adamw->options().weight_decay == doctest::Approx(0.004f));
  CHECK(steps(*adamw, {0.5f})[0] == doctest::Approx(0.99899601).epsilon(1e-7));
  const auto from_config = optimizer_from_json(nlohmann::json::parse(R"({"class_name": "AdamW", "config": {"weight_decay": 0.1}})"));
  CHECK(from_config->options().weight_decay == doctest::Approx(0.1f));
  // weight decay on any optimizer, as Keras' base optimizer has it: SGD lr 0.1, wd 0.5, g 0 → w·(1 − 0.05)
  SGD sgd(0.1f, 0.0f, false, OptimizerOptions{0.5f});
  CHECK(steps(sgd, {0.0f})[0] == doctest::Approx(0.95f));
}

namespace {

// SGD with lr 1 on two weights [3] and [4] (or one weight [3, −4]): w after one step from 0
std::vector<float> clipped_step(OptimizerOptions options, bool one_tensor) {
  SGD sgd(1.0f, 0.0f, false, options);
  Tensor a{0.0f}, b{0.0f}, ga{3.0f}, gb{4.0f}, both{0.0f, 0.0f}, gboth{3.0f, -4.0f};
  std::vector<Param> params = one_tensor ? std::vector<Param>{{"w", &both, &gboth, 0.0f}}
                                         : std::vector<Param>{{"a", &a, &ga, 0.0f}, {"b", &b, &gb, 0.0f}};
  sgd.step(params);
  return one_tensor ? std::vector<float>{both(0), both(1)} : std::vector<float>{a(0), b(0)};
}

}  // namespace

TEST_CASE("optimizer.gradient_clipping") {
  OptimizerOptions clipnorm, global, value;
  clipnorm.clipnorm = 1.0f;
  global.global_clipnorm = 1.0f;
  value.clipvalue = 0.5f;
  // clipnorm: each gradient to norm 1 on its own ([3] → 1, [4] → 1; [3, −4] → [0.6, −0.8])
  CHECK(clipped_step(clipnorm, false) == std::vector<float>{-1.0f, -1.0f});
  const auto one = clipped_step(clipnorm, true);
  CHECK(one[0] == doctest::Approx(-0.6f));
  CHECK(one[1] == doctest::Approx(0.8f));
  // global_clipnorm: the joint norm 5 scaled to 1
  const auto joint = clipped_step(global, false);
  CHECK(joint[0] == doctest::Approx(-0.6f));
  CHECK(joint[1] == doctest::Approx(-0.8f));
  CHECK(clipped_step(value, true) == std::vector<float>{-0.5f, 0.5f});
  // a gradient already inside the bound is left alone
  OptimizerOptions loose;
  loose.clipnorm = 10.0f;
  CHECK(clipped_step(loose, true) == std::vector<float>{-3.0f, 4.0f});
  OptimizerOptions two = clipnorm;
  two.clipvalue = 1.0f;
  CHECK_THROWS_WITH_AS(SGD(0.1f, 0.0f, false, two), doctest::Contains("only one of clipnorm, clipvalue"),
                       std::invalid_argument);
  const auto read = optimizer_from_json(nlohmann::json::parse(R"({"class_name": "Adam", "config": {"clipnorm": 2.5}})"));
  CHECK(read->options().clipnorm == doctest::Approx(2.5f));
  CHECK(read->config()["clipnorm"].get<float>() == doctest::Approx(2.5f));
  CHECK(read->config()["clipvalue"].is_null());
}

// ---------------------------------------------------------------------------------------------
// Learning-rate schedules: the values Keras' formulas give (and PyTorch's for OneCycle)

TEST_CASE("schedules.exponential_decay") {
  ExponentialDecay smooth(0.1, 100, 0.96), stairs(0.1, 100, 0.96, true);
  CHECK(smooth.at(0) == doctest::Approx(0.1));
  CHECK(smooth.at(50) == doctest::Approx(0.09797959));   // 0.1 · 0.96^0.5
  CHECK(smooth.at(250) == doctest::Approx(0.09029799));  // 0.1 · 0.96^2.5
  CHECK(stairs.at(250) == doctest::Approx(0.09216));     // 0.1 · 0.96^2
  CHECK(stairs.at(99) == doctest::Approx(0.1));
}

TEST_CASE("schedules.piecewise_constant_decay") {
  PiecewiseConstantDecay piecewise({100, 200}, {1.0, 0.5, 0.1});
  CHECK(piecewise.at(0) == 1.0);
  CHECK(piecewise.at(100) == 1.0);  // a boundary step still takes the value before it
  CHECK(piecewise.at(101) == 0.5);
  CHECK(piecewise.at(200) == 0.5);
  CHECK(piecewise.at(201) == 0.1);
  CHECK_THROWS_WITH_AS(PiecewiseConstantDecay({100}, {1.0}), doctest::Contains("one more entry than boundaries"),
                       std::invalid_argument);
}

TEST_CASE("schedules.cosine_decay_with_warmup") {
  CosineDecay cosine(0.1, 1000), floored(0.1, 1000, 0.1);
  CHECK(cosine.at(0) == doctest::Approx(0.1));
  CHECK(cosine.at(500) == doctest::Approx(0.05));
  CHECK(cosine.at(1000) == doctest::Approx(0.0));
  CHECK(cosine.at(5000) == doctest::Approx(0.0));  // constant after decay_steps
  CHECK(floored.at(250) == doctest::Approx(0.08681981));  // 0.1 · (0.9 · (1 + cos(π/4)) / 2 + 0.1)
  CHECK(floored.at(1000) == doctest::Approx(0.01));
  CosineDecay warm(0.0, 1000, 0.0, 0.1, 100);  // linear 0 → 0.1 over 100 steps, then the cosine from 0.1
  CHECK(warm.at(50) == doctest::Approx(0.05));
  CHECK(warm.at(100) == doctest::Approx(0.1));
  CHECK(warm.at(600) == doctest::Approx(0.05));
  CHECK(warm.at(1100) == doctest::Approx(0.0));
}

TEST_CASE("schedules.one_cycle") {
  OneCycle cycle(0.01, 100);  // pct_start 0.3: the peak at step 29, the floor at step 99
  CHECK(cycle.at(0) == doctest::Approx(0.0004));  // 0.01 / 25
  CHECK(cycle.at(10) == doctest::Approx(0.00295164));
  CHECK(cycle.at(29) == doctest::Approx(0.01));
  CHECK(cycle.at(60) == doctest::Approx(0.0058928));
  CHECK(cycle.at(99) == doctest::Approx(4e-8));  // 0.0004 / 1e4
  CHECK(cycle.at(500) == doctest::Approx(4e-8));
  OneCycle fit_long(0.01);  // no total: the fit that uses it decides
  fit_long.fit_begins(0, 100);
  CHECK(fit_long.total_steps() == 100);
  CHECK(fit_long.at(29) == doctest::Approx(0.01));
}

TEST_CASE("schedules.drive_the_optimizer_and_round_trip_as_keras_writes_them") {
  SGD sgd(0.1f);
  sgd.set_schedule(std::make_unique<PiecewiseConstantDecay>(std::vector<double>{0}, std::vector<double>{0.5, 0.25}));
  // step 0 uses 0.5, step 1 uses 0.25: w = 1 − 0.5 − 0.25
  CHECK(steps(sgd, {1.0f, 1.0f})[1] == doctest::Approx(0.25f));
  CHECK(sgd.learning_rate() == doctest::Approx(0.25f));
  CHECK_THROWS_WITH_AS(sgd.set_learning_rate(0.1f), doctest::Contains("follows a PiecewiseConstantDecay schedule"),
                       std::invalid_argument);
  const nlohmann::json config = sgd.config();
  CHECK(config["learning_rate"]["class_name"] == "PiecewiseConstantDecay");
  CHECK(config["learning_rate"]["module"] == "keras.optimizers.schedules");
  const auto again = optimizer_from_json({{"class_name", "SGD"}, {"config", config}});
  REQUIRE(again->schedule() != nullptr);
  CHECK(again->schedule()->at(1) == doctest::Approx(0.25));
  // a Keras 3 file's schedule entry
  const auto keras = optimizer_from_json(nlohmann::json::parse(R"({"class_name": "Adam", "config": {"learning_rate":
      {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay", "registered_name": null,
       "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.96, "staircase": true}}}})"));
  CHECK(keras->learning_rate() == doctest::Approx(0.1f));
  CHECK(keras->schedule()->at(250) == doctest::Approx(0.09216));
  CHECK_THROWS_WITH_AS(schedule_from_json(nlohmann::json::parse(R"({"class_name": "InverseTimeDecay"})")),
                       doctest::Contains("unknown learning-rate schedule 'InverseTimeDecay'"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(schedule_from_json(nlohmann::json::parse(R"({"class_name": "CosineDecay", "config": {}})")),
                       doctest::Contains("CosineDecay: missing field"), std::invalid_argument);
}
