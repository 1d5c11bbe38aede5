#include "kernels/im2col.hpp"

#include "kernels/kernel_set.hpp"

namespace neurite::kernels {

// The convolution kernels of the instruction set in use (kernels/simd/windows.hpp).
void im2col(const float* x, const WindowGeometry& g, float* cols) { active_kernels().im2col(x, g, cols); }
void col2im(const float* cols, const WindowGeometry& g, float* dx) { active_kernels().col2im(cols, g, dx); }

}  // namespace neurite::kernels
