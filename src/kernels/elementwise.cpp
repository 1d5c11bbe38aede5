#include "kernels/elementwise.hpp"

#include "kernels/kernel_set.hpp"

// The element-wise kernels of the instruction set in use (kernels/simd/elementwise.hpp).
namespace neurite::kernels {

void add_row_bias(float* y, const float* bias, std::size_t rows, std::size_t cols) {
  active_kernels().add_row_bias(y, bias, rows, cols);
}
void accumulate_column_sums(const float* x, std::size_t rows, std::size_t cols, float* out) {
  active_kernels().accumulate_column_sums(x, rows, cols, out);
}
void relu(float* x, std::size_t n) { active_kernels().relu(x, n); }
void relu_backward(const float* y, float* dy, std::size_t n) { active_kernels().relu_backward(y, dy, n); }
void relu_backward_into(const float* y, const float* dy, float* dx, std::size_t n) {
  active_kernels().relu_backward_into(y, dy, dx, n);
}
void relu_backward_into_summing_columns(const float* y, const float* dy, float* dx, std::size_t rows,
                                        std::size_t cols, float* column_sums) {
  active_kernels().relu_backward_into_summing_columns(y, dy, dx, rows, cols, column_sums);
}
void sigmoid(float* x, std::size_t n) { active_kernels().sigmoid(x, n); }
void sigmoid_backward(const float* y, float* dy, std::size_t n) { active_kernels().sigmoid_backward(y, dy, n); }
void tanh(float* x, std::size_t n) { active_kernels().tanh(x, n); }
void tanh_backward(const float* y, float* dy, std::size_t n) { active_kernels().tanh_backward(y, dy, n); }
void softmax_rows(float* x, std::size_t rows, std::size_t cols) { active_kernels().softmax_rows(x, rows, cols); }
void softmax_backward_rows(const float* y, float* dy, std::size_t rows, std::size_t cols) {
  active_kernels().softmax_backward_rows(y, dy, rows, cols);
}
void scale(float* x, std::size_t n, float factor) { active_kernels().scale(x, n, factor); }
void multiply(const float* a, float* out, std::size_t n) { active_kernels().multiply(a, out, n); }
void axpy(float alpha, const float* x, float* y, std::size_t n) { active_kernels().axpy(alpha, x, y, n); }
float sum_of_squares(const float* x, std::size_t n) { return active_kernels().sum_of_squares(x, n); }
void bytes_to_float(const std::uint8_t* in, float* out, std::size_t n, float divisor) {
  active_kernels().bytes_to_float(in, out, n, divisor);
}

}  // namespace neurite::kernels
