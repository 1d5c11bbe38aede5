#pragma once
// The optimizer settings of the command line: --optimizer, --lr, Keras' optimizer arguments
// (--beta-1, --beta-2, --epsilon, --amsgrad, --momentum, --nesterov, --weight-decay, --clipnorm,
// --clipvalue, --global-clipnorm) and --lr-schedule NAME[:key=value,...].
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/args.hpp"
#include "model/sequential.hpp"

namespace neurite::cli {

// (functions, not globals: kModelOptions is built from them during static initialisation)
const std::set<std::string>& optimizer_options();
const std::set<std::string>& optimizer_flags();

// Recompiles the model with its optimizer changed as the options ask (nothing given: unchanged).
void apply_optimizer_options(const Args& args, Sequential& model);

// "cosine:decay_steps=1000,warmup_steps=100" -> Keras' {"class_name": "CosineDecay", "config": {...}}.
// Names: exponential, piecewise, cosine, onecycle (or Keras' class names); values are numbers,
// true/false, or lists separated by '/' (boundaries=1000/2000). The schedule's rate
// (initial_learning_rate, max_learning_rate) is `rate` unless given.
nlohmann::json schedule_spec(const std::string& text, float rate);

}  // namespace neurite::cli
