#include "data/toy.hpp"

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

}  // namespace neurite::data
