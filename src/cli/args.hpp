#pragma once
// Command-line arguments: `neurite COMMAND --option value --flag ...`, checked against the options
// each command accepts, so that a misspelt option is an error and not silently ignored.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace neurite::cli {

class Args {
 public:
  // Throws std::invalid_argument naming an unknown option or a missing value.
  Args(int argc, char** argv, const std::set<std::string>& options, const std::set<std::string>& flags);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // Non-negative integer / positive number, with an error naming the option.
  std::size_t get_count(const std::string& name, std::size_t fallback) const;
  float get_number(const std::string& name, float fallback) const;

 private:
  std::map<std::string, std::string> values_;  // a flag maps to ""
};

// "0.98,0.99" with ',' -> {0.98, 0.99}; nullopt when a part is empty or not a number, for the
// caller's own message.
std::optional<std::vector<double>> numbers_from(const std::string& text, char separator);

}  // namespace neurite::cli
