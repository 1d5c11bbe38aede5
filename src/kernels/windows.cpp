#include "kernels/windows.hpp"

namespace neurite::kernels {

WindowAxis valid_windows(std::size_t in, std::size_t window, std::size_t stride) {
  return {in < window ? 0 : (in - window) / stride + 1, 0};
}

WindowAxis same_windows(std::size_t in, std::size_t window, std::size_t stride) {
  const std::size_t out = (in + stride - 1) / stride;
  const std::size_t needed = out == 0 ? 0 : (out - 1) * stride + window;
  return {out, needed > in ? (needed - in) / 2 : 0};
}

}  // namespace neurite::kernels
