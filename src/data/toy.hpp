#pragma once
// Small two-feature binary problems: the toy-binary preset's circle, the two moons, and the
// tutorial's random labels (np.random: nothing to learn, accuracy stays near 50 %). The widget's
// 2-D data sets come from here through the library (nn.datasets.toy).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace neurite::data {

struct ToySplit {
  Tensor features;  // [n, 2], uniform in [-1, 1]²
  Tensor labels;    // [n, 1]: 1 inside the circle of radius 0.8, else 0 (about half and half)
};
ToySplit make_circle_data(std::size_t n, std::uint32_t seed);

// "circles" (the circle above), "moons" (two interleaved half circles, scikit-learn's make_moons
// with noise 0.1, scaled into [-1, 1]²) or "random-binary" (uniform features, labels 0/1 at
// random); an unknown name is std::invalid_argument listing the known ones.
ToySplit make_toy_data(const std::string& name, std::size_t n, std::uint32_t seed);
std::vector<std::string> toy_data_names();

}  // namespace neurite::data
