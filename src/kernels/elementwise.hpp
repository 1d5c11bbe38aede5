#pragma once
// The element-wise hot work of training: bias, activations and their derivatives, reductions.
// Every matrix here is row-major [rows, cols]; gradients are computed in place.
#include <cstddef>
#include <cstdint>

namespace neurite::kernels {

void add_row_bias(float* y, const float* bias, std::size_t rows, std::size_t cols);
// out[c] += sum over rows of x[r, c]  (a bias gradient); rows are summed in fixed blocks of 1024 on
// the thread pool, so the result is the same for any thread count
void accumulate_column_sums(const float* x, std::size_t rows, std::size_t cols, float* out);

void relu(float* x, std::size_t n);
void relu_backward(const float* y, float* dy, std::size_t n);       // dy *= (y > 0)
void relu_backward_into(const float* y, const float* dy, float* dx, std::size_t n);  // dx = dy * (y > 0), threaded
// The same on [rows, cols], adding dx's column sums (a bias gradient) to column_sums in the same pass:
// bit for bit what accumulate_column_sums(dx, ...) would add, for any thread count.
void relu_backward_into_summing_columns(const float* y, const float* dy, float* dx, std::size_t rows,
                                        std::size_t cols, float* column_sums);
void sigmoid(float* x, std::size_t n);
void sigmoid_backward(const float* y, float* dy, std::size_t n);    // dy *= y (1 - y)
void tanh(float* x, std::size_t n);
void tanh_backward(const float* y, float* dy, std::size_t n);       // dy *= 1 - y²
void softmax_rows(float* x, std::size_t rows, std::size_t cols);    // max-shifted: never overflows
void softmax_backward_rows(const float* y, float* dy, std::size_t rows, std::size_t cols);

void scale(float* x, std::size_t n, float factor);
void multiply(const float* a, float* out, std::size_t n);           // out *= a
void axpy(float alpha, const float* x, float* y, std::size_t n);    // y += alpha x
float sum_of_squares(const float* x, std::size_t n);
// out = in / divisor: a division, so that x / 255 matches NumPy and TF.js to the last bit
void bytes_to_float(const std::uint8_t* in, float* out, std::size_t n, float divisor);

}  // namespace neurite::kernels
