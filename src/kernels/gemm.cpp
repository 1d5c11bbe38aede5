#include "kernels/gemm.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kernels/gemm_detail.hpp"
#include "kernels/parallel.hpp"

namespace neurite::kernels {
namespace gemm_detail {
namespace {

using std::size_t;

// ---- scratch ---------------------------------------------------------------------------------

using AlignedVector = std::vector<float, xsimd::aligned_allocator<float, 64>>;

// Packed panels live in per-thread buffers that only ever grow, so once the largest shape of a
// training run has been seen, no call allocates.
thread_local AlignedVector t_packed_a;
thread_local AlignedVector t_packed_b;

float* scratch(AlignedVector& buffer, size_t floats) {
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

// pack_transposed's last vector store may run up to one batch past the panel it fills.
constexpr size_t kPackSlack = kLanes;

size_t round_up(size_t n, size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

// Splits n (> 0) into equal blocks of at most `limit` (a multiple of `multiple`), each rounded up
// to `multiple`: 784 with limit 256 gives blocks of 196, not 256 + 256 + 256 + 16.
size_t balanced_block(size_t n, size_t limit, size_t multiple) {
  const size_t blocks = (n + limit - 1) / limit;
  return round_up((n + blocks - 1) / blocks, multiple);
}

// Where a k-block (and row block) starts in SharedPanels: op(A) whole, k-block by k-block, each
// holding its row blocks' panels in turn; op(B) whole (one column block), k-block by k-block.
size_t shared_a_offset(const Problem& p, size_t pc, size_t ic, size_t kc) { return pc * round_up(p.M, kMR) + ic * kc; }
size_t shared_b_offset(size_t n, size_t pc) { return pc * round_up(n, kNR); }

// ---- packing ---------------------------------------------------------------------------------
//
// A packed panel holds `depth` groups of Width floats: element (d, l) at panel[d * Width + l], lines
// l >= `lines` zero. A panels are kMR wide (lines = rows of op(A), depth = k); B panels are kNR wide
// (lines = columns of op(B), depth = k). Which routine packs a panel depends only on whether the
// panel's lines run across memory (pack_direct) or along it (pack_transposed).

// Panels are a whole number of batches wide (B panels; A panels with 4-lane SIMD) or narrower than
// one batch (A panels with AVX2: 6 < 8). Narrow panels are still written with whole-batch stores:
// the extra lanes spill into the start of the next depth row, which is written after them
// (hence kPackSlack past the last panel).
static_assert(kNR % kLanes == 0 && (kMR % kLanes == 0 || kMR < kLanes), "panel widths pack_* can handle");

// Source element (d, l) at src[d * ld + l]: op(A) with ta == Yes, op(B) with tb == No. Packs all the
// block's panels depth row by depth row, so the source is read along its rows (a panel at a time
// would walk down columns with stride ld, which for power-of-two ld thrashes a few cache sets).
template <size_t Width>
void pack_direct(const float* src, size_t ld, size_t lines, size_t depth, float* packed) {
  const size_t whole = lines / Width * Width;  // lines that fill whole panels
  const size_t rest = lines - whole;
  for (size_t d = 0; d < depth; ++d, src += ld) {
    float* dst = packed + d * Width;
    // In this order the next panel's first row is already packed: the last row must not spill.
    const bool may_spill = d + 1 < depth;
    for (size_t l = 0; l < whole; l += Width, dst += Width * depth) {
      if constexpr (Width % kLanes == 0) {
        for (size_t v = 0; v < Width; v += kLanes) Batch::load_unaligned(src + l + v).store_unaligned(dst + v);
      } else if (may_spill && l + kLanes <= lines) {
        Batch::load_unaligned(src + l).store_unaligned(dst);
      } else {
        for (size_t v = 0; v < Width; ++v) dst[v] = src[l + v];
      }
    }
    if (rest != 0)  // fixed trip count and a condition: stays inline instead of becoming memcpy + memset
      for (size_t v = 0; v < Width; ++v) dst[v] = v < rest ? src[whole + v] : 0.0f;
  }
}

// Source element (d, l) at src[l * ld + d]: op(A) with ta == No, op(B) with tb == Yes. Loads kLanes
// lines × kLanes depths, transposes them in registers and stores kLanes depth rows.
template <size_t Width>
void pack_transposed(const float* src, size_t ld, size_t lines, size_t depth, float* panel) {
  size_t d = 0;
  for (; d + kLanes <= depth; d += kLanes)
    for (size_t g = 0; g < Width; g += kLanes) {  // lines g .. g + kLanes
      Batch block[kLanes];
      for (size_t r = 0; r < kLanes; ++r)
        block[r] = g + r < lines ? Batch::load_unaligned(src + (g + r) * ld + d) : Batch(0.0f);
      xsimd::transpose(block, block + kLanes);
      for (size_t t = 0; t < kLanes; ++t) block[t].store_unaligned(panel + (d + t) * Width + g);
    }
  for (; d < depth; ++d)  // depth tail, one row at a time
    for (size_t l = 0; l < Width; ++l) panel[d * Width + l] = l < lines ? src[l * ld + d] : 0.0f;
}

// Packs op(A)[i0 .. i0+mc, k0 .. k0+kc] into kMR-row panels.
void pack_a(const Problem& p, size_t i0, size_t mc, size_t k0, size_t kc, float* packed) {
  if (p.ta == Trans::Yes) return pack_direct<kMR>(p.A + k0 * p.lda + i0, p.lda, mc, kc, packed);
  for (size_t ir = 0; ir < mc; ir += kMR, packed += kMR * kc)
    pack_transposed<kMR>(p.A + (i0 + ir) * p.lda + k0, p.lda, std::min(kMR, mc - ir), kc, packed);
}

// Packs op(B)[k0 .. k0+kc, j0 .. j0+nc] into kNR-column panels.
void pack_b(const Problem& p, size_t k0, size_t kc, size_t j0, size_t nc, float* packed) {
  if (p.tb == Trans::No) return pack_direct<kNR>(p.B + k0 * p.ldb + j0, p.ldb, nc, kc, packed);
  for (size_t jr = 0; jr < nc; jr += kNR, packed += kNR * kc)
    pack_transposed<kNR>(p.B + (j0 + jr) * p.ldb + k0, p.ldb, std::min(kNR, nc - jr), kc, packed);
}

// ---- micro-kernel ----------------------------------------------------------------------------

// How a tile of C is written: C = alpha * acc + beta * C (beta == 0 never reads C), then, on the
// last k-block only, + bias[j] and relu, exactly as add_row_bias and relu would in later passes
// (bias points at the tile's first column; nullptr: none).
struct TileStore {
  float alpha, beta;
  const float* bias;
  bool relu;
};

Batch finish(Batch v, const float* bias, bool relu) {
  if (bias) v = v + Batch::load_unaligned(bias);
  return relu ? xsimd::max(v, Batch(0.0f)) : v;
}

// The common cases without per-element conditions: a whole tile written (beta 0) or added to C
// (beta 1, a later k-block), with the bias and relu epilogue if asked for. With a short k-loop (K = 32
// in a weight gradient, 9 in a 3×3 convolution) the general path's tests cost as much as the
// multiply-adds.
template <size_t Rows, size_t Batches>
bool store_plain_tile(const Batch (&acc)[Rows][Batches], float* c, size_t ldc, size_t cols, const TileStore& out) {
  if (cols != Batches * kLanes || out.alpha != 1.0f || (out.beta != 0.0f && out.beta != 1.0f)) return false;
  const bool accumulate = out.beta == 1.0f;
  Batch bias[Batches];
  for (size_t j = 0; j < Batches; ++j) bias[j] = out.bias ? Batch::load_unaligned(out.bias + j * kLanes) : Batch(0.0f);
  for (size_t i = 0; i < Rows; ++i, c += ldc)
    for (size_t j = 0; j < Batches; ++j) {
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
template <size_t Rows, size_t Batches>
void store_tile(const Batch (&acc)[Rows][Batches], float* c, size_t ldc, size_t cols, const TileStore& out) {
  if (store_plain_tile(acc, c, ldc, cols, out)) return;
  const Batch va(out.alpha), vb(out.beta);
  for (size_t i = 0; i < Rows; ++i, c += ldc)
    for (size_t j = 0; j < Batches; ++j) {
      float* cij = c + j * kLanes;
      const float* bias = out.bias ? out.bias + j * kLanes : nullptr;
      const Batch scaled = out.alpha == 1.0f ? acc[i][j] : acc[i][j] * va;
      if ((j + 1) * kLanes <= cols) {
        const Batch v = out.beta == 0.0f ? scaled : xsimd::fma(vb, Batch::load_unaligned(cij), scaled);
        finish(v, bias, out.relu).store_unaligned(cij);
      } else if (j * kLanes < cols) {
        const size_t rest = cols - j * kLanes;
        alignas(64) float tail[kLanes], bias_tail[kLanes];
        scaled.store_aligned(tail);
        // fixed trip counts and a condition: stays inline instead of becoming memcpy calls
        for (size_t l = 0; l < kLanes; ++l) {
          if (l < rest && out.beta != 0.0f) tail[l] = out.beta * cij[l] + tail[l];
          bias_tail[l] = bias && l < rest ? bias[l] : 0.0f;
        }
        finish(Batch::load_aligned(tail), bias ? bias_tail : nullptr, out.relu).store_aligned(tail);
        for (size_t l = 0; l < kLanes; ++l)
          if (l < rest) cij[l] = tail[l];
      }
    }
}

// One Rows × (Batches * kLanes) tile of C from a packed A panel (stride kMR) and a packed B panel
// (stride kNR). Rows < kMR and Batches < kNB serve the bottom and right edges of C without doing the
// padded panel's wasted work.
template <size_t Rows, size_t Batches>
void micro_kernel(size_t kc, const float* a, const float* b, float* c, size_t ldc, size_t cols, const TileStore& out) {
  Batch acc[Rows][Batches];
  for (auto& row : acc)
    for (auto& x : row) x = Batch(0.0f);

  // One k per iteration, deliberately: unrolled by two, clang interleaves the two steps, the B
  // loads of both are live at once and V8 spills (measured in Chromium: 22 vs 35 GFLOP/s on 512³).
#ifdef __clang__
#pragma clang loop unroll(disable)
#endif
  for (size_t k = 0; k < kc; ++k, a += kMR, b += kNR) {
    Batch bj[Batches];
    // load_unaligned: as fast on aligned data, and it skips xsimd's alignment assert when NDEBUG is unset
    for (size_t j = 0; j < Batches; ++j) bj[j] = Batch::load_unaligned(b + j * kLanes);
    for (size_t i = 0; i < Rows; ++i) {
      const Batch ai(a[i]);
      for (size_t j = 0; j < Batches; ++j) acc[i][j] = xsimd::fma(ai, bj[j], acc[i][j]);
    }
  }

  store_tile(acc, c, ldc, cols, out);
}

using MicroKernel = void (*)(size_t, const float*, const float*, float*, size_t, size_t, const TileStore&);

template <size_t Rows, size_t... B>
constexpr std::array<MicroKernel, kNB> kernels_for_rows(std::index_sequence<B...>) {
  return {&micro_kernel<Rows, B + 1>...};
}
template <size_t... R>
constexpr std::array<std::array<MicroKernel, kNB>, kMR> kernel_table(std::index_sequence<R...>) {
  return {kernels_for_rows<R + 1>(std::make_index_sequence<kNB>{})...};
}
// kKernels[rows - 1][batches - 1], for every tile size the edges of C can need.
constexpr auto kKernels = kernel_table(std::make_index_sequence<kMR>{});

// ---- macro-kernel and blocking ---------------------------------------------------------------

// C[mc, nc] (=|+=) packed A [mc, kc] × packed B [kc, nc], tile by tile. The B panel is the outer loop so
// that it stays in L1 while the A panels of the block (in L2) stream past it.
void multiply_packed(size_t mc, size_t nc, size_t kc, const float* packed_a, const float* packed_b, float* c,
                     size_t ldc, const TileStore& out) {
  for (size_t jr = 0; jr < nc; jr += kNR) {
    const size_t cols = std::min(kNR, nc - jr);
    const size_t batches = (cols + kLanes - 1) / kLanes;
    for (size_t ir = 0; ir < mc; ir += kMR) {
      const size_t rows = std::min(kMR, mc - ir);
      const TileStore tile{out.alpha, out.beta, out.bias ? out.bias + jr : nullptr, out.relu};
      kKernels[rows - 1][batches - 1](kc, packed_a + ir * kc, packed_b + jr * kc, c + ir * ldc + jr, ldc, cols, tile);
    }
  }
}

// C = beta * C on columns [n_begin, n_end): the whole job when alpha == 0 or K == 0.
void scale_columns(const Problem& p, size_t n_begin, size_t n_end) {
  for (size_t i = 0; i < p.M; ++i) {
    float* row = p.C + i * p.ldc;
    for (size_t j = n_begin; j < n_end; ++j) {
      float v = p.beta == 0.0f ? 0.0f : p.beta * row[j];
      if (p.epilogue.bias) v += p.epilogue.bias[j];
      row[j] = p.epilogue.relu ? std::max(v, 0.0f) : v;
    }
  }
}

}  // namespace

void sgemm_columns(const Problem& p, size_t n_begin, size_t n_end, const SharedPanels& shared) {
  if (n_begin >= n_end || p.M == 0) return;
  if (p.K == 0 || p.alpha == 0.0f) return scale_columns(p, n_begin, n_end);

  const size_t kc_max = balanced_block(p.K, kKC, 1);
  const size_t mc_max = balanced_block(p.M, kMC, kMR);
  const size_t nc_max = balanced_block(n_end - n_begin, kNC, kNR);
  float* const packed_a = shared.a ? nullptr : scratch(t_packed_a, mc_max * kc_max + kPackSlack);
  float* const packed_b = shared.b ? nullptr : scratch(t_packed_b, nc_max * kc_max + kPackSlack);

  for (size_t jc = n_begin; jc < n_end; jc += nc_max) {
    const size_t nc = std::min(nc_max, n_end - jc);
    for (size_t pc = 0; pc < p.K; pc += kc_max) {
      const size_t kc = std::min(kc_max, p.K - pc);
      const bool last = pc + kc == p.K;
      const TileStore out{p.alpha, pc == 0 ? p.beta : 1.0f,  // later k-blocks accumulate onto the first
                          last && p.epilogue.bias ? p.epilogue.bias + jc : nullptr, last && p.epilogue.relu};
      const float* b = shared.b ? shared.b + shared_b_offset(nc, pc) : packed_b;
      if (!shared.b) pack_b(p, pc, kc, jc, nc, packed_b);
      for (size_t ic = 0; ic < p.M; ic += mc_max) {
        const size_t mc = std::min(mc_max, p.M - ic);
        const float* a = shared.a ? shared.a + shared_a_offset(p, pc, ic, kc) : packed_a;
        if (!shared.a) pack_a(p, ic, mc, pc, kc, packed_a);
        multiply_packed(mc, nc, kc, a, b, p.C + ic * p.ldc + jc, p.ldc, out);
      }
    }
  }
}

Problem rows_of(const Problem& p, size_t m_begin, size_t m_end) {
  Problem rows = p;
  rows.M = m_end - m_begin;
  rows.A = p.ta == Trans::No ? p.A + m_begin * p.lda : p.A + m_begin;
  rows.C = p.C + m_begin * p.ldc;
  return rows;
}

namespace {

// Below this many floats an operand is cheaper to pack again in every thread than to pack once in
// a hand-off of its own.
constexpr size_t kMinSharedPanelFloats = size_t{1} << 15;

// Packs the operand that every chunk would otherwise pack whole, once, its k-blocks spread over the
// pool, into the layout SharedPanels describes. Returns {} when that does not pay.
SharedPanels pack_shared(const Problem& p, bool split_columns) {
  const size_t kc_max = balanced_block(p.K, kKC, 1);
  static thread_local AlignedVector panels;  // grow-only, the caller's: helpers only read it
  if (split_columns) {
    const size_t padded_m = round_up(p.M, kMR), mc_max = balanced_block(p.M, kMC, kMR);
    if (padded_m * p.K < kMinSharedPanelFloats) return {};
    float* const a = scratch(panels, padded_m * p.K + kPackSlack);
    const auto pack_block = [&](size_t block) {
      const size_t pc = block * kc_max, kc = std::min(kc_max, p.K - pc);
      for (size_t ic = 0; ic < p.M; ic += mc_max)
        pack_a(p, ic, std::min(mc_max, p.M - ic), pc, kc, a + shared_a_offset(p, pc, ic, kc));
    };
    const size_t blocks = (p.K + kc_max - 1) / kc_max;
    // A panels narrower than a batch (6 rows with AVX2) spill past a block's end into the next one:
    // those are packed in order, on one thread, so each block overwrites the spill before it
    if (kMR % kLanes == 0)
      parallel_for(blocks, pack_block);
    else
      for (size_t block = 0; block < blocks; ++block) pack_block(block);
    return {a, nullptr};
  }
  const size_t padded_n = round_up(p.N, kNR);
  if (padded_n * p.K < kMinSharedPanelFloats || p.N > kNC) return {};  // one column block only
  float* const b = scratch(panels, padded_n * p.K + kPackSlack);
  parallel_for((p.K + kc_max - 1) / kc_max, [&](size_t block) {
    const size_t pc = block * kc_max;
    pack_b(p, pc, std::min(kc_max, p.K - pc), 0, p.N, b + shared_b_offset(p.N, pc));
  });
  return {nullptr, b};
}

}  // namespace

void sgemm_parallel(const Problem& p) {
  // Split the longer side of C (a conv forward, 21632×64, splits rows; the MLP's 32×128 splits
  // columns). Every chunk needs all of the other operand: packed once and shared when it is big
  // (the cnn's Dense 10816→10 forward, 32×10, packs its 10816×10 kernel once, not per thread).
  const bool split_columns = p.N >= p.M;
  const size_t length = split_columns ? p.N : p.M, unit = split_columns ? kNR : kMR;
  const size_t chunks = std::min((length + unit - 1) / unit,
                                 chunks_for(p.M * p.N * std::max<size_t>(p.K, 1), kMinMultiplyAddsPerChunk));
  if (chunks <= 1 || p.K == 0 || p.alpha == 0.0f) return sgemm_columns(p, 0, p.N);
  const SharedPanels shared = pack_shared(p, split_columns);
  const size_t step = round_up((length + chunks - 1) / chunks, unit);
  parallel_for((length + step - 1) / step, [&](size_t chunk) {
    const size_t begin = chunk * step, end = std::min(length, begin + step);
    if (split_columns)
      sgemm_columns(p, begin, end, shared);
    else
      sgemm_columns(rows_of(p, begin, end), 0, p.N, shared);
  });
}

}  // namespace gemm_detail

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

  const gemm_detail::Problem problem{ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, epilogue};
  gemm_detail::sgemm_parallel(problem);
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
