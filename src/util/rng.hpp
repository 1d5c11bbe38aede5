#pragma once
// A seeded generator whose outputs are defined bit for bit on every platform: std::mt19937's
// sequence is fixed by the standard, but std::uniform_*_distribution and std::shuffle are not.
#include <cstddef>
#include <cstdint>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace neurite {

class Rng {
 public:
  explicit Rng(std::uint32_t seed = 0) : engine_(seed) {}

  std::uint32_t next() { return static_cast<std::uint32_t>(engine_()); }

  // uniform in [0, 1) with 24 random bits: exactly representable in float
  float uniform() { return static_cast<float>(next() >> 8) * (1.0f / 16777216.0f); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

  // uniform integer in [0, n), without modulo bias
  std::size_t below(std::size_t n) {
    const std::uint64_t range = n;
    const std::uint64_t limit = (std::uint64_t{1} << 32) - ((std::uint64_t{1} << 32) % range);
    std::uint64_t r;
    do r = next(); while (r >= limit);
    return static_cast<std::size_t>(r % range);
  }

  // The generator's whole state as the standard's text form, so a checkpoint resumes the sequence.
  std::string state() const {
    std::ostringstream out;
    out << engine_;
    return out.str();
  }
  void restore(const std::string& state) {
    std::istringstream in(state);
    std::mt19937 engine;
    if (!(in >> engine)) throw std::invalid_argument("checkpoint: a random generator's state is not readable");
    engine_ = engine;
  }

  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::mt19937 engine_;
};

}  // namespace neurite
