#pragma once
// Internals of sgemm shared by its per-instruction-set kernels (kernels/simd/gemm.hpp), its tests
// and its benchmark: the problem as one struct, and the blocking a kernel set uses. Layers use
// gemm.hpp only.
//
// The scheme is GotoBLAS/BLIS: op(B) is packed kc × nc at a time into column panels nr wide, op(A)
// mc × kc at a time into row panels mr tall, both zero-padded to whole panels, and a micro-kernel
// keeps an mr × nr tile of C in SIMD registers while it walks the k-depth of one A panel and one B
// panel (mr broadcasts and nr / lanes loads feed mr · nr / lanes multiply-adds per k).
#include <cstddef>

#include "kernels/gemm.hpp"

namespace neurite::kernels::gemm_detail {

struct Problem {
  Trans ta, tb;
  std::size_t M, N, K;
  float alpha;
  const float* A;
  std::size_t lda;
  const float* B;
  std::size_t ldb;
  float beta;
  float* C;
  std::size_t ldc;
  Epilogue epilogue;
};

// The blocking of one kernel set, in floats: SIMD lanes, the micro-tile (mr rows × nr columns) and
// the cache blocks (kc deep, mc rows, nc columns). Tests and benchmarks size their cases from it.
struct Blocking {
  std::size_t lanes, mr, nr, kc, mc, nc;
};

// A thread pool hand-off costs about as much as this many multiply-adds (~25 µs in wasm at
// 20 GFLOP/s): smaller products run on the calling thread alone.
constexpr std::size_t kMinMultiplyAddsPerChunk = std::size_t{1} << 18;

}  // namespace neurite::kernels::gemm_detail
