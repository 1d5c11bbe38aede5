#include "cli/optimizer_options.hpp"

#include <stdexcept>

#include "optimizers/schedules.hpp"

namespace neurite::cli {

const std::set<std::string>& optimizer_options() {
  static const std::set<std::string> options = {"optimizer", "lr",       "beta-1",    "beta-2",          "epsilon",
                                                "momentum",  "weight-decay", "clipnorm", "clipvalue", "global-clipnorm",
                                                "lr-schedule"};
  return options;
}

const std::set<std::string>& optimizer_flags() {
  static const std::set<std::string> flags = {"amsgrad", "nesterov"};
  return flags;
}

namespace {

// the field holding a schedule's rate, which --lr sets
const char* rate_field(const std::string& class_name) {
  if (class_name == "ExponentialDecay" || class_name == "CosineDecay") return "initial_learning_rate";
  if (class_name == "OneCycle") return "max_learning_rate";
  return nullptr;
}

std::string schedule_class(const std::string& name) {
  if (name == "exponential") return "ExponentialDecay";
  if (name == "piecewise") return "PiecewiseConstantDecay";
  if (name == "cosine") return "CosineDecay";
  if (name == "onecycle" || name == "one-cycle") return "OneCycle";
  for (const auto& known : schedule_names())
    if (name == known) return name;
  throw std::invalid_argument("--lr-schedule: unknown schedule '" + name +
                              "' (known: exponential, piecewise, cosine, onecycle, none)");
}

nlohmann::json value_of(const std::string& key, const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  const auto numbers = numbers_from(text, '/');
  if (!numbers)
    throw std::invalid_argument("--lr-schedule: " + key + " must be a number, true/false or numbers separated by '/', got '" + text + "'");
  const nlohmann::json list = *numbers;
  return list.size() == 1 && key != "boundaries" && key != "values" ? list[0] : list;
}

}  // namespace

nlohmann::json schedule_spec(const std::string& text, float rate) {
  const std::size_t colon = text.find(':');
  const std::string class_name = schedule_class(text.substr(0, colon));
  nlohmann::json config = nlohmann::json::object();
  if (const char* field = rate_field(class_name)) config[field] = rate;
  if (colon != std::string::npos) {
    std::size_t start = colon + 1;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find(',', start), text.size());
      const std::string pair = text.substr(start, end - start);
      const std::size_t eq = pair.find('=');
      if (eq == std::string::npos || eq == 0)
        throw std::invalid_argument("--lr-schedule: expected key=value, got '" + pair + "'");
      config[pair.substr(0, eq)] = value_of(pair.substr(0, eq), pair.substr(eq + 1));
      start = end + 1;
    }
  }
  nlohmann::json spec = {{"class_name", class_name}, {"config", config}};
  schedule_from_json(spec);  // its errors, now, naming the field
  return spec;
}

void apply_optimizer_options(const Args& args, Sequential& model) {
  bool any = false;
  for (const auto& o : optimizer_options()) any = any || args.has(o);
  for (const auto& f : optimizer_flags()) any = any || args.has(f);
  if (!any) return;
  Optimizer& current = *model.optimizer();
  nlohmann::json spec = {{"class_name", current.class_name()}, {"config", current.config()}};
  if (args.has("optimizer") && args.get("optimizer") != current.name() && args.get("optimizer") != current.class_name())
    spec = {{"class_name", args.get("optimizer")}, {"config", nlohmann::json::object()}};
  nlohmann::json& config = spec["config"];
  nlohmann::json& lr = config["learning_rate"];
  if (args.has("lr")) {
    const float rate = args.get_number("lr", 0.0f);
    if (lr.is_object() && rate_field(lr.value("class_name", "")))
      lr["config"][rate_field(lr["class_name"])] = rate;
    else
      lr = rate;
  }
  if (args.has("lr-schedule")) {
    // the rate --lr gives, else the one in force (a schedule's current value)
    const float rate = args.has("lr") ? args.get_number("lr", 0.0f) : lr.is_number() ? lr.get<float>() : current.learning_rate();
    lr = args.get("lr-schedule") == "none" ? nlohmann::json(rate) : schedule_spec(args.get("lr-schedule"), rate);
  }
  if (lr.is_null()) config.erase("learning_rate");
  for (const auto& [option, key] : std::initializer_list<std::pair<const char*, const char*>>{
           {"beta-1", "beta_1"}, {"beta-2", "beta_2"}, {"epsilon", "epsilon"}, {"momentum", "momentum"},
           {"weight-decay", "weight_decay"}, {"clipnorm", "clipnorm"}, {"clipvalue", "clipvalue"},
           {"global-clipnorm", "global_clipnorm"}})
    if (args.has(option)) config[key] = args.get_number(option, 0.0f);
  for (const auto& flag : optimizer_flags())
    if (args.has(flag)) config[flag] = true;
  auto loss = make_loss(model.loss()->name(), model.loss()->from_logits(),
                        model.loss()->config().value("label_smoothing", 0.0f));
  model.compile(optimizer_from_json(spec), std::move(loss), model.metric_names());
}

}  // namespace neurite::cli
