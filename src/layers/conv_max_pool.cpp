#include "layers/conv_max_pool.hpp"

#include <algorithm>

#include "kernels/elementwise.hpp"

namespace neurite {

std::unique_ptr<ConvMaxPool> ConvMaxPool::fuse(Layer& first, Layer& second) {
  auto* conv = dynamic_cast<Conv2D*>(&first);
  auto* pool = dynamic_cast<Pooling2D*>(&second);
  if (!conv || !pool || !conv->built() || !pool->built() || pool->mode_ != PoolMode::Max) return nullptr;
  const Activation& activation = *conv->activation_;
  const bool relu = activation.gemm_epilogue() == kernels::FusedActivation::Relu;
  if (!relu && activation.name() != "linear") return nullptr;
  if (pool->input_shape() != conv->output_shape()) return nullptr;
  // the kernel gradient is summed from one partial per image, a kernel's worth each: worth it only
  // while an image's feature maps (what fusing keeps out of memory) are at least as big
  if (conv->geometry_.out_h * conv->geometry_.out_w < conv->geometry_.patch_size()) return nullptr;
  return std::make_unique<ConvMaxPool>(*conv, *pool);
}

kernels::ConvPoolShape ConvMaxPool::shape() const {
  return {conv_.geometry_, pool_.geometry_, conv_.filters_};
}

const Tensor& ConvMaxPool::forward(const Tensor& x) {
  conv_.input_ = &x;
  const std::size_t batch = x.shape()[0];
  conv_.geometry_.batch = pool_.geometry_.batch = batch;
  ensure_shape(conv_.cols_, {conv_.geometry_.out_pixels(), conv_.geometry_.patch_size()});
  ensure_shape(pool_.output_, with_batch(batch, pool_.output_shape()));
  pool_.argmax_.resize(pool_.output_.size());
  kernels::conv_max_pool(x.data(), conv_.kernel_.data(), conv_.options_.use_bias ? conv_.bias_.data() : nullptr,
                         conv_.activation_->gemm_epilogue(), shape(), conv_.cols_.data(), pool_.output_.data(),
                         pool_.argmax_.data());
  return pool_.output_;
}

const Tensor& ConvMaxPool::backward(const Tensor& grad_out) {
  const kernels::ConvPoolShape s = shape();
  const std::size_t batch = s.conv.batch, pooled_pixels = batch * s.pool.out_h * s.pool.out_w;
  float* bias_grad = conv_.options_.use_bias ? conv_.bias_grad_.data() : nullptr;
  if (bias_grad) std::fill(conv_.bias_grad_.begin(), conv_.bias_grad_.end(), 0.0f);
  // the activation's derivative at the pooled values is its derivative at the cells that won
  ensure_shape(masked_grad_, Shape(grad_out.shape().begin(), grad_out.shape().end()));
  conv_.activation_->apply_backward_into(pool_.output_.data(), grad_out.data(), masked_grad_.data(), pooled_pixels,
                                         s.filters, bias_grad);

  const std::size_t kernel_floats = conv_.kernel_grad_.size();
  ensure_shape(kernel_grad_per_image_, {batch, kernel_floats});
  float* dx = nullptr;
  if (conv_.input_gradient_needed()) {
    ensure_shape(conv_.grad_input_, Shape(conv_.input_->shape().begin(), conv_.input_->shape().end()));
    dx = conv_.grad_input_.data();
  }
  kernels::conv_max_pool_backward(masked_grad_.data(), pool_.argmax_.data(), conv_.cols_.data(),
                                  conv_.kernel_.data(), s, kernel_grad_per_image_.data(), dx);
  std::fill(conv_.kernel_grad_.begin(), conv_.kernel_grad_.end(), 0.0f);
  kernels::accumulate_column_sums(kernel_grad_per_image_.data(), batch, kernel_floats, conv_.kernel_grad_.data());
  return conv_.grad_input_;
}

}  // namespace neurite
