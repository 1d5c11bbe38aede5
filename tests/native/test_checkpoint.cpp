// Training checkpoints: a fit stopped anywhere, saved (weights as model files, the rest as a
// TrainingCheckpoint) and resumed in a fresh model ends with the weights and history an
// uninterrupted fit has, bit for bit; another fit's checkpoint is refused, naming what differs.
#include <doctest/doctest.h>

#include <memory>

#include "io/model_file.hpp"
#include "model/callbacks.hpp"
#include "model/training_session.hpp"
#include "optimizers/optimizer.hpp"
#include "util/rng.hpp"

using namespace neurite;
using nlohmann::json;

namespace {

// Every source of state a fit carries: a shuffle, Dropout's and RandomTranslation's generators,
// Adam's moments and step under a one-cycle schedule, and callbacks that count epochs.
std::unique_ptr<Sequential> model(std::uint32_t seed = 11) {
  auto m = Sequential::from_topology(json::parse(R"({"class_name": "Sequential", "config": {"layers": [
      {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6, 6, 1]}},
      {"class_name": "RandomTranslation", "config": {"height_factor": 0.2, "width_factor": 0.2}},
      {"class_name": "Flatten", "config": {}},
      {"class_name": "Dense", "config": {"units": 12, "activation": "relu"}},
      {"class_name": "Dropout", "config": {"rate": 0.3}},
      {"class_name": "Dense", "config": {"units": 3, "activation": "softmax"}}]}})"), seed);
  m->compile(optimizer_from_json(json::parse(R"({"class_name": "Adam", "config": {
      "learning_rate": {"class_name": "OneCycle", "config": {"max_learning_rate": 0.02}}}})")),
             make_loss("sparse_categorical_crossentropy"), {"accuracy"});
  return m;
}

struct Data {
  Samples x, y;
};
Data data(std::size_t n) {
  Rng rng(5);
  Tensor x = xt::zeros<float>({n, std::size_t{6}, std::size_t{6}, std::size_t{1}});
  Tensor y = xt::zeros<float>({n});
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t label = rng.below(3);
    y(i) = static_cast<float>(label);
    for (std::size_t p = 0; p < 36; ++p) x.data()[i * 36 + p] = rng.uniform() * 0.5f + (p % 3 == label ? 0.5f : 0.0f);
  }
  return {Samples::of(x), Samples::of(y)};
}

struct Fit {
  std::unique_ptr<TrainingSession> session;
  EarlyStopping* early = nullptr;
};
EarlyStopping::Options patient() {
  EarlyStopping::Options options;
  options.patience = 100;
  return options;
}

Fit start(Sequential& m, const Data& d, std::size_t epochs = 3, std::size_t batch_size = 8,
          EarlyStopping::Options stopping = patient()) {
  FitOptions options;
  options.epochs = epochs;
  options.batch_size = batch_size;
  options.validation_split = 0.25;
  std::vector<std::unique_ptr<Callback>> owned;
  auto early = std::make_unique<EarlyStopping>(stopping);
  EarlyStopping* raw = early.get();
  owned.push_back(std::move(early));
  return {std::make_unique<TrainingSession>(m, d.x, d.y, options, std::move(owned)), raw};
}

void run_to_end(TrainingSession& s) {
  while (!s.run(5).finished) {}
}

std::vector<float> flat_weights(Sequential& m) {
  std::vector<float> out;
  for (const auto& w : m.get_weights()) out.insert(out.end(), w.begin(), w.end());
  return out;
}

// Trains `batches` batches (crossing epoch ends), checkpoints, and resumes in a model made from the
// saved files; returns that model once its fit has finished.
std::unique_ptr<Sequential> interrupted_after(std::size_t batches, const Data& d, json* history = nullptr,
                                              EarlyStopping::Options stopping = patient()) {
  auto first = model();
  auto fit = start(*first, d, 3, 8, stopping);
  for (std::size_t i = 0; i < batches; ++i) fit.session->run(1);
  const TrainingCheckpoint saved = fit.session->checkpoint();
  const io::ModelArtifacts files = io::to_artifacts(*first);
  first.reset();
  fit.session.reset();

  auto resumed = io::from_artifacts(files, 999);  // another seed: everything random comes from the checkpoint
  auto again = start(*resumed, d, 3, 8, stopping);
  again.session->restore(saved);
  run_to_end(*again.session);
  if (history) *history = json(again.session->history().values);
  return resumed;
}

}  // namespace

TEST_CASE("checkpoint.resumed_fit_equals_the_uninterrupted_one_bit_for_bit") {
  const Data d = data(64);  // 48 training samples: 6 batches an epoch
  auto whole = model();
  auto fit = start(*whole, d);
  run_to_end(*fit.session);
  const auto expected = flat_weights(*whole);
  const json expected_history = json(fit.session->history().values);

  for (std::size_t batches : {1, 4, 6, 7, 12, 17}) {  // inside epochs, at an epoch's end, just after one
    CAPTURE(batches);
    json history;
    auto resumed = interrupted_after(batches, d, &history);
    CHECK(flat_weights(*resumed) == expected);
    CHECK(history == expected_history);
    CHECK(resumed->optimizer()->iterations() == whole->optimizer()->iterations());
  }
}

TEST_CASE("checkpoint.keeps_early_stoppings_best_weights") {
  // "max" of a falling val_loss: the first epoch stays the best, so the fit ends with its weights
  EarlyStopping::Options first_is_best = patient();
  first_is_best.mode = "max";
  first_is_best.restore_best_weights = true;
  const Data d = data(64);
  auto whole = model();
  auto fit = start(*whole, d, 3, 8, first_is_best);
  std::vector<float> after_first_epoch;
  while (!fit.session->run(1).finished)
    if (fit.session->history().epochs() == 1 && after_first_epoch.empty()) after_first_epoch = flat_weights(*whole);
  REQUIRE(fit.early->best_epoch() == 0);
  const auto expected = flat_weights(*whole);
  CHECK(expected == after_first_epoch);

  for (std::size_t batches : {6, 7, 12, 17}) {  // after the best epoch's end, in later epochs
    CAPTURE(batches);
    CHECK(flat_weights(*interrupted_after(batches, d, nullptr, first_is_best)) == expected);
  }

  // another model's best weights are refused, naming both sizes
  auto saver = model();
  auto saving = start(*saver, d, 3, 8, first_is_best);
  for (int i = 0; i < 7; ++i) saving.session->run(1);
  TrainingCheckpoint saved = saving.session->checkpoint();
  REQUIRE(saved.callback_floats.size() == expected.size());
  saved.callback_floats.pop_back();
  saved.state["callback_floats"][0] = saved.callback_floats.size();
  auto other = model();
  auto resuming = start(*other, d, 3, 8, first_is_best);
  CHECK_THROWS_WITH_AS(resuming.session->restore(saved), doctest::Contains("best weights have"), std::invalid_argument);
}

TEST_CASE("checkpoint.keeps_the_callbacks_state_and_may_train_longer") {
  const Data d = data(64);
  auto m = model();
  auto fit = start(*m, d, 2);
  run_to_end(*fit.session);
  const TrainingCheckpoint saved = fit.session->checkpoint();
  CHECK(saved.state.at("finished") == true);
  auto longer = start(*m, d, 4);
  CHECK_THROWS_WITH_AS(longer.session->restore(saved), doctest::Contains("that fit had finished"), std::invalid_argument);

  auto other = model();
  auto two = start(*other, d, 2);
  for (int i = 0; i < 6; ++i) two.session->run(1);  // epoch 0 done: EarlyStopping has a best value
  auto four = start(*other, d, 4);
  four.session->restore(two.session->checkpoint());
  CHECK(four.early->state() == two.early->state());
  CHECK(four.early->state().at("best_epoch") == 0);
  run_to_end(*four.session);
  CHECK(four.session->history().epochs() == 4);
}

TEST_CASE("checkpoint.of_another_fit_is_refused_naming_the_difference") {
  const Data d = data(64);
  auto m = model();
  auto fit = start(*m, d);
  fit.session->run(2);
  const TrainingCheckpoint saved = fit.session->checkpoint();

  auto other_batch = start(*m, d, 3, 16);
  CHECK_THROWS_WITH_AS(other_batch.session->restore(saved), doctest::Contains("batch size 8, this fit has 16"),
                       std::invalid_argument);
  const Data fewer = data(40);
  auto other_data = start(*m, fewer);
  CHECK_THROWS_WITH_AS(other_data.session->restore(saved), doctest::Contains("a training set of 48, this fit has 30"),
                       std::invalid_argument);

  auto smaller = Sequential::from_topology(json::parse(R"({"class_name": "Sequential", "config": {"layers": [
      {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6, 6, 1]}},
      {"class_name": "Flatten", "config": {}},
      {"class_name": "Dense", "config": {"units": 3, "activation": "softmax"}}]}})"));
  smaller->compile(make_optimizer("adam"), make_loss("sparse_categorical_crossentropy"), {"accuracy"});
  auto other_model = start(*smaller, d);
  CHECK_THROWS_WITH_AS(other_model.session->restore(saved), doctest::Contains("layers with a random generator"),
                       std::invalid_argument);

  // other callbacks: named, not misread as the saved ones' state (one of each here, so counts agree)
  FitOptions same;
  same.epochs = 3;
  same.batch_size = 8;
  same.validation_split = 0.25;
  std::vector<std::unique_ptr<Callback>> plateau;
  plateau.push_back(std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateau::Options{}));
  TrainingSession other_callbacks(*m, d.x, d.y, same, std::move(plateau));
  CHECK_THROWS_WITH_AS(other_callbacks.restore(saved),
                       doctest::Contains(R"(the callbacks ["EarlyStopping"], this fit has ["ReduceLROnPlateau"])"),
                       std::invalid_argument);
  TrainingCheckpoint unnamed = saved;  // taken before callbacks were named: matched by count
  unnamed.state.erase("callback_names");
  auto same_callbacks = start(*m, d);
  same_callbacks.session->restore(unnamed);
  CHECK(same_callbacks.early->state() == fit.early->state());

  TrainingCheckpoint broken = saved;
  broken.state.erase("tracker");
  auto fresh = start(*m, d);
  CHECK_THROWS_WITH_AS(fresh.session->restore(broken), doctest::Contains("incomplete or malformed"),
                       std::invalid_argument);
  TrainingCheckpoint wrong_slots = saved;
  wrong_slots.optimizer.slots.pop_back();
  CHECK_THROWS_WITH_AS(fresh.session->restore(wrong_slots), doctest::Contains("optimizer's state holds"),
                       std::invalid_argument);
}

TEST_CASE("checkpoint.generator_state_round_trips") {
  Rng a(3);
  for (int i = 0; i < 10; ++i) a.next();
  Rng b(77);
  b.restore(a.state());
  for (int i = 0; i < 5; ++i) CHECK(a.next() == b.next());
  CHECK_THROWS_WITH_AS(b.restore("not a state"), doctest::Contains("not readable"), std::invalid_argument);
}
