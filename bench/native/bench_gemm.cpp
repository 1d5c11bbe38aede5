// SGEMM throughput on the shapes one training step of the MLP 784 → 128 → 10 at batch 32 runs
// (Dense forward Y = X·W, weight gradient dW = Xᵀ·dY, input gradient dX = dY·Wᵀ), the cnn's
// Conv2D 64 3×3 products on 26×26 outputs, and 512³: the packed kernel on one thread and on two,
// and the plain triple loop it is tested against. Also built with em++ for Node (scripts/bench-wasm.sh).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <random>
#include <vector>

#include "bench.hpp"
#include "kernels/gemm.hpp"
#include "kernels/gemm_detail.hpp"
#include "kernels/kernel_set.hpp"
#include "kernels/parallel.hpp"

namespace {

using neurite::kernels::Trans;
namespace detail = neurite::kernels::gemm_detail;

constexpr double kMinSeconds = 0.2;  // per measurement
constexpr int kMeasurements = 5;     // report the median

struct Shape {
  const char* what;
  Trans ta, tb;
  std::size_t M, N, K;
};

const Shape kShapes[] = {
    {"dense1 forward X*W", Trans::No, Trans::No, 32, 128, 784},
    {"dense1 dW X^T*dY", Trans::Yes, Trans::No, 784, 128, 32},
    {"dense1 dX dY*W^T", Trans::No, Trans::Yes, 32, 784, 128},
    {"dense2 forward X*W", Trans::No, Trans::No, 32, 10, 128},
    {"dense2 dW X^T*dY", Trans::Yes, Trans::No, 128, 10, 32},
    {"dense2 dX dY*W^T", Trans::No, Trans::Yes, 32, 128, 10},
    {"conv forward", Trans::No, Trans::No, 32 * 26 * 26, 64, 9},
    {"conv dW cols^T*dY", Trans::Yes, Trans::No, 9, 64, 32 * 26 * 26},
    {"square 512^3", Trans::No, Trans::No, 512, 512, 512},
};

using Clock = std::chrono::steady_clock;

template <class F>
double seconds_for(F& call, long reps) {
  const auto start = Clock::now();
  for (long r = 0; r < reps; ++r) call();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Median seconds per call over kMeasurements runs of at least kMinSeconds each, after a warm-up
// call (which also grows sgemm's packing scratch, as the first batch of a training run would).
template <class F>
double seconds_per_call(F&& call) {
  call();
  long reps = 1;
  for (double t = seconds_for(call, reps); t < kMinSeconds; t = seconds_for(call, reps))
    reps = std::max(reps * 2, static_cast<long>(reps * 1.2 * kMinSeconds / std::max(t, 1e-9)));
  double runs[kMeasurements];
  for (double& run : runs) run = seconds_for(call, reps) / double(reps);
  std::nth_element(runs, runs + kMeasurements / 2, runs + kMeasurements);
  return runs[kMeasurements / 2];
}

std::vector<float> random_vector(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

const char* op_name(Trans ta, Trans tb) {
  if (ta == Trans::No) return tb == Trans::No ? "No,No" : "No,Yes";
  return tb == Trans::No ? "Yes,No" : "Yes,Yes";
}

}  // namespace

void bench_gemm() {
  const auto sets = kernel_sets_to_compare();
  const auto& best = *sets.front();
  std::printf("SGEMM GFLOP/s per kernel set on 1 thread, and %s on 2; alpha = 1, beta = 0\n", best.name);
  for (const auto* set : sets) {
    const detail::Blocking& b = set->gemm_blocking;
    std::printf("  %-8s %s, micro-tile %zux%zu, KC %zu, MC %zu, NC %zu\n", set->name, set->description, b.mr, b.nr,
                b.kc, b.mc, b.nc);
  }
  std::printf("median of %d runs of >= %.1f s each, the sets measured one after the other per shape\n\n",
              kMeasurements, kMinSeconds);
  const bool two_threads = neurite::kernels::set_thread_count(2) == 2;
  std::printf("| %-18s | %-8s | %-12s |", "shape", "op (A,B)", "MxNxK");
  for (const auto* set : sets) std::printf(" %8s |", set->name);
  std::printf(" %6s 2t | %9s | %9s |\n", best.name, "reference", "speed-up");
  std::printf("|--------------------|----------|--------------|");
  for (std::size_t i = 0; i < sets.size(); ++i) std::printf("----------|");
  std::printf("-----------|-----------|-----------|\n");
  std::mt19937 rng(42);
  for (const Shape& s : kShapes) {
    const std::size_t lda = s.ta == Trans::No ? s.K : s.M, ldb = s.tb == Trans::No ? s.N : s.K;
    const auto a = random_vector(s.M * s.K, rng), b = random_vector(s.K * s.N, rng);
    std::vector<float> c(s.M * s.N);
    const double flops = 2.0 * double(s.M) * double(s.N) * double(s.K);
    const auto packed = [&] {
      neurite::kernels::sgemm(s.ta, s.tb, s.M, s.N, s.K, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(), s.N);
    };
    char dims[48];
    std::snprintf(dims, sizeof dims, "%zux%zux%zu", s.M, s.N, s.K);
    std::printf("| %-18s | %-8s | %-12s |", s.what, op_name(s.ta, s.tb), dims);
    neurite::kernels::set_thread_count(1);
    for (const auto* set : sets) {
      neurite::kernels::use_kernels(set->name);
      std::printf(" %8.1f |", flops / seconds_per_call(packed) / 1e9);
    }
    neurite::kernels::use_kernels(best.name);
    const double fast = seconds_per_call(packed);
    neurite::kernels::set_thread_count(2);
    const double threaded = two_threads ? seconds_per_call(packed) : fast;
    neurite::kernels::set_thread_count(0);
    const double naive = seconds_per_call([&] {
      neurite::kernels::sgemm_reference(s.ta, s.tb, s.M, s.N, s.K, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(),
                                        s.N);
    });
    std::printf(" %9.1f | %9.2f | %8.1fx |\n", flops / threaded / 1e9, flops / naive / 1e9, naive / fast);
  }
}

#ifdef NEURITE_GEMM_BENCH_MAIN
int main() { bench_gemm(); }
#endif
