#include "optimizers/schedules.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "util/json_fields.hpp"

namespace neurite {
namespace {

constexpr double kPi = 3.14159265358979323846;

void check_rate(double lr, const std::string& owner, const char* field) {
  if (!(lr >= 0.0 && std::isfinite(lr)))
    throw std::invalid_argument(owner + ": " + field + " must be a finite rate ≥ 0, got " + std::to_string(lr));
}

}  // namespace

ExponentialDecay::ExponentialDecay(double initial_learning_rate, double decay_steps, double decay_rate, bool staircase)
    : initial_(initial_learning_rate), decay_steps_(decay_steps), decay_rate_(decay_rate), staircase_(staircase) {
  check_rate(initial_, "ExponentialDecay", "initial_learning_rate");
  if (!(decay_steps > 0.0)) throw std::invalid_argument("ExponentialDecay: decay_steps must be > 0");
  if (!(decay_rate > 0.0 && std::isfinite(decay_rate)))
    throw std::invalid_argument("ExponentialDecay: decay_rate must be > 0");
}

double ExponentialDecay::at(std::size_t step) const {
  double p = static_cast<double>(step) / decay_steps_;
  if (staircase_) p = std::floor(p);
  return initial_ * std::pow(decay_rate_, p);
}

nlohmann::json ExponentialDecay::config() const {
  return {{"initial_learning_rate", initial_}, {"decay_steps", decay_steps_}, {"decay_rate", decay_rate_},
          {"staircase", staircase_}, {"name", "ExponentialDecay"}};
}

PiecewiseConstantDecay::PiecewiseConstantDecay(std::vector<double> boundaries, std::vector<double> values)
    : boundaries_(std::move(boundaries)), values_(std::move(values)) {
  if (values_.size() != boundaries_.size() + 1)
    throw std::invalid_argument("PiecewiseConstantDecay: values must have one more entry than boundaries (" +
                                std::to_string(values_.size()) + " values, " + std::to_string(boundaries_.size()) +
                                " boundaries)");
  if (!std::is_sorted(boundaries_.begin(), boundaries_.end()))
    throw std::invalid_argument("PiecewiseConstantDecay: boundaries must increase");
  for (double v : values_) check_rate(v, "PiecewiseConstantDecay", "every value");
}

double PiecewiseConstantDecay::at(std::size_t step) const {
  const auto s = static_cast<double>(step);
  std::size_t i = 0;
  while (i < boundaries_.size() && s > boundaries_[i]) ++i;
  return values_[i];
}

nlohmann::json PiecewiseConstantDecay::config() const {
  return {{"boundaries", boundaries_}, {"values", values_}, {"name", "PiecewiseConstant"}};
}

CosineDecay::CosineDecay(double initial_learning_rate, double decay_steps, double alpha, double warmup_target,
                         double warmup_steps)
    : initial_(initial_learning_rate),
      decay_steps_(decay_steps),
      alpha_(alpha),
      warmup_target_(warmup_target),
      warmup_steps_(warmup_steps) {
  check_rate(initial_, "CosineDecay", "initial_learning_rate");
  if (!(decay_steps > 0.0)) throw std::invalid_argument("CosineDecay: decay_steps must be > 0");
  if (!(alpha >= 0.0 && alpha <= 1.0)) throw std::invalid_argument("CosineDecay: alpha must be in [0, 1]");
  if (!(warmup_steps >= 0.0)) throw std::invalid_argument("CosineDecay: warmup_steps must be ≥ 0");
}

double CosineDecay::at(std::size_t step) const {
  const auto decay = [this](double s, double from) {
    const double cosine = 0.5 * (1.0 + std::cos(kPi * s / decay_steps_));
    return from * ((1.0 - alpha_) * cosine + alpha_);
  };
  const auto s = static_cast<double>(step);
  if (warmup_target_ < 0.0) return decay(std::min(s, decay_steps_), initial_);
  const double clamped = std::min(s, decay_steps_ + warmup_steps_);
  if (clamped < warmup_steps_) return (warmup_target_ - initial_) * clamped / warmup_steps_ + initial_;
  return decay(clamped - warmup_steps_, warmup_target_);
}

nlohmann::json CosineDecay::config() const {
  return {{"initial_learning_rate", initial_},
          {"decay_steps", decay_steps_},
          {"alpha", alpha_},
          {"name", "CosineDecay"},
          {"warmup_target", warmup_target_ < 0.0 ? nlohmann::json() : nlohmann::json(warmup_target_)},
          {"warmup_steps", warmup_steps_}};
}

OneCycle::OneCycle(double max_learning_rate, std::size_t total_steps, double pct_start, double div_factor,
                   double final_div_factor)
    : max_(max_learning_rate),
      pct_start_(pct_start),
      div_factor_(div_factor),
      final_div_factor_(final_div_factor),
      total_steps_(total_steps) {
  check_rate(max_, "OneCycle", "max_learning_rate");
  if (!(pct_start > 0.0 && pct_start < 1.0)) throw std::invalid_argument("OneCycle: pct_start must be in (0, 1)");
  if (!(div_factor >= 1.0) || !(final_div_factor >= 1.0))
    throw std::invalid_argument("OneCycle: div_factor and final_div_factor must be ≥ 1");
}

void OneCycle::fit_begins(std::size_t steps_done, std::size_t fit_steps) {
  if (total_steps_ == 0) total_steps_ = steps_done + fit_steps;
}

double OneCycle::at(std::size_t step) const {
  if (total_steps_ < 2) return max_;
  const double initial = max_ / div_factor_, final_lr = initial / final_div_factor_;
  // PyTorch's phase ends: the peak at step pct_start·total − 1, the floor at the last step
  const double peak_step = pct_start_ * static_cast<double>(total_steps_) - 1.0;
  const double last_step = static_cast<double>(total_steps_) - 1.0;
  const auto anneal = [](double from, double to, double pct) { return to + (from - to) / 2.0 * (std::cos(kPi * pct) + 1.0); };
  const double s = std::min(static_cast<double>(step), last_step);
  if (s <= peak_step) return anneal(initial, max_, peak_step > 0.0 ? s / peak_step : 1.0);
  return anneal(max_, final_lr, (s - peak_step) / (last_step - peak_step));
}

nlohmann::json OneCycle::config() const {
  return {{"max_learning_rate", max_},
          {"total_steps", total_steps_ == 0 ? nlohmann::json() : nlohmann::json(total_steps_)},
          {"pct_start", pct_start_},
          {"div_factor", div_factor_},
          {"final_div_factor", final_div_factor_},
          {"name", "OneCycle"}};
}

std::unique_ptr<LearningRateSchedule> schedule_from_json(const nlohmann::json& spec) {
  const auto class_name = required_field<std::string>(spec, "class_name", "learning-rate schedule");
  const nlohmann::json config = spec.contains("config") ? spec["config"] : nlohmann::json::object();
  const std::string owner = "learning-rate schedule " + class_name;
  const auto number = [&](const char* key) { return required_field<double>(config, key, owner); };
  const auto number_or = [&](const char* key, double fallback) { return field_or<double>(config, key, fallback, owner); };
  if (class_name == "ExponentialDecay")
    return std::make_unique<ExponentialDecay>(number("initial_learning_rate"), number("decay_steps"),
                                              number("decay_rate"), field_or<bool>(config, "staircase", false, owner));
  if (class_name == "PiecewiseConstantDecay")
    return std::make_unique<PiecewiseConstantDecay>(required_field<std::vector<double>>(config, "boundaries", owner),
                                                    required_field<std::vector<double>>(config, "values", owner));
  if (class_name == "CosineDecay")
    return std::make_unique<CosineDecay>(number("initial_learning_rate"), number("decay_steps"), number_or("alpha", 0.0),
                                         number_or("warmup_target", -1.0), number_or("warmup_steps", 0.0));
  if (class_name == "OneCycle")
    return std::make_unique<OneCycle>(number("max_learning_rate"), field_or<std::size_t>(config, "total_steps", 0, owner),
                                      number_or("pct_start", 0.3), number_or("div_factor", 25.0),
                                      number_or("final_div_factor", 1e4));
  std::string known;
  for (const auto& name : schedule_names()) known += (known.empty() ? "" : ", ") + name;
  throw std::invalid_argument("unknown learning-rate schedule '" + class_name + "' (known: " + known + ")");
}

nlohmann::json schedule_to_json(const LearningRateSchedule& schedule) {
  return {{"module", "keras.optimizers.schedules"},
          {"class_name", schedule.class_name()},
          {"config", schedule.config()},
          {"registered_name", nullptr}};
}

std::vector<std::string> schedule_names() {
  return {"ExponentialDecay", "PiecewiseConstantDecay", "CosineDecay", "OneCycle"};
}

}  // namespace neurite
