#pragma once
// Resampling an image through an affine map, as TensorFlow's ImageProjectiveTransformV3 (which
// Keras' RandomTranslation / RandomRotation / RandomZoom use) does it: output pixel (x, y) reads the
// input at (a·x + b·y + c, d·x + e·y + f), that coordinate first folded into the image by the fill
// mode, then read by nearest-neighbour or bilinear interpolation; a read outside the image (only
// possible with constant fill) gives fill_value. Images are [height, width, channels], row-major.
#include <cstddef>

namespace neurite::kernels {

struct AffineMap {
  float a = 1, b = 0, c = 0, d = 0, e = 1, f = 0;
};
enum class FillMode { reflect, wrap, nearest, constant };
enum class Interpolation { nearest, bilinear };

struct WarpSpec {
  std::size_t height, width, channels;
  FillMode fill_mode;
  Interpolation interpolation;
  float fill_value;
};

void warp_affine(const float* in, float* out, const AffineMap& map, const WarpSpec& spec);
// The transpose, for backpropagation: grad_in += (d out / d in)ᵀ grad_out. grad_in is not cleared.
void warp_affine_backward(const float* grad_out, float* grad_in, const AffineMap& map, const WarpSpec& spec);

}  // namespace neurite::kernels
