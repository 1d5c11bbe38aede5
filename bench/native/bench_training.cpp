// Native training throughput of the presets on MNIST: steady samples/s over a fixed number of batches.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <vector>

#include "bench.hpp"
#include "data/idx.hpp"
#include "model/presets.hpp"

namespace {

constexpr std::size_t kBatch = 32, kWarmupBatches = 50, kTimedBatches = 400, kRepeats = 5;

double samples_per_second(neurite::Sequential& model, const neurite::Samples& x, const neurite::Samples& y,
                          std::vector<std::size_t>& order, std::size_t& cursor, std::size_t batches) {
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t b = 0; b < batches; ++b) {
    if (cursor + kBatch > order.size()) cursor = 0;
    model.train_on_batch(x, y, order.data() + cursor, kBatch);
    cursor += kBatch;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(batches * kBatch) / seconds;
}

}  // namespace

void bench_training() {
  using namespace neurite;
  const auto sets = data::load_train_test(data::files_in_dir(NEURITE_MNIST_DIR));
  const Samples x = Samples::of_bytes(sets.train.images);
  const Samples y = Samples::of(xt::cast<float>(sets.train.labels));
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng(7).shuffle(order);

  std::printf("\nTraining throughput, MNIST, batch %zu (median of %zu runs of %zu batches after %zu warm-up)\n",
              kBatch, kRepeats, kTimedBatches, kWarmupBatches);
  std::printf("%-10s %14s %12s\n", "preset", "samples/s", "epoch (s)");
  for (const char* name : {"mlp", "mlp-64-32"}) {
    auto model = make_preset(name, 1);
    std::size_t cursor = 0;
    samples_per_second(*model, x, y, order, cursor, kWarmupBatches);
    std::vector<double> runs;
    for (std::size_t r = 0; r < kRepeats; ++r) runs.push_back(samples_per_second(*model, x, y, order, cursor, kTimedBatches));
    std::sort(runs.begin(), runs.end());
    const double median = runs[kRepeats / 2];
    std::printf("%-10s %14.0f %12.2f\n", name, median, 60000.0 / median);
  }
}
