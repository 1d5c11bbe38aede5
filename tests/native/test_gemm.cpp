// SGEMM: the packed kernel against the plain triple loop over every transpose combination, odd
// shapes that leave tails in every direction, shapes that cross the cache-block boundaries,
// non-minimal leading dimensions and alpha/beta; plus one small case worked out by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels/gemm_detail.hpp"
#include "kernels/kernel_set.hpp"

namespace {

using neurite::kernels::sgemm;
using neurite::kernels::sgemm_reference;
using neurite::kernels::Trans;
namespace detail = neurite::kernels::gemm_detail;

constexpr float kSentinel = -12345.0f;  // fills the gaps between rows of C: must survive

struct Case {
  Trans ta, tb;
  std::size_t M, N, K;
  float alpha, beta;
  std::size_t pad;  // extra elements per row on top of the minimal leading dimension
};

std::vector<float> random_matrix(std::size_t rows, std::size_t ld, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> m(rows * ld);
  for (auto& x : m) x = dist(rng);
  return m;
}

// Runs sgemm and sgemm_reference on the same random data and compares every element of C, and
// checks that the padding between rows of C is untouched.
void check_against_reference(const Case& c, std::mt19937& rng) {
  CAPTURE(static_cast<bool>(c.ta));
  CAPTURE(static_cast<bool>(c.tb));
  CAPTURE(c.M);
  CAPTURE(c.N);
  CAPTURE(c.K);
  CAPTURE(c.alpha);
  CAPTURE(c.beta);
  CAPTURE(c.pad);
  const std::size_t a_rows = c.ta == Trans::No ? c.M : c.K, a_cols = c.ta == Trans::No ? c.K : c.M;
  const std::size_t b_rows = c.tb == Trans::No ? c.K : c.N, b_cols = c.tb == Trans::No ? c.N : c.K;
  const std::size_t lda = a_cols + c.pad, ldb = b_cols + c.pad, ldc = c.N + c.pad;
  const auto a = random_matrix(a_rows, lda, rng);
  const auto b = random_matrix(b_rows, ldb, rng);
  auto expected = random_matrix(c.M, ldc, rng);
  for (std::size_t i = 0; i < c.M; ++i) std::fill(expected.begin() + i * ldc + c.N, expected.begin() + (i + 1) * ldc, kSentinel);
  auto got = expected;

  sgemm_reference(c.ta, c.tb, c.M, c.N, c.K, c.alpha, a.data(), lda, b.data(), ldb, c.beta, expected.data(), ldc);
  sgemm(c.ta, c.tb, c.M, c.N, c.K, c.alpha, a.data(), lda, b.data(), ldb, c.beta, got.data(), ldc);

  // Inputs are in [-1, 1]: float rounding error grows like sqrt(K) times the largest term.
  const float max_value = std::max(1.0f, std::max(std::abs(c.alpha), std::abs(c.beta)));
  const float tolerance = 1e-4f * std::sqrt(float(std::max<std::size_t>(c.K, 1))) * max_value;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < c.M; ++i)
    for (std::size_t j = 0; j < ldc; ++j) {
      const float want = expected[i * ldc + j], have = got[i * ldc + j];
      const bool ok = j < c.N ? std::abs(want - have) <= tolerance : have == kSentinel;
      if (!ok && bad++ < 3) {
        INFO("C(" << i << ", " << j << "): expected " << want << ", got " << have);
        CHECK(ok);
      }
    }
  CHECK(bad == 0);
}

constexpr Trans kBoth[] = {Trans::No, Trans::Yes};
struct AlphaBeta {
  float alpha, beta;
};
constexpr AlphaBeta kAlphaBetas[] = {{1.0f, 0.0f}, {0.5f, 2.0f}, {1.0f, 1.0f}};

}  // namespace

TEST_CASE("gemm.hand_computed_2x2") {
  // A = [1 2; 3 4], B = [5 6; 7 8]
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  float c[4];

  sgemm(Trans::No, Trans::No, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  // A B = [1*5+2*7  1*6+2*8; 3*5+4*7  3*6+4*8]
  CHECK(c[0] == 19.0f);
  CHECK(c[1] == 22.0f);
  CHECK(c[2] == 43.0f);
  CHECK(c[3] == 50.0f);

  sgemm(Trans::Yes, Trans::No, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  // A^T B = [1 3; 2 4] B = [1*5+3*7  1*6+3*8; 2*5+4*7  2*6+4*8]
  CHECK(c[0] == 26.0f);
  CHECK(c[1] == 30.0f);
  CHECK(c[2] == 38.0f);
  CHECK(c[3] == 44.0f);

  sgemm(Trans::No, Trans::Yes, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  // A B^T = A [5 7; 6 8] = [1*5+2*6  1*7+2*8; 3*5+4*6  3*7+4*8]
  CHECK(c[0] == 17.0f);
  CHECK(c[1] == 23.0f);
  CHECK(c[2] == 39.0f);
  CHECK(c[3] == 53.0f);

  sgemm(Trans::Yes, Trans::Yes, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  // A^T B^T = [1 3; 2 4] [5 7; 6 8] = [1*5+3*6  1*7+3*8; 2*5+4*6  2*7+4*8]
  CHECK(c[0] == 23.0f);
  CHECK(c[1] == 31.0f);
  CHECK(c[2] == 34.0f);
  CHECK(c[3] == 46.0f);

  std::fill(c, c + 4, 1.0f);
  sgemm(Trans::No, Trans::No, 2, 2, 2, 0.5f, a, 2, b, 2, 2.0f, c, 2);
  // 0.5 [19 22; 43 50] + 2 [1 1; 1 1]
  CHECK(c[0] == 11.5f);
  CHECK(c[1] == 13.0f);
  CHECK(c[2] == 23.5f);
  CHECK(c[3] == 27.0f);
}

namespace {

// Every M, N, K in {1, 3, 17, 33, 785}: below, at and across the micro-tile (4 × 8 to 6 × 32 by
// width) and beyond a cache block; alpha/beta and the row padding rotate over the shapes.
// One test case per transpose combination, so ctest can run them in parallel.
void check_all_sizes(Trans ta, Trans tb, unsigned seed) {
  constexpr std::size_t kSizes[] = {1, 3, 17, 33, 785};
  std::mt19937 rng(seed);
  std::size_t index = 0;
  for (std::size_t m : kSizes)
    for (std::size_t n : kSizes)
      for (std::size_t k : kSizes) {
        const AlphaBeta ab = kAlphaBetas[index % 3];
        const std::size_t pad = (index / 3) % 2 == 0 ? 0 : 5;
        check_against_reference({ta, tb, m, n, k, ab.alpha, ab.beta, pad}, rng);
        ++index;
      }
}

}  // namespace

TEST_CASE("gemm.matches_reference.no_no") { check_all_sizes(Trans::No, Trans::No, 1); }
TEST_CASE("gemm.matches_reference.yes_no") { check_all_sizes(Trans::Yes, Trans::No, 2); }
TEST_CASE("gemm.matches_reference.no_yes") { check_all_sizes(Trans::No, Trans::Yes, 3); }
TEST_CASE("gemm.matches_reference.yes_yes") { check_all_sizes(Trans::Yes, Trans::Yes, 4); }

TEST_CASE("gemm.matches_reference.training_shapes") {
  // The MLP 784 → 128 → 10 at batch 32: forward (No, No), weight gradient (Yes, No), input gradient (No, Yes).
  struct Shape {
    Trans ta, tb;
    std::size_t M, N, K;
  };
  const Shape shapes[] = {
      {Trans::No, Trans::No, 32, 128, 784},  {Trans::No, Trans::No, 32, 10, 128},
      {Trans::Yes, Trans::No, 784, 128, 32}, {Trans::Yes, Trans::No, 128, 10, 32},
      {Trans::No, Trans::Yes, 32, 784, 128}, {Trans::No, Trans::Yes, 32, 128, 10},
      {Trans::No, Trans::No, 128, 32, 784},  {Trans::Yes, Trans::Yes, 128, 32, 784},
  };
  std::mt19937 rng(7);
  for (const auto& s : shapes)
    for (const auto& ab : kAlphaBetas) check_against_reference({s.ta, s.tb, s.M, s.N, s.K, ab.alpha, ab.beta, 3}, rng);
}

TEST_CASE("gemm.matches_reference.block_boundaries") {
  // One below, at and one past each blocking constant of the kernel set in use, so every edge of
  // the packing and of the balanced block split runs.
  const detail::Blocking blocks = neurite::kernels::active_kernels().gemm_blocking;
  const std::size_t kMR = blocks.mr, kMC = blocks.mc, kNR = blocks.nr, kKC = blocks.kc, kNC = blocks.nc;
  std::mt19937 rng(99);
  const std::size_t ms[] = {kMR - 1, kMR, kMR + 1, kMC - 1, kMC + 1, 2 * kMC + 1};
  const std::size_t ns[] = {kNR - 1, kNR, kNR + 1, blocks.lanes + 1, 2 * kNR + 3};
  const std::size_t ks[] = {1, kKC - 1, kKC + 1, 2 * kKC + 7};
  for (Trans ta : kBoth)
    for (Trans tb : kBoth) {
      for (std::size_t m : ms)
        for (std::size_t n : ns)
          for (std::size_t k : ks) check_against_reference({ta, tb, m, n, k, 1.0f, 1.0f, 1}, rng);
      // a column-block boundary needs N past kNC; keep M and K small so the reference stays quick
      check_against_reference({ta, tb, 7, kNC + 5, 9, 0.5f, 2.0f, 2}, rng);
    }
}

TEST_CASE("gemm.beta_zero_ignores_nan_in_c") {
  std::mt19937 rng(3);
  const std::size_t M = 13, N = 21, K = 9;
  for (Trans ta : kBoth)
    for (Trans tb : kBoth) {
      const std::size_t lda = ta == Trans::No ? K : M, ldb = tb == Trans::No ? N : K;
      const auto a = random_matrix(ta == Trans::No ? M : K, lda, rng);
      const auto b = random_matrix(tb == Trans::No ? K : N, ldb, rng);
      std::vector<float> c(M * N, std::numeric_limits<float>::quiet_NaN()), expected(M * N, 0.0f);
      sgemm_reference(ta, tb, M, N, K, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, expected.data(), N);
      sgemm(ta, tb, M, N, K, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(), N);
      for (std::size_t i = 0; i < M * N; ++i) {
        REQUIRE(std::isfinite(c[i]));
        CHECK(c[i] == doctest::Approx(expected[i]).epsilon(1e-5));
      }
    }
  // alpha == 0 with beta == 0 zeroes C without reading it either
  std::vector<float> c(4, std::numeric_limits<float>::quiet_NaN());
  const float a[] = {1, 2, 3, 4};
  sgemm(Trans::No, Trans::No, 2, 2, 2, 0.0f, a, 2, a, 2, 0.0f, c.data(), 2);
  for (float x : c) CHECK(x == 0.0f);
}

TEST_CASE("gemm.reuses_scratch_across_shapes") {
  // A large call grows the packing buffers; smaller calls after it must not see stale panels.
  std::mt19937 rng(11);
  check_against_reference({Trans::No, Trans::Yes, 200, 300, 600, 1.0f, 0.0f, 0}, rng);
  check_against_reference({Trans::Yes, Trans::No, 5, 7, 3, 1.0f, 0.0f, 0}, rng);
  check_against_reference({Trans::No, Trans::No, 40, 9, 700, 1.0f, 1.0f, 2}, rng);
}

TEST_CASE("gemm.column_ranges_compose") {
  // The seam for multithreading: computing [0, N) as disjoint column ranges gives the same C, for
  // cuts at, just past and off the micro-tile's width
  const auto& kernels = neurite::kernels::active_kernels();
  const std::size_t nr = kernels.gemm_blocking.nr;
  std::mt19937 rng(5);
  const std::size_t M = 29, N = 3 * nr + 29, K = 301;
  const auto a = random_matrix(M, K, rng), b = random_matrix(K, N, rng);
  std::vector<float> whole(M * N, 1.0f), pieces(M * N, 1.0f);
  sgemm(Trans::No, Trans::No, M, N, K, 0.5f, a.data(), K, b.data(), N, 2.0f, whole.data(), N);
  const detail::Problem p{Trans::No, Trans::No, M, N, K, 0.5f, a.data(), K, b.data(), N, 2.0f, pieces.data(), N, {}};
  const std::size_t cuts[] = {0, nr, 2 * nr + 5, 3 * nr + 3, N};
  for (std::size_t i = 0; i + 1 < std::size(cuts); ++i) kernels.sgemm_columns(p, cuts[i], cuts[i + 1]);
  for (std::size_t i = 0; i < M * N; ++i) CHECK(pieces[i] == whole[i]);
}

TEST_CASE("gemm.matches_reference.every_size_up_to_three_batches") {
  // Each of M, N and K over 1 … 3·lanes + 1 with the other two small or just past two batches, every
  // transpose case: every panel width against the batch width (narrower, equal, wider, partial),
  // every edge tile and every depth tail of the packing
  const std::size_t lanes = neurite::kernels::active_kernels().gemm_blocking.lanes, most = 3 * lanes + 1;
  CAPTURE(lanes);
  std::mt19937 rng(17);
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (std::size_t size = 1; size <= most; ++size)
        for (std::size_t other : {std::size_t{1}, 2 * lanes + 3}) {
          check_against_reference({ta, tb, size, other, other, 1.0f, 0.0f, 0}, rng);
          check_against_reference({ta, tb, other, size, other, 1.0f, 1.0f, 1}, rng);
          check_against_reference({ta, tb, other, other, size, 0.5f, 2.0f, 0}, rng);
        }
}

TEST_CASE("gemm.rejects_bad_leading_dimensions") {
  const float a[6] = {}, b[6] = {};
  float c[6] = {};
  CHECK_THROWS_WITH_AS(sgemm(Trans::No, Trans::No, 2, 3, 2, 1.0f, a, 1, b, 3, 0.0f, c, 3),
                       doctest::Contains("lda = 1"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sgemm(Trans::No, Trans::Yes, 2, 3, 2, 1.0f, a, 2, b, 1, 0.0f, c, 3),
                       doctest::Contains("ldb = 1"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sgemm(Trans::No, Trans::No, 2, 3, 2, 1.0f, a, 2, b, 3, 0.0f, c, 2),
                       doctest::Contains("ldc = 2"), std::invalid_argument);
  CHECK_THROWS_AS(sgemm(Trans::No, Trans::No, 2, 3, 2, 1.0f, nullptr, 2, b, 3, 0.0f, c, 3), std::invalid_argument);
}

TEST_CASE("gemm.epilogue_equals_bias_and_relu_passes") {
  // bit for bit what the layers computed before the epilogue existed: sgemm, add_row_bias, relu;
  // K = 785 spans several k-blocks (the epilogue must wait for the last), beta != 0 reads C
  std::mt19937 rng(11);
  struct Shape {
    std::size_t M, N, K;
    float beta;
  };
  for (const Shape& shape : {Shape{32, 128, 784, 0.0f}, {17, 33, 785, 0.5f}, {5408, 64, 9, 0.0f}, {3, 1, 1, 0.0f},
                             {7, 19, 0, 0.0f}}) {
    const std::size_t M = shape.M, N = shape.N, K = shape.K;  // (clang 14 cannot capture structured bindings)
    const float beta = shape.beta;
    CAPTURE(M);
    CAPTURE(N);
    CAPTURE(K);
    const auto a = random_matrix(M, std::max<std::size_t>(K, 1), rng), b = random_matrix(std::max<std::size_t>(K, 1), N, rng);
    const auto bias = random_matrix(1, N, rng), c0 = random_matrix(M, N, rng);
    for (const bool relu : {false, true}) {
      auto expected = c0, got = c0;
      sgemm(Trans::No, Trans::No, M, N, K, 1.0f, a.data(), std::max<std::size_t>(K, 1), b.data(), N, beta,
            expected.data(), N);
      neurite::kernels::add_row_bias(expected.data(), bias.data(), M, N);
      if (relu) neurite::kernels::relu(expected.data(), M * N);
      sgemm(Trans::No, Trans::No, M, N, K, 1.0f, a.data(), std::max<std::size_t>(K, 1), b.data(), N, beta, got.data(),
            N, {bias.data(), relu ? neurite::kernels::FusedActivation::Relu : neurite::kernels::FusedActivation::None});
      CHECK(got == expected);
    }
  }
}
