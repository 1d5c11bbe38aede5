// The kernels' thread pool: every chunk runs exactly once, exceptions reach the caller, small or
// nested work stays on the calling thread, and sgemm gives the same bits for 1 and 2 threads.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels/im2col.hpp"
#include "kernels/pooling.hpp"
#include "kernels/parallel.hpp"
#include "thread_count.hpp"

namespace {

using namespace neurite::kernels;
using neurite::testing::ThreadCount;

}  // namespace

TEST_CASE("parallel.every_chunk_runs_once") {
  for (std::size_t threads : {1, 2, 3}) {
    ThreadCount scope(threads);
    CAPTURE(threads);
    for (std::size_t chunks : {0, 1, 2, 7, 100}) {
      std::vector<std::atomic<int>> runs(chunks);
      parallel_for(chunks, [&](std::size_t chunk) { runs[chunk].fetch_add(1); });
      for (std::size_t i = 0; i < chunks; ++i) CHECK(runs[i].load() == 1);
    }
  }
}

TEST_CASE("parallel.uses_other_threads_when_asked") {
  ThreadCount scope(2);
  REQUIRE(thread_count() == 2);
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> elsewhere{false};
  // Each chunk waits (boundedly) for another thread to have taken one, so a pool that ran
  // everything on the caller would be seen, without depending on timing for the result.
  std::atomic<int> started{0};
  parallel_for(2, [&](std::size_t) {
    started.fetch_add(1);
    if (std::this_thread::get_id() != caller) elsewhere = true;
    for (int spins = 0; started.load() < 2 && spins < 20'000'000; ++spins) std::this_thread::yield();
  });
  CHECK(elsewhere.load());
}

TEST_CASE("parallel.one_thread_runs_inline_in_order") {
  ThreadCount scope(1);
  const auto caller = std::this_thread::get_id();
  std::vector<std::size_t> order;
  parallel_for(5, [&](std::size_t chunk) {
    CHECK((std::this_thread::get_id() == caller));
    order.push_back(chunk);
  });
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4});
}

TEST_CASE("parallel.a_single_chunk_and_nested_jobs_run_inline") {
  ThreadCount scope(2);
  const auto caller = std::this_thread::get_id();
  parallel_for(1, [&](std::size_t) { CHECK((std::this_thread::get_id() == caller)); });
  std::atomic<int> inner_runs{0};
  parallel_for(2, [&](std::size_t) {
    const auto outer = std::this_thread::get_id();
    parallel_for(3, [&](std::size_t) {
      CHECK((std::this_thread::get_id() == outer));
      inner_runs.fetch_add(1);
    });
  });
  CHECK(inner_runs.load() == 6);
}

TEST_CASE("parallel.small_work_is_one_chunk") {
  ThreadCount scope(2);
  CHECK(chunks_for(1000, 1 << 18) == 1);
  CHECK(chunks_for(std::size_t{1} << 20, 1 << 18) == 2);
  set_thread_count(1);
  CHECK(chunks_for(std::size_t{1} << 20, 1 << 18) == 1);
}

TEST_CASE("parallel.exception_in_a_chunk_reaches_the_caller") {
  for (std::size_t threads : {1, 2}) {
    ThreadCount scope(threads);
    CAPTURE(threads);
    CHECK_THROWS_WITH_AS(parallel_for(8,
                                      [](std::size_t chunk) {
                                        if (chunk == 5) throw std::runtime_error("chunk 5 failed");
                                      }),
                         "chunk 5 failed", std::runtime_error);
    // the pool is usable again afterwards
    std::atomic<int> runs{0};
    parallel_for(4, [&](std::size_t) { runs.fetch_add(1); });
    CHECK(runs.load() == 4);
  }
}

TEST_CASE("parallel.thread_count_is_clamped") {
  ThreadCount scope(1);
  CHECK(set_thread_count(1) == 1);
  if (threads_supported()) {
    CHECK(set_thread_count(2) == 2);
    CHECK(set_thread_count(100000) >= 2);
  }
  CHECK(set_thread_count(0) >= 1);
}

TEST_CASE("parallel.sgemm_same_bits_for_1_and_2_threads") {
  struct Shape {
    Trans ta, tb;
    std::size_t M, N, K;
  };
  // the MLP's three products (split by the narrower native sets; one chunk in wasm and with
  // AVX-512's threshold), a conv forward (rows split), odd sizes, and a beta != 0 case; then
  // products whose other operand is packed once and shared: a Dense 10816→10 forward of 64 rows
  // (op(B) shared by row chunks), the cnn's conv kernel gradient (op(A) shared by column chunks),
  // lenet's (op(B)), and a shared op(A) packed by transposing, whose narrow panels' stores spill
  // past each k-block. All but the MLP's are >= 2 chunks of work for every kernel set
  // (gemm_detail::min_multiply_adds_per_chunk: at most 2^21 multiply-adds).
  const Shape shapes[] = {{Trans::No, Trans::No, 32, 128, 784},   {Trans::Yes, Trans::No, 784, 128, 32},
                          {Trans::No, Trans::Yes, 32, 784, 128},  {Trans::No, Trans::No, 21632, 64, 9},
                          {Trans::Yes, Trans::Yes, 785, 33, 785}, {Trans::No, Trans::No, 17, 1003, 517},
                          {Trans::No, Trans::No, 64, 10, 10816},  {Trans::Yes, Trans::No, 9, 64, 21632},
                          {Trans::Yes, Trans::No, 288, 64, 3872}, {Trans::No, Trans::Yes, 37, 3, 40000},
                          {Trans::No, Trans::No, 64, 2000, 512}};  // op(A) shared, k-blocks of 256
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const Shape& s : shapes) {
    CAPTURE(s.M);
    CAPTURE(s.N);
    CAPTURE(s.K);
    std::vector<float> a(s.M * s.K), b(s.K * s.N), c0(s.M * s.N);
    for (auto* v : {&a, &b, &c0})
      for (float& x : *v) x = dist(rng);
    const std::size_t lda = s.ta == Trans::No ? s.K : s.M, ldb = s.tb == Trans::No ? s.N : s.K;
    std::vector<std::vector<float>> results;
    for (std::size_t threads : {1, 2, 3}) {
      ThreadCount scope(threads);
      auto c = c0;
      sgemm(s.ta, s.tb, s.M, s.N, s.K, 0.5f, a.data(), lda, b.data(), ldb, 0.25f, c.data(), s.N);
      results.push_back(c);
    }
    CHECK(results[0] == results[1]);
    CHECK(results[0] == results[2]);
  }
}

TEST_CASE("parallel.column_sums_and_relu_backward_same_bits_for_1_and_2_threads_fused_or_not") {
  const std::size_t rows = 5000, cols = 37;  // several 1024-row blocks and a tail; >= 2 chunks of work
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(rows * cols), y(rows * cols);
  for (float& v : x) v = dist(rng);
  for (float& v : y) v = dist(rng);
  std::vector<std::vector<float>> sums, grads;
  for (std::size_t threads : {1, 2}) {
    ThreadCount scope(threads);
    std::vector<float> sum(cols, 1.0f), grad(rows * cols);
    accumulate_column_sums(x.data(), rows, cols, sum.data());
    relu_backward_into(y.data(), x.data(), grad.data(), rows * cols);
    sums.push_back(sum);
    grads.push_back(grad);
    // one pass (Conv2D's and Dense's relu with a bias) gives the bits of the two passes
    std::vector<float> fused_sum(cols, 0.5f), fused_grad(rows * cols), two_pass_sum(cols, 0.5f);
    relu_backward_into_summing_columns(y.data(), x.data(), fused_grad.data(), rows, cols, fused_sum.data());
    accumulate_column_sums(grad.data(), rows, cols, two_pass_sum.data());
    CHECK(fused_grad == grad);
    CHECK(fused_sum == two_pass_sum);
  }
  CHECK(sums[0] == sums[1]);
  CHECK(grads[0] == grads[1]);
  double column0 = 1.0;
  for (std::size_t r = 0; r < rows; ++r) column0 += x[r * cols];
  CHECK(sums[0][0] == doctest::Approx(column0).epsilon(1e-4));
  for (std::size_t i = 0; i < rows * cols; ++i)
    if (grads[0][i] != (y[i] > 0.0f ? x[i] : 0.0f)) FAIL("relu_backward_into at " << i);
}

TEST_CASE("parallel.window_kernels_same_bits_for_1_and_2_threads") {
  // the cnn's shapes: im2col of 32 28x28 digits, max pooling of their 26x26x64 feature maps
  WindowGeometry conv;
  conv.batch = 32, conv.in_h = conv.in_w = 28, conv.channels = 1, conv.window_h = conv.window_w = 3;
  conv.out_h = conv.out_w = 26;
  WindowGeometry pool;
  pool.batch = 32, pool.in_h = pool.in_w = 26, pool.channels = 64, pool.window_h = pool.window_w = 2;
  pool.stride_h = pool.stride_w = 2, pool.out_h = pool.out_w = 13;
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> digits(32 * 28 * 28), maps(32 * 26 * 26 * 64), dy(32 * 13 * 13 * 64);
  for (auto* v : {&digits, &maps, &dy})
    for (float& x : *v) x = dist(rng);
  std::vector<std::vector<float>> results;
  for (std::size_t threads : {1, 2}) {
    ThreadCount scope(threads);
    std::vector<float> cols(conv.out_pixels() * conv.patch_size()), y(dy.size()), dx(maps.size());
    std::vector<std::uint32_t> argmax(dy.size());
    im2col(digits.data(), conv, cols.data());
    max_pool(maps.data(), pool, y.data(), argmax.data());
    max_pool_backward(dy.data(), argmax.data(), pool, dx.data());
    for (auto* v : {&cols, &y, &dx}) results.push_back(*v);
  }
  CHECK(results[0] == results[3]);
  CHECK(results[1] == results[4]);
  CHECK(results[2] == results[5]);
}
