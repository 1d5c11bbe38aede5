#pragma once
// Reading fields of a Keras/TF.js config with errors that name the field and the owner.
#include <string>

#include <nlohmann/json.hpp>

namespace neurite {

template <class T>
T field_or(const nlohmann::json& object, const std::string& key, T fallback, const std::string& owner) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) return fallback;
  try {
    return object[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(owner + ": field '" + key + "' has the wrong type (" + object[key].dump() + ")");
  }
}

template <class T>
T required_field(const nlohmann::json& object, const std::string& key, const std::string& owner) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null())
    throw std::invalid_argument(owner + ": missing field '" + key + "'");
  return field_or<T>(object, key, T{}, owner);
}

}  // namespace neurite
