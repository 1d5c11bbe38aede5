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

// A thread pool hand-off costs about as much as this many multiply-adds of a kernel set with
// `lanes` floats per vector: smaller products run on the calling thread alone. Measured on a 2-vCPU
// machine, training the mlp (its GEMMs are 32×128×784, 3.2M multiply-adds) on 1 and 2 threads:
// natively (AVX-512) with 2^18 its GEMMs split and trained at 84k samples/s against 128k on one
// thread, with 2^21 as fast as on one (and the cnn 1.39× faster on 2 threads, not 1.0×); in wasm
// (4 lanes, relaxed SIMD) with 2^18 at 0.84× of one thread. So 2^21 in wasm and with AVX-512; the
// narrower native sets, slower per multiply-add, get 2^20 (AVX2) and 2^19 (SSE2): not measured.
constexpr std::size_t min_multiply_adds_per_chunk(std::size_t lanes) {
#ifdef __EMSCRIPTEN__
  return lanes << 19;
#else
  return lanes << 17;
#endif
}

}  // namespace neurite::kernels::gemm_detail
