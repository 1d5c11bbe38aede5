// Native training throughput of the presets on MNIST: steady samples/s over a fixed number of
// batches, on one thread and on two, measured in alternation so that both see the same machine.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <vector>

#include "bench.hpp"
#include "data/idx.hpp"
#include "kernels/parallel.hpp"
#include "model/labeled_samples.hpp"
#include "model/presets.hpp"

namespace {

using namespace neurite;

constexpr std::size_t kBatch = 32, kRepeats = 5;

struct Preset {
  const char* name;
  bool images_with_channels;                  // input (28, 28, 1) rather than (28, 28)
  std::size_t warmup_batches, timed_batches;  // the cnn is ~20x slower per sample than the mlp
};
constexpr Preset kPresets[] = {{"mlp", false, 50, 400}, {"mlp-64-32", false, 50, 400}, {"cnn", true, 10, 60}};

// One model trained on its own stream of batches.
struct Run {
  std::unique_ptr<Sequential> model;
  Samples y;
  std::size_t cursor = 0;
};

double samples_per_second(Run& run, const Samples& x, const std::vector<std::size_t>& order, std::size_t batches) {
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t b = 0; b < batches; ++b) {
    if (run.cursor + kBatch > order.size()) run.cursor = 0;
    run.model->train_on_batch(x, run.y, order.data() + run.cursor, kBatch);
    run.cursor += kBatch;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(batches * kBatch) / seconds;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

void bench_training() {
  const auto sets = data::load_train_test(data::files_in_dir(NEURITE_MNIST_DIR));
  ByteTensor images = sets.train.images;
  const LabeledSamples flat = LabeledSamples::of_bytes(images, sets.train.labels);
  images.reshape({images.shape()[0], 28, 28, 1});
  const LabeledSamples channels_last = LabeledSamples::of_bytes(std::move(images), sets.train.labels);
  std::vector<std::size_t> order(flat.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng(7).shuffle(order);

  const std::size_t threads = kernels::set_thread_count(2);
  kernels::set_thread_count(0);
  std::printf("\nTraining throughput, MNIST, batch %zu: median of %zu runs, 1 and %zu threads alternating\n", kBatch,
              kRepeats, threads);
  std::printf("%-10s %8s %14s %14s %8s %12s\n", "preset", "batches", "1 thread /s", "2 threads /s", "ratio",
              "epoch 1t (s)");
  for (const Preset& preset : kPresets) {
    const LabeledSamples& train = preset.images_with_channels ? channels_last : flat;
    Run runs[2];
    std::vector<double> rates[2];
    for (std::size_t t = 0; t < 2; ++t) {
      kernels::set_thread_count(t + 1);
      runs[t].model = make_preset(preset.name, 1);
      runs[t].y = train.targets_for(*runs[t].model);
      samples_per_second(runs[t], train.x(), order, preset.warmup_batches);
    }
    for (std::size_t r = 0; r < kRepeats; ++r)
      for (std::size_t t = 0; t < 2; ++t) {
        kernels::set_thread_count(t + 1);
        rates[t].push_back(samples_per_second(runs[t], train.x(), order, preset.timed_batches));
      }
    kernels::set_thread_count(0);
    const double one = median(rates[0]), two = median(rates[1]);
    std::printf("%-10s %8zu %14.0f %14.0f %7.2fx %12.2f\n", preset.name, preset.timed_batches, one, two, two / one,
                60000.0 / one);
  }
}
