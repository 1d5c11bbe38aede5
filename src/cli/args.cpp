#include "cli/args.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace neurite::cli {

Args::Args(int argc, char** argv, const std::set<std::string>& options, const std::set<std::string>& flags) {
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + arg + "'");
    const std::string name = arg.substr(2);
    if (flags.count(name)) {
      values_[name] = "";
    } else if (options.count(name)) {
      if (i + 1 >= argc) throw std::invalid_argument("option --" + name + " needs a value");
      values_[name] = argv[++i];
    } else {
      throw std::invalid_argument("unknown option '" + arg + "'");
    }
  }
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  const auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::size_t Args::get_count(const std::string& name, std::size_t fallback) const {
  if (!has(name)) return fallback;
  const std::string text = get(name);
  std::size_t used = 0;
  long long value = -1;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || value < 0)
    throw std::invalid_argument("--" + name + " must be a non-negative integer, got '" + text + "'");
  return static_cast<std::size_t>(value);
}

float Args::get_number(const std::string& name, float fallback) const {
  if (!has(name)) return fallback;
  const std::string text = get(name);
  std::size_t used = 0;
  float value = NAN;
  try {
    value = std::stof(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || !(value > 0.0f) || !std::isfinite(value))
    throw std::invalid_argument("--" + name + " must be a positive number, got '" + text + "'");
  return value;
}

std::optional<std::vector<double>> numbers_from(const std::string& text, char separator) {
  std::vector<double> out;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find(separator, start), text.size());
    const std::string part = text.substr(start, end - start);
    std::size_t used = 0;
    try {
      out.push_back(std::stod(part, &used));
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (used != part.size()) return std::nullopt;
    start = end + 1;
  }
  return out;
}

}  // namespace neurite::cli
