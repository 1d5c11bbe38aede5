#pragma once
// Activation functions, shared by the Activation layer and by the `activation=` argument of
// Dense (and later Conv2D). Each works in place on a row-major [rows, cols] buffer; softmax
// normalises each row (the last axis, as Keras does).
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "kernels/gemm.hpp"

namespace neurite {

class Activation {
 public:
  virtual ~Activation() = default;
  virtual std::string name() const = 0;
  // Which activation a GEMM's epilogue computes in place of forward (kernels/gemm.hpp): None, unless
  // it is one the epilogue has. The layer then skips forward.
  virtual kernels::FusedActivation gemm_epilogue() const { return kernels::FusedActivation::None; }
  virtual void forward(float* x, std::size_t rows, std::size_t cols) const = 0;
  // Turns dL/dy into dL/dx in place, given the forward output y.
  virtual void backward(const float* y, float* grad, std::size_t rows, std::size_t cols) const = 0;
  // The same from grad_in into grad_out (a layer cannot change its grad_out argument), adding grad_out's
  // column sums (the bias gradient) to column_sums unless it is null: one pass over memory where a
  // copy, backward and the sums would take three (relu; a Conv2D's gradient is 5.5 MB in the cnn).
  virtual void backward_into(const float* y, const float* grad_in, float* grad_out, std::size_t rows,
                             std::size_t cols, float* column_sums) const;

  // Set when the loss computes the gradient with respect to this activation's input itself
  // (softmax + cross-entropy, sigmoid + binary cross-entropy): backward then passes it through.
  void set_fused_with_loss(bool fused) { fused_with_loss_ = fused; }
  bool fused_with_loss() const { return fused_with_loss_; }
  void apply_backward(const float* y, float* grad, std::size_t rows, std::size_t cols) const {
    if (!fused_with_loss_) backward(y, grad, rows, cols);
  }
  void apply_backward_into(const float* y, const float* grad_in, float* grad_out, std::size_t rows,
                           std::size_t cols, float* column_sums = nullptr) const;

 private:
  bool fused_with_loss_ = false;
};

// Throws std::invalid_argument naming the unknown activation and the known ones.
std::unique_ptr<Activation> make_activation(const std::string& name);
std::vector<std::string> activation_names();

}  // namespace neurite
