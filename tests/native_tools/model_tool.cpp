// A small native program for the TF.js interop test (tests/js/tfjs_interop.test.mjs):
//   neurite_model_tool make-model DIR SEED   builds the MNIST model (Flatten 28×28 → Dense 16 relu →
//                                            Dropout 0.2 → Dense 10 softmax, Adam + sparse CE) and saves it
//   neurite_model_tool predict DIR N         loads DIR/model.json and prints the predictions for the first
//                                            N MNIST test images (NEURITE_MNIST_DIR), one line per image,
//                                            and the compile settings it restored on stderr
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <xtensor/xview.hpp>

#include "data/idx.hpp"
#include "io/model_file.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/reshaping.hpp"

using namespace neurite;

namespace {

int usage() {
  std::fprintf(stderr, "usage: neurite_model_tool make-model DIR SEED | predict DIR N\n");
  return 2;
}

void make_model(const std::string& dir, std::uint32_t seed) {
  Sequential model(seed);
  auto flatten = std::make_unique<Flatten>();
  flatten->declare_input_shape({28, 28});
  model.add(std::move(flatten));
  model.add(std::make_unique<Dense>(16, "relu"));
  model.add(std::make_unique<Dropout>(0.2f));
  model.add(std::make_unique<Dense>(10, "softmax"));
  model.compile(make_optimizer("adam"), make_loss("sparse_categorical_crossentropy"), {"accuracy"});
  io::save_model(model, dir);
}

std::string mnist_dir() {
  const char* dir = std::getenv("NEURITE_MNIST_DIR");
  return dir && *dir ? dir : NEURITE_MNIST_DIR;
}

void predict(const std::string& dir, std::size_t n) {
  auto model = io::load_model(dir + "/model.json");
  if (model->compiled()) {  // the compile settings read from trainingConfig, for the test to check
    std::string metrics;
    for (const auto& m : model->metric_names()) metrics += (metrics.empty() ? "" : ",") + m;
    std::fprintf(stderr, "compiled: loss=%s from_logits=%d optimizer=%s learning_rate=%g metrics=%s\n",
                 model->loss()->name().c_str(), model->loss()->from_logits() ? 1 : 0,
                 model->optimizer()->name().c_str(), static_cast<double>(model->optimizer()->learning_rate()),
                 metrics.c_str());
  }
  const ByteTensor images = data::read_idx_file(data::files_in_dir(mnist_dir()).test_images);
  if (n == 0) return;
  if (n > images.shape()[0])
    throw std::invalid_argument("predict: only " + std::to_string(images.shape()[0]) + " test images");
  const ByteTensor first = xt::view(images, xt::range(0, n));
  Tensor x = data::scale_to_unit(first);
  x.reshape(with_batch(n, model->input_shape()));  // [n, 28, 28, 1] for a model that starts with a convolution
  const Tensor out = model->predict(Samples::of(std::move(x)));
  const std::size_t width = out.size() / n;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < width; ++j)
      std::printf("%.9g%c", out.data()[i * width + j], j + 1 < width ? ' ' : '\n');
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return usage();
  const std::string command = argv[1];
  try {
    if (command == "make-model")
      make_model(argv[2], static_cast<std::uint32_t>(std::stoul(argv[3])));
    else if (command == "predict")
      predict(argv[2], std::stoul(argv[3]));
    else
      return usage();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neurite_model_tool: %s\n", e.what());
    return 1;
  }
  return 0;
}
