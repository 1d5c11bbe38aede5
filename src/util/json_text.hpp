#pragma once
// JSON held as text (what crosses from JavaScript, a file read by the caller) parsed with an error
// that names its source, in the style of io::load_model's "path/model.json: invalid JSON (...)".
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace neurite {

inline nlohmann::json parse_json(const std::string& text, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(what + ": invalid JSON (" + e.what() + ")");
  }
}

}  // namespace neurite
