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

  // One run per kernel set on 1 thread, and the fastest set on 2, in alternation
  struct Config {
    const kernels::KernelSet* set;
    std::size_t threads;
  };
  std::vector<Config> configs;
  for (const auto* set : kernel_sets_to_compare()) configs.push_back({set, 1});
  const bool two = kernels::set_thread_count(2) == 2;
  if (two) configs.push_back({configs.front().set, 2});
  kernels::set_thread_count(0);
  std::printf("\nTraining throughput, MNIST, batch %zu: samples/s, median of %zu runs, the configurations alternating\n",
              kBatch, kRepeats);
  std::printf("%-10s %8s", "preset", "batches");
  for (const Config& c : configs) std::printf(" %10s %zut", c.set->name, c.threads);
  std::printf(" %12s\n", "epoch (s)");
  for (const Preset& preset : kPresets) {
    const LabeledSamples& train = preset.images_with_channels ? channels_last : flat;
    std::vector<Run> runs(configs.size());
    std::vector<std::vector<double>> rates(configs.size());
    const auto use = [&](std::size_t i) {
      kernels::use_kernels(configs[i].set->name);
      kernels::set_thread_count(configs[i].threads);
    };
    for (std::size_t i = 0; i < configs.size(); ++i) {
      use(i);
      runs[i].model = make_preset(preset.name, 1);
      runs[i].y = train.targets_for(*runs[i].model);
      samples_per_second(runs[i], train.x(), order, preset.warmup_batches);
    }
    for (std::size_t r = 0; r < kRepeats; ++r)
      for (std::size_t i = 0; i < configs.size(); ++i) {
        use(i);
        rates[i].push_back(samples_per_second(runs[i], train.x(), order, preset.timed_batches));
      }
    kernels::set_thread_count(0);
    kernels::use_kernels(configs.front().set->name);
    std::printf("%-10s %8zu", preset.name, preset.timed_batches);
    for (const auto& r : rates) std::printf(" %13.0f", median(r));
    std::printf(" %12.2f\n", 60000.0 / median(rates.front()));
  }
}
