// neurite: train, evaluate, predict and summarise models from the command line.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include <xtensor/xview.hpp>

#include "cli/args.hpp"
#include "kernels/kernel_set.hpp"
#include "kernels/parallel.hpp"
#include "cli/model_options.hpp"
#include "data/idx.hpp"
#include "io/model_file.hpp"
#include "model/callbacks.hpp"
#include "model/presets.hpp"

namespace neurite::cli {
namespace {

std::set<std::string> with(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// One line per epoch: the epoch's logs, then training throughput (validation excluded).
class EpochPrinter final : public Callback {
 public:
  explicit EpochPrinter(std::size_t epochs) : epochs_(epochs) {}
  void on_epoch_begin(std::size_t, Sequential&) override {
    samples_ = 0;
    start_ = std::chrono::steady_clock::now();
  }
  void on_batch_end(std::size_t, const Logs& logs, Sequential&) override {
    samples_ += static_cast<std::size_t>(logs.at("size"));
    train_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void on_epoch_end(std::size_t epoch, const Logs& logs, Sequential&) override {
    std::printf("epoch %zu/%zu", epoch + 1, epochs_);
    for (const char* key : {"loss", "accuracy", "val_loss", "val_accuracy"})
      if (logs.count(key)) std::printf("  %s %.4f", key, logs.at(key));
    // the rate that epoch ended with, when a schedule or a callback moves it
    if (logs.count("learning_rate")) std::printf("  learning_rate %.3g", logs.at("learning_rate"));
    std::printf("  %.0f samples/s  (%.1f s)\n", samples_ / train_seconds_, train_seconds_);
    std::fflush(stdout);
  }

 private:
  std::size_t epochs_, samples_ = 0;
  double train_seconds_ = 0.0;
  std::chrono::steady_clock::time_point start_;
};

// "0.98,0.99" -> {0.98, 0.99}: accuracies in (0, 1]
std::vector<double> thresholds_from(const std::string& text) {
  const auto numbers = numbers_from(text, ',');
  if (!numbers || !std::all_of(numbers->begin(), numbers->end(), [](double v) { return v > 0.0 && v <= 1.0; }))
    throw std::invalid_argument("--milestones: expected accuracies in (0, 1] separated by commas, got '" + text + "'");
  return *numbers;
}

// Time to accuracy, probed 12 times an epoch unless told: on test images 4,000-5,999 (half from
// MNIST's cleaner first 5,000, half from its harder last 5,000, as the page does), or on the whole
// test set when it is smaller.
std::unique_ptr<AccuracyMilestones> milestones_from_args(const Args& args, const LabelledSet& test, std::size_t batch_size,
                                                          std::size_t batches_per_epoch) {
  if (!args.has("milestones")) {
    if (args.has("milestones-every") || args.has("stop-at-milestones"))
      throw std::invalid_argument("--milestones-every and --stop-at-milestones need --milestones");
    return nullptr;
  }
  const std::size_t n = test.x.size();
  const bool sliced = n >= 6000;
  const std::size_t every = args.get_count("milestones-every", std::max<std::size_t>(1, batches_per_epoch / 12));
  if (every == 0) throw std::invalid_argument("--milestones-every must be at least 1");
  auto milestones = std::make_unique<AccuracyMilestones>(sliced ? test.x.slice(4000, 6000) : test.x,
                                                         sliced ? test.y.slice(4000, 6000) : test.y, every,
                                                         thresholds_from(args.get("milestones")));
  milestones->stop_when_all_reached(args.has("stop-at-milestones"));
  std::printf("milestones: probing %s every %zu batches of %zu%s\n", sliced ? "test images 4,000-5,999" : "the test set",
              every, batch_size, args.has("stop-at-milestones") ? ", stopping at the last" : "");
  return milestones;
}

void print_milestones(const AccuracyMilestones& milestones) {
  for (const auto& m : milestones.reached())
    std::printf("reached %.4g %% after %.1f s (epoch %zu, batch %zu): accuracy %.4f on %zu test images\n",
                m.threshold * 100, m.seconds, m.epoch + 1, m.batch, m.accuracy, milestones.probed_samples());
}

int train(int argc, char** argv) {
  const Args args(argc, argv, with(with(kModelOptions, kDataOptions), {"epochs", "batch-size", "out", "milestones", "milestones-every"}),
                  with(kModelFlags, {"no-shuffle", "stop-at-milestones"}));
  auto model = model_from_args(args);
  auto data = data_from_args(args, *model);
  const PresetInfo recipe = args.has("preset") ? preset_info(args.get("preset")) : PresetInfo{};
  FitOptions options;
  options.epochs = args.get_count("epochs", recipe.epochs);
  options.batch_size = args.get_count("batch-size", recipe.batch_size);
  options.shuffle = !args.has("no-shuffle");
  options.validation_x = &data.test.x;
  options.validation_y = &data.test.y;
  EpochPrinter printer(options.epochs);
  options.callbacks.push_back(&printer);
  const std::size_t batches_per_epoch = (data.train.x.size() + options.batch_size - 1) / std::max<std::size_t>(options.batch_size, 1);
  const auto milestones = milestones_from_args(args, data.test, options.batch_size, batches_per_epoch);
  if (milestones) options.callbacks.push_back(milestones.get());
  std::printf("training on %s\n", data.description.c_str());
  int status = 0;
  try {
    model->fit(data.train.x, data.train.y, options);
  } catch (const TrainingDiverged& e) {
    std::fprintf(stderr, "neurite: error: %s\n", e.what());
    status = 1;
  }
  if (milestones) print_milestones(*milestones);
  if (args.has("out")) {
    io::save_model(*model, args.get("out"));
    std::printf("saved %s/model.json\n", args.get("out").c_str());
  }
  return status;
}

int evaluate(int argc, char** argv) {
  const Args args(argc, argv, with(kModelOptions, kDataOptions), kModelFlags);
  auto model = model_from_args(args);
  auto data = data_from_args(args, *model);
  const Logs logs = model->evaluate(data.test.x, data.test.y);
  std::printf("evaluating on %s\n", data.description.c_str());
  for (const auto& [key, value] : logs) std::printf("%s %.4f\n", key.c_str(), value);
  const auto matrix = model->confusion_matrix(data.test.x, data.test.y);
  std::printf("\nclass  precision  recall  f1\n");
  for (std::size_t c = 0; c < matrix.num_classes(); ++c)
    std::printf("%5zu  %9.4f  %6.4f  %.4f\n", c, matrix.precision(c), matrix.recall(c), matrix.f1(c));
  std::printf("macro  %9.4f  %6.4f  %.4f\n\nconfusion matrix (rows: true class, columns: predicted)\n%s",
              matrix.macro_precision(), matrix.macro_recall(), matrix.macro_f1(), matrix.to_string().c_str());
  return 0;
}

int predict(int argc, char** argv) {
  const Args args(argc, argv, with(kModelOptions, {"images", "limit"}), kModelFlags);
  if (!args.has("images")) throw std::invalid_argument("predict needs --images FILE (an IDX image file)");
  auto model = model_from_args(args);
  ByteTensor images = data::read_idx_file(args.get("images"));
  const std::size_t limit = std::min(args.get_count("limit", images.shape()[0]), images.shape()[0]);
  ByteTensor first = xt::view(images, xt::range(0, limit));
  const Tensor out = model->predict(images_for_model(std::move(first), *model, args.get("images")));
  const std::size_t width = out.size() / std::max<std::size_t>(limit, 1);
  for (std::size_t r = 0; r < limit; ++r) {
    for (std::size_t c = 0; c < width; ++c) std::printf(c ? " %.6f" : "%.6f", out.data()[r * width + c]);
    std::printf("\n");
  }
  return 0;
}

int summary(int argc, char** argv) {
  const Args args(argc, argv, kModelOptions, kModelFlags);
  auto model = model_from_args(args);
  std::cout << model->summary();
  return 0;
}

// What this binary runs with: the kernel set chosen for this CPU (or by NEURITE_SIMD), every set
// it was compiled with and whether this CPU runs it, and the thread count.
int info() {
  const auto& active = kernels::active_kernels();
  const auto& blocking = active.gemm_blocking;
  std::printf("neurite %s\nkernels: %s (%s), SGEMM micro-tile %zux%zu\n", NEURITE_VERSION, active.name,
              active.description, blocking.mr, blocking.nr);
  std::printf("compiled kernel sets:\n");
  for (const auto* set : kernels::compiled_kernel_sets())
    std::printf("  %-12s %-34s %s\n", set->name, set->description,
                !set->runs_here() ? "this CPU cannot run it" : set == &active ? "in use" : "runs here");
  std::printf("threads: %zu\n", kernels::thread_count());
  return 0;
}

void usage(std::FILE* to) {
  std::fprintf(to,
               "usage: neurite COMMAND [options]\n"
               "  train    --preset NAME | --model model.json  [--data DIR | --train-images F --train-labels F\n"
               "           --test-images F --test-labels F] [--epochs N] [--batch-size N] [--optimizer adam|sgd|rmsprop]\n"
               "           [--lr X] [--seed N] [--no-shuffle] [--weights saved/model.json] [--out DIR]\n"
               "           [--milestones 0.98,0.99 [--milestones-every BATCHES] [--stop-at-milestones]]\n"
               "  evaluate --model model.json [data options]\n"
               "  predict  --model model.json --images F [--limit N]\n"
               "  summary  --model model.json | --preset NAME\n"
               "  info     the version, the SIMD kernels in use (NEURITE_SIMD=avx2 etc. picks others) and threads\n"
               "presets:\n");
  for (const auto& p : presets()) std::fprintf(to, "  %-11s %s\n", p.name.c_str(), p.description.c_str());
}

}  // namespace
}  // namespace neurite::cli

int main(int argc, char** argv) {
  using namespace neurite::cli;
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string command = argv[1];
  if (command == "help" || command == "--help" || command == "-h") {
    usage(stdout);
    return 0;
  }
  try {
    if (command == "info" || command == "--version") return info();
    if (command == "train") return train(argc - 2, argv + 2);
    if (command == "evaluate") return evaluate(argc - 2, argv + 2);
    if (command == "predict") return predict(argc - 2, argv + 2);
    if (command == "summary") return summary(argc - 2, argv + 2);
    std::fprintf(stderr, "neurite: error: unknown command '%s' (train, evaluate, predict, summary, info)\n", command.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neurite: error: %s\n", e.what());
    return 1;
  }
}
