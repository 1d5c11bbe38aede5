#pragma once
// SGEMM (kernels/gemm.hpp) for one instruction set: Gemm<Arch>, compiled once per target by
// target.cpp. The blocking scheme is in kernels/gemm_detail.hpp. Every routine here works for
// any batch width: panels may be narrower than a batch (6 rows against AVX-512's 16 lanes), a
// whole number of batches, or neither, and no store ever writes outside the panel or tile it fills.
#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "kernels/gemm_detail.hpp"
#include "kernels/parallel.hpp"
#include "kernels/simd/madd.hpp"
#include "kernels/simd/scratch.hpp"

namespace neurite::kernels::simd {
namespace {

using gemm_detail::Problem;

// The micro-tile: Rows rows × Batches batches of C live in registers, plus Batches loads of B and one
// broadcast of A per k. Any width works with the general case; the tuned ones:
// - 4 lanes (wasm SIMD128, SSE2): 4 × 2 = 8 accumulators, a 4×8 tile. Without FMA each
//   multiply-add needs a temporary, and V8 has 15 SIMD registers: measured in headless Chromium 156
//   and Node 20, 4×8 beat 6×8 by 1.3–1.7× (35 vs 21–29 GFLOP/s on 512³), and 3×12 and 2×16 too. With
//   relaxed SIMD's fused madd (the -relaxed wasm build) 4×8 still wins: on the mlp's 32×128×784 in
//   Chromium 156 (AMD EPYC, 2 rounds) 44 GFLOP/s against 43 for 6×8, 41 for 5×8 and 28–30 for 4×12 (a noisy round: the plain build fell too).
// - 8 lanes (AVX2, 16 ymm, FMA): 6 × 2 = 12 accumulators + 2 + 1 = 15 registers, a 6×16 tile (the
//   shape of BLIS's Haswell kernel).
// - 16 lanes (AVX-512, 32 zmm, FMA): see MicroTile<16>.
template <std::size_t Lanes>
struct MicroTile {
  static constexpr std::size_t rows = 4, batches = 2;
};
template <>
struct MicroTile<8> {
  static constexpr std::size_t rows = 6, batches = 2;
};
template <>
struct MicroTile<16> {
  static constexpr std::size_t rows = 6, batches = 2;
};

std::size_t round_up(std::size_t n, std::size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

// Splits n (> 0) into equal blocks of at most `limit` (a multiple of `multiple`), each rounded up
// to `multiple`: 784 with limit 256 gives blocks of 196, not 256 + 256 + 256 + 16.
std::size_t balanced_block(std::size_t n, std::size_t limit, std::size_t multiple) {
  const std::size_t blocks = (n + limit - 1) / limit;
  return round_up((n + blocks - 1) / blocks, multiple);
}

template <class Arch>
struct Gemm {
  using Batch = xsimd::batch<float, Arch>;
  static constexpr std::size_t kLanes = Batch::size;
  static constexpr std::size_t kMR = MicroTile<kLanes>::rows;
  static constexpr std::size_t kNB = MicroTile<kLanes>::batches;
  static constexpr std::size_t kNR = kNB * kLanes;

  // Cache blocks (this machine: AMD EPYC Zen 3, 32 KiB L1d and 512 KiB L2 per core):
  // - kKC: k-depth of the packed panels. One kKC × kNR panel of B (16 KiB with AVX2) stays in L1
  //   while every A panel of the block streams past it.
  // - kMC: rows of op(A) packed at once (a multiple of kMR); kMC × kKC floats (96 KiB) stay in L2.
  // - kNC: columns of op(B) packed at once (a multiple of kNR); kKC × kNC floats (4 MiB) sit in L3.
  // Measured with a sweep (KC 128–512, MC 48–192, NC 1024–4096): on the MLP's shapes and 512³ every
  // setting was within noise (±5%), as those fit in L2 anyway; these values follow the cache sizes.
  // Each dimension is then split into equal blocks no larger than these (K = 784 becomes 4 × 196, not
  // 3 × 256 + 16), so no call ends on a sliver of a block.
  static constexpr std::size_t kKC = 256;
  static constexpr std::size_t kMC = 16 * kMR;
  static constexpr std::size_t kNC = 256 * kNR;
  static_assert(kMC % kMR == 0 && kNC % kNR == 0, "cache blocks must hold whole micro-panels");

  static constexpr gemm_detail::Blocking blocking() { return {kLanes, kMR, kNR, kKC, kMC, kNC}; }

  // op(A) or op(B) packed once for all threads (pack_shared): op(A) whole when columns are split,
  // op(B) whole when rows are split, instead of every thread packing all of it.
  struct SharedPanels {
    const float* a = nullptr;  // op(A) packed for every k-block and row block, at shared_a_offset
    const float* b = nullptr;  // op(B) packed for every k-block, at shared_b_offset (one column block only)
  };
  static std::size_t shared_a_offset(const Problem& p, std::size_t pc, std::size_t ic, std::size_t kc) {
    return pc * round_up(p.M, kMR) + ic * kc;
  }
  static std::size_t shared_b_offset(std::size_t n, std::size_t pc) { return pc * round_up(n, kNR); }

  // ---- packing -------------------------------------------------------------------------------
  //
  // A packed panel holds `depth` rows of Width floats: element (d, l) at panel[d * Width + l], lines
  // l >= `lines` zero. A panels are kMR wide (lines = rows of op(A), depth = k); B panels are kNR wide
  // (lines = columns of op(B), depth = k). Which routine packs a panel depends only on whether the
  // panel's lines run across memory (pack_direct) or along it (pack_transposed).
  //
  // A row narrower than a batch (or a row's last, partial batch) is still written with one batch
  // store where the extra lanes land inside the same panel, on rows that are written after it;
  // elsewhere, lane by lane. So every panel is written inside its own bounds, and panels can be
  // packed in any order, by any thread.

  // Whether a batch store at row d, lane offset `at` of a panel of `depth` rows of Width floats
  // stays inside the panel.
  template <std::size_t Width>
  static bool batch_fits(std::size_t d, std::size_t at, std::size_t depth) {
    return d * Width + at + kLanes <= depth * Width;
  }

  // Source element (d, l) at src[d * ld + l]: op(A) with ta == Yes, op(B) with tb == No. Packs all the
  // block's panels row by row, so the source is read along its rows (a panel at a time would walk
  // down columns with stride ld, which for power-of-two ld thrashes a few cache sets); row d of a
  // panel is written before row d + 1, as the stores above need.
  template <std::size_t Width>
  static void pack_direct(const float* src, std::size_t ld, std::size_t lines, std::size_t depth, float* packed) {
    const std::size_t whole = lines / Width * Width;  // lines that fill whole panels
    const std::size_t rest = lines - whole;
    for (std::size_t d = 0; d < depth; ++d, src += ld) {
      float* dst = packed + d * Width;
      for (std::size_t l = 0; l < whole; l += Width, dst += Width * depth) {
        std::size_t v = 0;
        for (; v + kLanes <= Width; v += kLanes) Batch::load_unaligned(src + l + v).store_unaligned(dst + v);
        if constexpr (Width % kLanes != 0) {
          if (l + v + kLanes <= lines && batch_fits<Width>(d, v, depth))
            Batch::load_unaligned(src + l + v).store_unaligned(dst + v);
          else
            for (std::size_t u = v; u < Width; ++u) dst[u] = src[l + u];
        }
      }
      if (rest != 0)  // fixed trip count and a condition: stays inline instead of becoming memcpy + memset
        for (std::size_t u = 0; u < Width; ++u) dst[u] = u < rest ? src[whole + u] : 0.0f;
    }
  }

  // Source element (d, l) at src[l * ld + d]: op(A) with ta == No, op(B) with tb == Yes. Loads kLanes
  // lines × kLanes depths, transposes them in registers and stores kLanes rows.
  template <std::size_t Width>
  static void pack_transposed(const float* src, std::size_t ld, std::size_t lines, std::size_t depth, float* panel) {
    std::size_t d = 0;
    // A panel at most half a batch wide (6 rows against AVX-512's 16 lanes) would transpose more
    // zero lines than real ones (and xsimd transposes 16 × 16 through memory): copy it float by float.
    if constexpr (2 * Width > kLanes)
      for (; d + kLanes <= depth; d += kLanes)
        for (std::size_t g = 0; g < Width; g += kLanes) {  // lines g .. g + kLanes
          Batch block[kLanes];
          for (std::size_t r = 0; r < kLanes; ++r)
            block[r] = g + r < lines ? Batch::load_unaligned(src + (g + r) * ld + d) : Batch(0.0f);
          xsimd::transpose(block, block + kLanes);
          const std::size_t count = std::min(kLanes, Width - g);
          for (std::size_t t = 0; t < kLanes; ++t) {
            float* dst = panel + (d + t) * Width + g;
            // a partial group's extra lanes would land on the next row's earlier groups, already written
            if (count == kLanes || (g == 0 && batch_fits<Width>(d + t, 0, depth))) {
              block[t].store_unaligned(dst);
            } else {
              alignas(64) float lanes[kLanes];
              block[t].store_unaligned(lanes);
              for (std::size_t l = 0; l < count; ++l) dst[l] = lanes[l];
            }
          }
        }
    for (; d < depth; ++d)  // depth tail (or all of a narrow panel), one row at a time
      for (std::size_t l = 0; l < Width; ++l) panel[d * Width + l] = l < lines ? src[l * ld + d] : 0.0f;
  }

  // Packs op(A)[i0 .. i0+mc, k0 .. k0+kc] into kMR-row panels.
  static void pack_a(const Problem& p, std::size_t i0, std::size_t mc, std::size_t k0, std::size_t kc, float* packed) {
    if (p.ta == Trans::Yes) return pack_direct<kMR>(p.A + k0 * p.lda + i0, p.lda, mc, kc, packed);
    for (std::size_t ir = 0; ir < mc; ir += kMR, packed += kMR * kc)
      pack_transposed<kMR>(p.A + (i0 + ir) * p.lda + k0, p.lda, std::min(kMR, mc - ir), kc, packed);
  }

  // Packs op(B)[k0 .. k0+kc, j0 .. j0+nc] into kNR-column panels.
  static void pack_b(const Problem& p, std::size_t k0, std::size_t kc, std::size_t j0, std::size_t nc, float* packed) {
    if (p.tb == Trans::No) return pack_direct<kNR>(p.B + k0 * p.ldb + j0, p.ldb, nc, kc, packed);
    for (std::size_t jr = 0; jr < nc; jr += kNR, packed += kNR * kc)
      pack_transposed<kNR>(p.B + (j0 + jr) * p.ldb + k0, p.ldb, std::min(kNR, nc - jr), kc, packed);
  }

  // ---- micro-kernel --------------------------------------------------------------------------

  // How a tile of C is written: C = alpha * acc + beta * C (beta == 0 never reads C), then, on the
  // last k-block only, + bias[j] and relu, exactly as add_row_bias and relu would in later passes
  // (bias points at the tile's first column; nullptr: none).
  struct TileStore {
    float alpha, beta;
    const float* bias;
    bool relu;
  };

  static Batch finish(Batch v, const float* bias, bool relu) {
    if (bias) v = v + Batch::load_unaligned(bias);
    return relu ? xsimd::max(v, Batch(0.0f)) : v;
  }

  // The common cases without per-element conditions: a whole tile written (beta 0) or added to C
  // (beta 1, a later k-block), with the bias and relu epilogue if asked for. With a short k-loop (K = 32
  // in a weight gradient, 9 in a 3×3 convolution) the general path's tests cost as much as the
  // multiply-adds.
  template <std::size_t Rows, std::size_t Batches>
  static bool store_plain_tile(const Batch (&acc)[Rows][Batches], float* c, std::size_t ldc, std::size_t cols,
                               const TileStore& out) {
    if (cols != Batches * kLanes || out.alpha != 1.0f || (out.beta != 0.0f && out.beta != 1.0f)) return false;
    const bool accumulate = out.beta == 1.0f;
    Batch bias[Batches];
    for (std::size_t j = 0; j < Batches; ++j) bias[j] = out.bias ? Batch::load_unaligned(out.bias + j * kLanes) : Batch(0.0f);
    for (std::size_t i = 0; i < Rows; ++i, c += ldc)
      for (std::size_t j = 0; j < Batches; ++j) {
        Batch v = accumulate ? Batch::load_unaligned(c + j * kLanes) + acc[i][j] : acc[i][j];
        if (out.bias) v = v + bias[j];  // the order of the general path, so the results are the same
        if (out.relu) v = xsimd::max(v, Batch(0.0f));
        v.store_unaligned(c + j * kLanes);
      }
    return true;
  }

  // Whole batches are stored with vector stores; the last, partial batch of a tile on the right edge
  // of C (cols < Batches * kLanes) goes through a zero-padded batch. (acc is only ever indexed by
  // unrolled loop counters: a run-time index would force the accumulators out of registers.)
  template <std::size_t Rows, std::size_t Batches>
  static void store_tile(const Batch (&acc)[Rows][Batches], float* c, std::size_t ldc, std::size_t cols,
                         const TileStore& out) {
    if (store_plain_tile(acc, c, ldc, cols, out)) return;
    const Batch va(out.alpha), vb(out.beta);
    for (std::size_t i = 0; i < Rows; ++i, c += ldc)
      for (std::size_t j = 0; j < Batches; ++j) {
        float* cij = c + j * kLanes;
        const float* bias = out.bias ? out.bias + j * kLanes : nullptr;
        const Batch scaled = out.alpha == 1.0f ? acc[i][j] : acc[i][j] * va;
        if ((j + 1) * kLanes <= cols) {
          const Batch v = out.beta == 0.0f ? scaled : madd(vb, Batch::load_unaligned(cij), scaled);
          finish(v, bias, out.relu).store_unaligned(cij);
        } else if (j * kLanes < cols) {
          const std::size_t rest = cols - j * kLanes;
          alignas(64) float tail[kLanes], bias_tail[kLanes];
          scaled.store_unaligned(tail);
          // fixed trip counts and a condition: stays inline instead of becoming memcpy calls
          for (std::size_t l = 0; l < kLanes; ++l) {
            if (l < rest && out.beta != 0.0f) tail[l] = out.beta * cij[l] + tail[l];
            bias_tail[l] = bias && l < rest ? bias[l] : 0.0f;
          }
          finish(Batch::load_unaligned(tail), bias ? bias_tail : nullptr, out.relu).store_unaligned(tail);
          for (std::size_t l = 0; l < kLanes; ++l)
            if (l < rest) cij[l] = tail[l];
        }
      }
  }

  // One Rows × (Batches * kLanes) tile of C from a packed A panel (stride kMR) and a packed B panel
  // (stride kNR). Rows < kMR and Batches < kNB serve the bottom and right edges of C without doing the
  // padded panel's wasted work.
  template <std::size_t Rows, std::size_t Batches>
  static void micro_kernel(std::size_t kc, const float* a, const float* b, float* c, std::size_t ldc, std::size_t cols,
                           const TileStore& out) {
    Batch acc[Rows][Batches];
    for (auto& row : acc)
      for (auto& x : row) x = Batch(0.0f);

    // One k per iteration, deliberately: unrolled by two, clang interleaves the two steps, the B
    // loads of both are live at once and V8 spills (measured in Chromium: 22 vs 35 GFLOP/s on 512³).
#ifdef __clang__
#pragma clang loop unroll(disable)
#endif
    for (std::size_t k = 0; k < kc; ++k, a += kMR, b += kNR) {
      Batch bj[Batches];
      // load_unaligned: as fast on aligned data, and it skips xsimd's alignment assert when NDEBUG is unset
      for (std::size_t j = 0; j < Batches; ++j) bj[j] = Batch::load_unaligned(b + j * kLanes);
      for (std::size_t i = 0; i < Rows; ++i) {
        const Batch ai(a[i]);
        for (std::size_t j = 0; j < Batches; ++j) acc[i][j] = madd(ai, bj[j], acc[i][j]);
      }
    }

    store_tile(acc, c, ldc, cols, out);
  }

  using MicroKernel = void (*)(std::size_t, const float*, const float*, float*, std::size_t, std::size_t,
                               const TileStore&);

  template <std::size_t Rows, std::size_t... B>
  static constexpr std::array<MicroKernel, kNB> kernels_for_rows(std::index_sequence<B...>) {
    return {&micro_kernel<Rows, B + 1>...};
  }
  template <std::size_t... R>
  static constexpr std::array<std::array<MicroKernel, kNB>, kMR> kernel_table(std::index_sequence<R...>) {
    return {kernels_for_rows<R + 1>(std::make_index_sequence<kNB>{})...};
  }

  // ---- macro-kernel and blocking -------------------------------------------------------------

  // C[mc, nc] (=|+=) packed A [mc, kc] × packed B [kc, nc], tile by tile. The B panel is the outer loop so
  // that it stays in L1 while the A panels of the block (in L2) stream past it.
  static void multiply_packed(std::size_t mc, std::size_t nc, std::size_t kc, const float* packed_a,
                              const float* packed_b, float* c, std::size_t ldc, const TileStore& out) {
    // kernels[rows - 1][batches - 1], for every tile size the edges of C can need
    static constexpr auto kernels = kernel_table(std::make_index_sequence<kMR>{});
    for (std::size_t jr = 0; jr < nc; jr += kNR) {
      const std::size_t cols = std::min(kNR, nc - jr);
      const std::size_t batches = (cols + kLanes - 1) / kLanes;
      for (std::size_t ir = 0; ir < mc; ir += kMR) {
        const std::size_t rows = std::min(kMR, mc - ir);
        const TileStore tile{out.alpha, out.beta, out.bias ? out.bias + jr : nullptr, out.relu};
        kernels[rows - 1][batches - 1](kc, packed_a + ir * kc, packed_b + jr * kc, c + ir * ldc + jr, ldc, cols, tile);
      }
    }
  }

  // C = beta * C on columns [n_begin, n_end): the whole job when alpha == 0 or K == 0.
  static void scale_columns(const Problem& p, std::size_t n_begin, std::size_t n_end) {
    for (std::size_t i = 0; i < p.M; ++i) {
      float* row = p.C + i * p.ldc;
      for (std::size_t j = n_begin; j < n_end; ++j) {
        float v = p.beta == 0.0f ? 0.0f : p.beta * row[j];
        if (p.epilogue.bias) v += p.epilogue.bias[j];
        row[j] = p.epilogue.activation == FusedActivation::Relu ? std::max(v, 0.0f) : v;
      }
    }
  }

  // Computes columns [n_begin, n_end) of C (arguments already validated). Disjoint column ranges write
  // disjoint parts of C and each thread packs into its own thread-local scratch, so a thread pool can
  // split [0, N) between threads, preferably at multiples of kNR.
  static void sgemm_columns(const Problem& p, std::size_t n_begin, std::size_t n_end, const SharedPanels& shared) {
    if (n_begin >= n_end || p.M == 0) return;
    if (p.K == 0 || p.alpha == 0.0f) return scale_columns(p, n_begin, n_end);

    static thread_local Scratch packed_a_scratch, packed_b_scratch;  // per thread: chunks pack in parallel
    const std::size_t kc_max = balanced_block(p.K, kKC, 1);
    const std::size_t mc_max = balanced_block(p.M, kMC, kMR);
    const std::size_t nc_max = balanced_block(n_end - n_begin, kNC, kNR);
    float* const packed_a = shared.a ? nullptr : grow(packed_a_scratch, mc_max * kc_max);
    float* const packed_b = shared.b ? nullptr : grow(packed_b_scratch, nc_max * kc_max);

    for (std::size_t jc = n_begin; jc < n_end; jc += nc_max) {
      const std::size_t nc = std::min(nc_max, n_end - jc);
      for (std::size_t pc = 0; pc < p.K; pc += kc_max) {
        const std::size_t kc = std::min(kc_max, p.K - pc);
        const bool last = pc + kc == p.K;
        const TileStore out{p.alpha, pc == 0 ? p.beta : 1.0f,  // later k-blocks accumulate onto the first
                            last && p.epilogue.bias ? p.epilogue.bias + jc : nullptr,
                            last && p.epilogue.activation == FusedActivation::Relu};
        const float* b = shared.b ? shared.b + shared_b_offset(nc, pc) : packed_b;
        if (!shared.b) pack_b(p, pc, kc, jc, nc, packed_b);
        for (std::size_t ic = 0; ic < p.M; ic += mc_max) {
          const std::size_t mc = std::min(mc_max, p.M - ic);
          const float* a = shared.a ? shared.a + shared_a_offset(p, pc, ic, kc) : packed_a;
          if (!shared.a) pack_a(p, ic, mc, pc, kc, packed_a);
          multiply_packed(mc, nc, kc, a, b, p.C + ic * p.ldc + jc, p.ldc, out);
        }
      }
    }
  }

  static void sgemm_columns_alone(const Problem& p, std::size_t n_begin, std::size_t n_end) {
    sgemm_columns(p, n_begin, n_end, {});
  }

  // The problem restricted to rows [m_begin, m_end) of C.
  static Problem rows_of(const Problem& p, std::size_t m_begin, std::size_t m_end) {
    Problem rows = p;
    rows.M = m_end - m_begin;
    rows.A = p.ta == Trans::No ? p.A + m_begin * p.lda : p.A + m_begin;
    rows.C = p.C + m_begin * p.ldc;
    return rows;
  }

  // Below this many floats an operand is cheaper to pack again in every thread than to pack once in
  // a hand-off of its own.
  static constexpr std::size_t kMinSharedPanelFloats = std::size_t{1} << 15;

  // Packs the operand that every chunk would otherwise pack whole, once, its k-blocks spread over the
  // pool, into the layout SharedPanels describes. Returns {} when that does not pay.
  static SharedPanels pack_shared(const Problem& p, bool split_columns) {
    const std::size_t kc_max = balanced_block(p.K, kKC, 1), blocks = (p.K + kc_max - 1) / kc_max;
    static thread_local Scratch panels;  // grow-only, the caller's: helpers only read it
    if (split_columns) {
      const std::size_t padded_m = round_up(p.M, kMR), mc_max = balanced_block(p.M, kMC, kMR);
      if (padded_m * p.K < kMinSharedPanelFloats) return {};
      float* const a = grow(panels, padded_m * p.K);
      parallel_for(blocks, [&](std::size_t block) {
        const std::size_t pc = block * kc_max, kc = std::min(kc_max, p.K - pc);
        for (std::size_t ic = 0; ic < p.M; ic += mc_max)
          pack_a(p, ic, std::min(mc_max, p.M - ic), pc, kc, a + shared_a_offset(p, pc, ic, kc));
      });
      return {a, nullptr};
    }
    const std::size_t padded_n = round_up(p.N, kNR);
    if (padded_n * p.K < kMinSharedPanelFloats || p.N > kNC) return {};  // one column block only
    float* const b = grow(panels, padded_n * p.K);
    parallel_for(blocks, [&](std::size_t block) {
      const std::size_t pc = block * kc_max;
      pack_b(p, pc, std::min(kc_max, p.K - pc), 0, p.N, b + shared_b_offset(p.N, pc));
    });
    return {nullptr, b};
  }

  // sgemm_columns over all of C, split into row or column ranges across the thread pool. Every
  // element of C is computed by the same sequence of operations whatever the split (the k-blocking
  // depends on K alone), so the result is bit-for-bit the same for any thread count.
  static void sgemm(const Problem& p) {
    // Split the longer side of C (a conv forward, 21632×64, splits rows; the MLP's 32×128 splits
    // columns). Every chunk needs all of the other operand: packed once and shared when it is big
    // (the cnn's Dense 10816→10 forward, 32×10, packs its 10816×10 kernel once, not per thread).
    const bool split_columns = p.N >= p.M;
    const std::size_t length = split_columns ? p.N : p.M, unit = split_columns ? kNR : kMR;
    const std::size_t chunks =
        std::min((length + unit - 1) / unit,
                 chunks_for(p.M * p.N * std::max<std::size_t>(p.K, 1), gemm_detail::min_multiply_adds_per_chunk(kLanes)));
    if (chunks <= 1 || p.K == 0 || p.alpha == 0.0f) return sgemm_columns(p, 0, p.N, {});
    const SharedPanels shared = pack_shared(p, split_columns);
    const std::size_t step = round_up((length + chunks - 1) / chunks, unit);
    parallel_for((length + step - 1) / step, [&](std::size_t chunk) {
      const std::size_t begin = chunk * step, end = std::min(length, begin + step);
      if (split_columns)
        sgemm_columns(p, begin, end, shared);
      else
        sgemm_columns(rows_of(p, begin, end), 0, p.N, shared);
    });
  }
};

}  // namespace
}  // namespace neurite::kernels::simd
