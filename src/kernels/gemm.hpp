#pragma once
// Single-precision matrix multiply (SGEMM): the hot loop of every Dense layer (forward, weight
// gradient, input gradient) and of convolution via im2col. All matrices are row-major; leading
// dimensions count elements between the starts of consecutive rows.
#include <cstddef>

namespace neurite::kernels {

enum class Trans : bool { No = false, Yes = true };

// The activations the GEMM can apply in its epilogue (an Activation says which it is, if any:
// activations/activation.hpp); any other runs in a pass of its own afterwards.
enum class FusedActivation { None, Relu };

// Applied to every element of C once the product is complete, while the tile is still in registers:
// C[i, j] += bias[j] (bias has N values; nullptr: none), then the activation. The result is bit for
// bit what add_row_bias and relu (kernels/elementwise.hpp) give in passes of their own; a layer's
// forward saves two passes over its output.
struct Epilogue {
  const float* bias = nullptr;
  FusedActivation activation = FusedActivation::None;
};

// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, where op(X) = X or X^T. Row-major.
// A is M×K (lda >= K) when ta == No, K×M (lda >= M) when Yes; B is K×N (ldb >= N) or N×K (ldb >= K).
// beta == 0 means C is overwritten (never read, so NaNs in C do not propagate); alpha == 0 or K == 0
// means A and B are not read (C = beta * C), as in BLAS.
// Throws std::invalid_argument when a leading dimension is too small or a needed pointer is null.
// Steady state allocates nothing: packing scratch is thread-local and grow-only.
void sgemm(Trans ta, Trans tb, std::size_t M, std::size_t N, std::size_t K, float alpha,
           const float* A, std::size_t lda, const float* B, std::size_t ldb,
           float beta, float* C, std::size_t ldc, Epilogue epilogue = {});

// The plain triple loop (double accumulator) the tests and the benchmark compare against.
void sgemm_reference(Trans ta, Trans tb, std::size_t M, std::size_t N, std::size_t K, float alpha,
                     const float* A, std::size_t lda, const float* B, std::size_t ldb,
                     float beta, float* C, std::size_t ldc);

}  // namespace neurite::kernels
