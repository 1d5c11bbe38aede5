#include "kernels/pooling.hpp"

#include "kernels/kernel_set.hpp"

namespace neurite::kernels {

// The pooling kernels of the instruction set in use (kernels/simd/windows.hpp).
void max_pool(const float* x, const WindowGeometry& g, float* y, std::uint32_t* argmax) {
  active_kernels().max_pool(x, g, y, argmax);
}
void max_pool_backward(const float* dy, const std::uint32_t* argmax, const WindowGeometry& g, float* dx) {
  active_kernels().max_pool_backward(dy, argmax, g, dx);
}
void average_pool(const float* x, const WindowGeometry& g, float* y) { active_kernels().average_pool(x, g, y); }
void average_pool_backward(const float* dy, const WindowGeometry& g, float* dx) {
  active_kernels().average_pool_backward(dy, g, dx);
}

}  // namespace neurite::kernels
