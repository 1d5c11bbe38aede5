#pragma once
// Reading fields of a Keras/TF.js config with errors that name the field and the owner.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace neurite {
namespace json_fields_detail {

// Whether a JSON number fits T exactly as nlohmann's get<T> would convert it: that conversion is a
// static_cast, undefined behaviour for an integer field given 4e123 or a float field given 1e300.
template <class T>
bool fits(const nlohmann::json& value) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<T>::max());
    if (value.is_number_integer()) {
      const auto v = value.get<std::int64_t>();
      return v >= std::int64_t(std::numeric_limits<T>::min()) && std::uint64_t(std::max<std::int64_t>(v, 0)) <=
                                                                     std::uint64_t(std::numeric_limits<T>::max());
    }
    if (value.is_number_float()) {
      const double v = value.get<double>();  // 2.0 is accepted as 2, 2.5 and 1e300 are not
      return v == std::floor(v) && v >= double(std::numeric_limits<T>::min()) &&
             // (max() / 2: double(max()) of a 64-bit type rounds up to 2^63, which would not fit)
             v <= double(std::numeric_limits<T>::max()) / 2;
    }
    return true;  // not a number: get<T> reports the wrong type
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!value.is_number_float()) return true;
    const double v = value.get<double>();
    return !std::isfinite(v) || std::abs(v) <= double(std::numeric_limits<T>::max());
  } else {
    return true;
  }
}

template <class T>
struct Elements {
  static bool fit(const nlohmann::json& value) { return fits<T>(value); }
};
template <class T>
struct Elements<std::vector<T>> {
  static bool fit(const nlohmann::json& value) {
    if (!value.is_array()) return true;
    for (const auto& element : value)
      if (!fits<T>(element)) return false;
    return true;
  }
};

}  // namespace json_fields_detail

template <class T>
T field_or(const nlohmann::json& object, const std::string& key, T fallback, const std::string& owner) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) return fallback;
  const nlohmann::json& value = object[key];
  if (!json_fields_detail::Elements<T>::fit(value))
    throw std::invalid_argument(owner + ": field '" + key + "' is out of range (" + value.dump() + ")");
  try {
    return value.get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(owner + ": field '" + key + "' has the wrong type (" + value.dump() + ")");
  }
}

template <class T>
T required_field(const nlohmann::json& object, const std::string& key, const std::string& owner) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null())
    throw std::invalid_argument(owner + ": missing field '" + key + "'");
  return field_or<T>(object, key, T{}, owner);
}

}  // namespace neurite
