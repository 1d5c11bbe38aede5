#include "data/toy.hpp"

#include <cmath>
#include <stdexcept>

#include "util/rng.hpp"

namespace neurite::data {

ToySplit make_circle_data(std::size_t n, std::uint32_t seed) {
  constexpr float kRadiusSquared = 0.8f * 0.8f;  // π·0.64 ≈ 2.01 of the square's area 4: balanced classes
  Rng rng(seed);
  ToySplit split{Tensor::from_shape({n, 2}), Tensor::from_shape({n, 1})};
  for (std::size_t i = 0; i < n; ++i) {
    const float x = rng.uniform(-1.0f, 1.0f), y = rng.uniform(-1.0f, 1.0f);
    split.features(i, 0) = x;
    split.features(i, 1) = y;
    split.labels(i, 0) = x * x + y * y < kRadiusSquared ? 1.0f : 0.0f;
  }
  return split;
}

namespace {

ToySplit moons(std::size_t n, std::uint32_t seed) {
  constexpr float kPi = 3.14159265358979f, kNoise = 0.1f;
  Rng rng(seed);
  ToySplit split{Tensor::from_shape({n, 2}), Tensor::from_shape({n, 1})};
  for (std::size_t i = 0; i < n; ++i) {
    const bool lower = i % 2 == 1;
    const float t = rng.uniform(0.0f, kPi);
    // make_moons: the upper moon (cos t, sin t), the lower (1 − cos t, 0.5 − sin t); x in [-1, 2], y in [-0.5, 1]
    float x = lower ? 1.0f - std::cos(t) : std::cos(t), y = lower ? 0.5f - std::sin(t) : std::sin(t);
    x += kNoise * rng.uniform(-1.0f, 1.0f) * 1.7f;
    y += kNoise * rng.uniform(-1.0f, 1.0f) * 1.7f;
    split.features(i, 0) = (x - 0.5f) / 1.6f;
    split.features(i, 1) = (y - 0.25f) / 1.0f;
    split.labels(i, 0) = lower ? 1.0f : 0.0f;
  }
  return split;
}

ToySplit random_labels(std::size_t n, std::uint32_t seed) {
  Rng rng(seed);
  ToySplit split{Tensor::from_shape({n, 2}), Tensor::from_shape({n, 1})};
  for (std::size_t i = 0; i < n; ++i) {
    split.features(i, 0) = rng.uniform(-1.0f, 1.0f);
    split.features(i, 1) = rng.uniform(-1.0f, 1.0f);
    split.labels(i, 0) = rng.uniform(0.0f, 1.0f) < 0.5f ? 1.0f : 0.0f;
  }
  return split;
}

}  // namespace

ToySplit make_toy_data(const std::string& name, std::size_t n, std::uint32_t seed) {
  if (name == "circles") return make_circle_data(n, seed);
  if (name == "moons") return moons(n, seed);
  if (name == "random-binary") return random_labels(n, seed);
  std::string known;
  for (const auto& k : toy_data_names()) known += (known.empty() ? "" : ", ") + k;
  throw std::invalid_argument("unknown toy data set '" + name + "' (known: " + known + ")");
}

std::vector<std::string> toy_data_names() { return {"circles", "moons", "random-binary"}; }

}  // namespace neurite::data
