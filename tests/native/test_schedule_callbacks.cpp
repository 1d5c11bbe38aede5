// LearningRateScheduler, ReduceLROnPlateau and the "learning_rate" fit logs when the rate moves.
#include <doctest/doctest.h>

#include "data/toy.hpp"
#include "model/callbacks.hpp"
#include "model/presets.hpp"
#include "model/training_session.hpp"
#include "optimizers/sgd.hpp"

using namespace neurite;

namespace {

struct Toy {
  Samples x, y;
};
Toy circles(std::size_t n) {
  auto d = data::make_circle_data(n, 1);
  return {Samples::of(d.features), Samples::of(d.labels)};
}

// Epoch-end logs fed by hand to a ReduceLROnPlateau; returns the rate after each epoch.
std::vector<float> plateau_rates(ReduceLROnPlateau::Options options, std::initializer_list<double> losses) {
  auto model = make_preset("toy-binary");
  model->compile(std::make_unique<SGD>(1.0f), make_loss("binary_crossentropy"), {"accuracy"});
  ReduceLROnPlateau plateau(options);
  plateau.on_train_begin(*model);
  std::vector<float> rates;
  std::size_t epoch = 0;
  for (double loss : losses) {
    plateau.on_epoch_end(epoch++, {{"val_loss", loss}}, *model);
    rates.push_back(model->optimizer()->learning_rate());
  }
  return rates;
}

}  // namespace

TEST_CASE("reduce_lr_on_plateau.as_keras_counts") {
  ReduceLROnPlateau::Options options;
  options.factor = 0.5;
  options.patience = 2;
  // epoch 0 sets the best; 1 and 2 do not improve by min_delta 1e-4: halved after epoch 2
  CHECK(plateau_rates(options, {1.0, 0.99995, 1.2, 1.1, 0.5}) == std::vector<float>{1.0f, 1.0f, 0.5f, 0.5f, 0.5f});
  options.cooldown = 2;
  options.patience = 1;
  options.min_lr = 0.3;
  // no improvement: halved at epoch 1; Keras counts the cooldown down at the start of epochs 2 and 3,
  // so epoch 3 may reduce again: 0.25, floored at min_lr 0.3, which is then never passed
  CHECK(plateau_rates(options, {1.0, 1.0, 1.0, 1.0, 1.0, 1.0}) == std::vector<float>{1.0f, 0.5f, 0.5f, 0.3f, 0.3f, 0.3f});
  ReduceLROnPlateau::Options bad;
  bad.factor = 1.5;
  CHECK_THROWS_WITH_AS(ReduceLROnPlateau{bad}, doctest::Contains("factor must be in (0, 1)"), std::invalid_argument);
}

TEST_CASE("learning_rate_scheduler.sets_the_rate_each_epoch_and_fit_logs_it") {
  auto model = make_preset("toy-binary");
  const Toy train = circles(64);
  LearningRateScheduler halve([](std::size_t epoch, double lr) { return epoch == 0 ? 0.01 : lr / 2; });
  FitOptions options;
  options.epochs = 3;
  options.batch_size = 32;
  options.callbacks = {&halve};
  const History history = model->fit(train.x, train.y, options);
  REQUIRE(history.values.count("learning_rate") == 1);
  const auto& rates = history.values.at("learning_rate");
  REQUIRE(rates.size() == 3);
  CHECK(rates[0] == doctest::Approx(0.01));
  CHECK(rates[1] == doctest::Approx(0.005));
  CHECK(rates[2] == doctest::Approx(0.0025));
  LearningRateScheduler broken([](std::size_t, double) { return -1.0; });
  options.callbacks = {&broken};
  CHECK_THROWS_WITH_AS(model->fit(train.x, train.y, options), doctest::Contains("a learning rate must be > 0"),
                       std::invalid_argument);
}

TEST_CASE("fit.logs_the_learning_rate_only_when_it_moves") {
  const Toy train = circles(64);
  FitOptions options;
  options.epochs = 2;
  options.batch_size = 16;  // 4 steps an epoch
  auto fixed = make_preset("toy-binary");
  CHECK(fixed->fit(train.x, train.y, options).values.count("learning_rate") == 0);  // Keras' history keys unchanged

  auto scheduled = make_preset("toy-binary");
  auto sgd = std::make_unique<SGD>(0.1f);
  sgd->set_schedule(std::make_unique<OneCycle>(0.1));  // no total: this fit's 8 steps
  scheduled->compile(std::move(sgd), make_loss("binary_crossentropy"), {"accuracy"});
  std::vector<double> batch_rates;
  LambdaCallback record;
  record.batch_end = [&](std::size_t, const Logs& logs, Sequential&) { batch_rates.push_back(logs.at("learning_rate")); };
  options.callbacks = {&record};
  const History history = scheduled->fit(train.x, train.y, options);
  OneCycle expected(0.1, 8);
  REQUIRE(batch_rates.size() == 8);
  for (std::size_t step = 0; step < 8; ++step) CHECK(batch_rates[step] == doctest::Approx(expected.at(step)));
  CHECK(history.values.at("learning_rate").back() == doctest::Approx(expected.at(7)));
}

TEST_CASE("accuracy_milestones.record_when_each_threshold_is_first_reached") {
  auto model = make_preset("toy-binary");
  model->compile(make_optimizer("adam", 0.05f), make_loss("binary_crossentropy"), {"accuracy"});
  const Toy train = circles(512), held_out = circles(256);
  AccuracyMilestones milestones(held_out.x, held_out.y, 4, {0.9, 0.7, 2.0});  // 2.0: never reached
  FitOptions options;
  options.epochs = 5;
  options.batch_size = 32;  // 16 batches an epoch: probes after batches 4, 8, 12, 16
  options.callbacks = {&milestones};
  model->fit(train.x, train.y, options);
  const auto& reached = milestones.reached();
  REQUIRE(!reached.empty());
  INFO("last accuracy " << milestones.last_accuracy());
  CHECK(reached[0].threshold == 0.7);  // sorted, met in order
  CHECK(reached[0].accuracy >= 0.7);
  CHECK(reached[0].batch % 4 == 0);
  CHECK(reached[0].seconds >= 0.0);
  CHECK(reached.size() < 3);
  // what it saw last is what evaluate says now
  CHECK(milestones.last_accuracy() == doctest::Approx(model->evaluate(held_out.x, held_out.y).at("accuracy")));
  // stopping once all are reached ends the fit at that batch
  auto again = make_preset("toy-binary");
  again->compile(make_optimizer("adam", 0.05f), make_loss("binary_crossentropy"), {"accuracy"});
  AccuracyMilestones half(held_out.x, held_out.y, 1, {0.7});
  half.stop_when_all_reached(true);
  std::size_t batches = 0;
  LambdaCallback count;
  count.batch_end = [&](std::size_t, const Logs&, Sequential&) { ++batches; };
  options.callbacks = {&half, &count};
  again->fit(train.x, train.y, options);
  REQUIRE(half.reached().size() == 1);
  CHECK(batches == half.reached()[0].epoch * 16 + half.reached()[0].batch);
}

TEST_CASE("callbacks.from_keras_configs") {
  const auto early = callback_from_json(nlohmann::json::parse(
      R"({"class_name": "EarlyStopping", "config": {"monitor": "val_accuracy", "patience": 3, "restore_best_weights": true}})"));
  CHECK(dynamic_cast<EarlyStopping*>(early.get()) != nullptr);
  const auto plateau = callback_from_json(nlohmann::json::parse(
      R"({"class_name": "ReduceLROnPlateau", "config": {"factor": 0.5, "patience": 1}})"));
  CHECK(plateau->changes_learning_rate());
  CHECK_THROWS_WITH_AS(callback_from_json(nlohmann::json::parse(R"({"class_name": "ModelCheckpoint"})")),
                       doctest::Contains("unknown callback 'ModelCheckpoint'"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(callback_from_json(nlohmann::json::parse(R"({"class_name": "ReduceLROnPlateau", "config": {"factor": 2}})")),
                       doctest::Contains("factor must be in (0, 1)"), std::invalid_argument);
}
