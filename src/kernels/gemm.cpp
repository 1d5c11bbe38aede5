#include "kernels/gemm.hpp"

#include <stdexcept>
#include <string>

#include "kernels/gemm_detail.hpp"
#include "kernels/kernel_set.hpp"

namespace neurite::kernels {
namespace {

void check_leading_dimension(const char* name, std::size_t ld, std::size_t row_length, const char* what) {
  if (ld < row_length)
    throw std::invalid_argument(std::string("sgemm: ") + name + " = " + std::to_string(ld) + " is smaller than " +
                                what + " = " + std::to_string(row_length));
}

}  // namespace

void sgemm(Trans ta, Trans tb, std::size_t M, std::size_t N, std::size_t K, float alpha, const float* A,
           std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc, Epilogue epilogue) {
  check_leading_dimension("lda", lda, ta == Trans::No ? K : M, ta == Trans::No ? "K (A is M×K)" : "M (A is K×M)");
  check_leading_dimension("ldb", ldb, tb == Trans::No ? N : K, tb == Trans::No ? "N (B is K×N)" : "K (B is N×K)");
  check_leading_dimension("ldc", ldc, N, "N (C is M×N)");
  if (M == 0 || N == 0) return;
  if (C == nullptr) throw std::invalid_argument("sgemm: C is null for a non-empty M×N result");
  if (K != 0 && alpha != 0.0f && (A == nullptr || B == nullptr))
    throw std::invalid_argument("sgemm: A or B is null while K > 0 and alpha != 0");

  // the packed, threaded kernel of the instruction set in use (kernels/simd/gemm.hpp)
  active_kernels().sgemm({ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, epilogue});
}

void sgemm_reference(Trans ta, Trans tb, std::size_t M, std::size_t N, std::size_t K, float alpha, const float* A,
                     std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc) {
  const auto a = [&](std::size_t i, std::size_t k) { return ta == Trans::No ? A[i * lda + k] : A[k * lda + i]; };
  const auto b = [&](std::size_t k, std::size_t j) { return tb == Trans::No ? B[k * ldb + j] : B[j * ldb + k]; };
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double sum = 0.0;
      for (std::size_t k = 0; k < K; ++k) sum += double(a(i, k)) * double(b(k, j));
      double out = double(alpha) * sum;
      if (beta != 0.0f) out += double(beta) * double(C[i * ldc + j]);
      C[i * ldc + j] = float(out);
    }
}

}  // namespace neurite::kernels
