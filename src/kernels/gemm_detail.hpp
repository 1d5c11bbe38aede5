#pragma once
// Internals of sgemm shared with its tests and its benchmark: the tile and cache-block sizes, and
// the column-range entry point a thread pool will split work with. Layers use gemm.hpp only.
//
// The scheme is GotoBLAS/BLIS: op(B) is packed kKC × kNC at a time into column panels kNR wide,
// op(A) kMC × kKC at a time into row panels kMR tall, both zero-padded to whole panels, and a
// micro-kernel keeps a kMR × kNR tile of C in SIMD registers while it walks the k-depth of one
// A panel and one B panel (kMR broadcasts and kNR / lanes loads feed kMR * kNR / lanes FMAs).
#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "kernels/gemm.hpp"

namespace neurite::kernels::gemm_detail {

using Batch = xsimd::batch<float>;
constexpr std::size_t kLanes = Batch::size;  // 8 with AVX2, 4 with SSE or wasm SIMD128

// Micro-tile: kMR rows × kNB batches of C live in registers, plus kNB loads of B and one broadcast
// of A per k.
// - AVX2 (8 lanes, 16 ymm, FMA): 6 × 2 = 12 accumulators + 2 + 1 = 15 registers, a 6×16 tile (the
//   shape of BLIS's Haswell kernel).
// - 4 lanes (wasm SIMD128, also SSE): 4 × 2 = 8 accumulators, a 4×8 tile. wasm has no FMA, so each
//   multiply-add needs a temporary, and V8 has 15 SIMD registers: measured in headless Chromium 156
//   and Node 20, 4×8 beat 6×8 by 1.3–1.7× (35 vs 21–29 GFLOP/s on 512³), and 3×12 and 2×16 too.
constexpr std::size_t kNB = 2;
constexpr std::size_t kMR = kLanes >= 8 ? 6 : 4;
constexpr std::size_t kNR = kNB * kLanes;

// Cache blocks (this machine: AMD EPYC Zen 3, 32 KiB L1d and 512 KiB L2 per core):
// - kKC: k-depth of the packed panels. One kKC × kNR panel of B (16 KiB with AVX2) stays in L1
//   while every A panel of the block streams past it.
// - kMC: rows of op(A) packed at once (a multiple of kMR); kMC × kKC floats (96 KiB) stay in L2.
// - kNC: columns of op(B) packed at once (a multiple of kNR); kKC × kNC floats (4 MiB) sit in L3.
// Measured with a sweep (KC 128–512, MC 48–192, NC 1024–4096): on the MLP's shapes and 512³ every
// setting was within noise (±5%), as those fit in L2 anyway; these values follow the cache sizes.
// Each dimension is then split into equal blocks no larger than these (K = 784 becomes 4 × 196, not
// 3 × 256 + 16), so no call ends on a sliver of a block.
constexpr std::size_t kKC = 256;
constexpr std::size_t kMC = 16 * kMR;
constexpr std::size_t kNC = 256 * kNR;
static_assert(kMC % kMR == 0 && kNC % kNR == 0, "cache blocks must hold whole micro-panels");

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

// Computes columns [n_begin, n_end) of C (arguments already validated). Disjoint column ranges write
// disjoint parts of C and each thread packs into its own thread-local scratch, so a thread pool can
// split [0, N) between threads, preferably at multiples of kNR.
//
// `shared` optionally holds an operand packed once for all threads (pack_shared): op(A) whole when
// columns are split, op(B) whole when rows are split, instead of every thread packing all of it.
struct SharedPanels {
  const float* a = nullptr;  // op(A) packed for every k-block and row block, at (k0 · M' + i0 · kc)
  const float* b = nullptr;  // op(B) packed for every k-block, at k0 · N' (one column block only)
};
void sgemm_columns(const Problem& p, std::size_t n_begin, std::size_t n_end, const SharedPanels& shared = {});

// The problem restricted to rows [m_begin, m_end) of C.
Problem rows_of(const Problem& p, std::size_t m_begin, std::size_t m_end);

// A thread pool hand-off costs about as much as this many multiply-adds (~25 µs in wasm at
// 20 GFLOP/s): smaller products run on the calling thread alone.
constexpr std::size_t kMinMultiplyAddsPerChunk = std::size_t{1} << 18;

// sgemm_columns over all of C, split into row or column ranges across the thread pool. Every
// element of C is computed by the same sequence of operations whatever the split (the k-blocking
// depends on K alone), so the result is bit-for-bit the same for any thread count.
void sgemm_parallel(const Problem& p);

}  // namespace neurite::kernels::gemm_detail
