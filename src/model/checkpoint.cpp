// TrainingSession's checkpoints: every piece of state a fit carries from batch to batch.
#include <stdexcept>
#include <string>

#include "model/training_session.hpp"

namespace neurite {
namespace {

nlohmann::json history_json(const History& history) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [key, series] : history.values) values[key] = series;
  return {{"keys", history.keys}, {"values", values}};
}

History history_from(const nlohmann::json& json) {
  History history;
  history.keys = json.at("keys").get<std::vector<std::string>>();
  for (const auto& [key, series] : json.at("values").items()) history.values[key] = series.get<std::vector<double>>();
  return history;
}

std::vector<Rng*> generators(Sequential& model) {
  std::vector<Rng*> out;
  for (auto& layer : model.layers())
    if (Rng* rng = layer->generator()) out.push_back(rng);
  return out;
}

void expect_same(const nlohmann::json& saved, const char* key, const nlohmann::json& now, const char* what) {
  if (saved.at(key) != now)
    throw std::invalid_argument(std::string("checkpoint: it was taken with ") + what + " " + saved.at(key).dump() +
                                ", this fit has " + now.dump());
}

nlohmann::json callback_names(const std::vector<Callback*>& callbacks) {
  nlohmann::json names = nlohmann::json::array();
  for (const Callback* cb : callbacks) names.push_back(cb->class_name());
  return names;
}

}  // namespace

TrainingCheckpoint TrainingSession::checkpoint() const {
  nlohmann::json layer_generators = nlohmann::json::array();
  for (Rng* rng : generators(model_)) layer_generators.push_back(rng->state());
  nlohmann::json callbacks = nlohmann::json::array(), float_counts = nlohmann::json::array();
  TrainingCheckpoint c;
  for (auto* cb : options_.callbacks) {
    callbacks.push_back(cb->state());
    const std::vector<float> floats = cb->state_floats();
    float_counts.push_back(floats.size());
    c.callback_floats.insert(c.callback_floats.end(), floats.begin(), floats.end());
  }
  c.state = {{"train_size", train_x_.size()}, {"batch_size", options_.batch_size}, {"shuffle", options_.shuffle},
             {"epochs", options_.epochs},     {"epoch", epoch_},                   {"cursor", cursor_},
             {"batch", batch_},               {"in_epoch", in_epoch_},             {"finished", finished_},
             {"tracker", tracker_.state()},   {"history", history_json(history_)}, {"generator", model_.rng_.state()},
             {"layer_generators", layer_generators}, {"callbacks", callbacks}, {"callback_floats", float_counts},
             {"callback_names", callback_names(options_.callbacks)}};
  c.optimizer = model_.optimizer()->state();
  c.order.assign(order_.begin(), order_.end());
  return c;
}

void TrainingSession::restore(const TrainingCheckpoint& c) {
  const nlohmann::json& s = c.state;
  try {
    expect_same(s, "train_size", train_x_.size(), "a training set of");
    expect_same(s, "batch_size", options_.batch_size, "batch size");
    expect_same(s, "shuffle", options_.shuffle, "shuffle");
    if (s.at("epoch").get<std::size_t>() >= options_.epochs)
      throw std::invalid_argument("checkpoint: " + s.at("epoch").dump() + " epochs were done, this fit has only " +
                                  std::to_string(options_.epochs));
    if (s.at("finished").get<bool>()) throw std::invalid_argument("checkpoint: that fit had finished");
    if (c.order.size() != order_.size())
      throw std::invalid_argument("checkpoint: its sample order has " + std::to_string(c.order.size()) + " entries");
    for (std::uint32_t i : c.order)
      if (i >= order_.size()) throw std::invalid_argument("checkpoint: its sample order names sample " + std::to_string(i));
    const auto layer_states = s.at("layer_generators");
    auto rngs = generators(model_);
    if (layer_states.size() != rngs.size())
      throw std::invalid_argument("checkpoint: it has " + std::to_string(layer_states.size()) +
                                  " layers with a random generator, this model " + std::to_string(rngs.size()));
    const auto& callbacks = s.at("callbacks");
    // checkpoints from before callbacks were named are matched by their count alone
    const nlohmann::json names = callback_names(options_.callbacks);
    if (s.contains("callback_names") && s.at("callback_names") != names)
      throw std::invalid_argument("checkpoint: it was taken with the callbacks " + s.at("callback_names").dump() +
                                  ", this fit has " + names.dump());
    if (callbacks.size() != options_.callbacks.size())
      throw std::invalid_argument("checkpoint: it has " + std::to_string(callbacks.size()) + " callbacks, this fit " +
                                  std::to_string(options_.callbacks.size()));
    // checkpoints from before callbacks kept floats have no counts: none then
    const std::vector<std::size_t> float_counts =
        s.contains("callback_floats") ? s.at("callback_floats").get<std::vector<std::size_t>>()
                                      : std::vector<std::size_t>(callbacks.size(), 0);
    std::size_t floats = 0;
    for (std::size_t n : float_counts) floats += n;
    if (float_counts.size() != callbacks.size() || floats != c.callback_floats.size())
      throw std::invalid_argument("checkpoint: its callbacks' floats (" + std::to_string(c.callback_floats.size()) +
                                  ") do not match their counts in its state");
    MetricTracker tracker = tracker_;  // read everything before changing anything
    tracker.restore(s.at("tracker"));
    History history = history_from(s.at("history"));
    std::vector<Rng> layer_rngs(rngs.size());
    for (std::size_t i = 0; i < rngs.size(); ++i) layer_rngs[i].restore(layer_states[i].get<std::string>());
    Rng model_rng;
    model_rng.restore(s.at("generator").get<std::string>());
    model_.optimizer()->restore(c.optimizer, model_.params());
    for (std::size_t i = 0; i < rngs.size(); ++i) *rngs[i] = layer_rngs[i];
    model_.rng_ = model_rng;
    for (std::size_t i = 0, at = 0; i < callbacks.size(); at += float_counts[i++]) {
      if (!callbacks[i].is_null()) options_.callbacks[i]->restore_state(callbacks[i]);
      const auto first = c.callback_floats.begin() + static_cast<std::ptrdiff_t>(at);
      options_.callbacks[i]->restore_state_floats({first, first + static_cast<std::ptrdiff_t>(float_counts[i])}, model_);
    }
    tracker_ = tracker;
    history_ = std::move(history);
    order_.assign(c.order.begin(), c.order.end());
    epoch_ = s.at("epoch").get<std::size_t>();
    cursor_ = s.at("cursor").get<std::size_t>();
    batch_ = s.at("batch").get<std::size_t>();
    in_epoch_ = s.at("in_epoch").get<bool>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("checkpoint: its state is incomplete or malformed (") + e.what() + ")");
  }
}

}  // namespace neurite
