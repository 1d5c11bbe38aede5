// The C++ API in one screen: TensorFlow's beginner tutorial (README.md quotes this file).
//   build/native/example_train_mlp [mnist-dir]
#include <iostream>
#include <memory>

#include "data/idx.hpp"
#include "io/model_file.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/reshaping.hpp"
#include "model/sequential.hpp"

using namespace neurite;

int main(int argc, char** argv) {
  auto mnist = data::load_train_test(data::files_in_dir(argc > 1 ? argv[1] : NEURITE_MNIST_DIR));
  const Samples x_train = Samples::of_bytes(mnist.train.images), y_train = Samples::of_bytes(mnist.train.labels, 1);
  const Samples x_test = Samples::of_bytes(mnist.test.images), y_test = Samples::of_bytes(mnist.test.labels, 1);

  Sequential model(/*seed=*/1);
  auto flatten = std::make_unique<Flatten>();
  flatten->declare_input_shape({28, 28});
  model.add(std::move(flatten));
  model.add(std::make_unique<Dense>(128, "relu"));
  model.add(std::make_unique<Dropout>(0.2f));
  model.add(std::make_unique<Dense>(10));
  model.compile(make_optimizer("adam"), make_loss("sparse_categorical_crossentropy", /*from_logits=*/true),
                {"accuracy"});
  std::cout << model.summary();

  FitOptions options;
  options.epochs = 1;
  options.validation_x = &x_test;
  options.validation_y = &y_test;
  const History history = model.fit(x_train, y_train, options);
  std::cout << "val_accuracy " << history.values.at("val_accuracy").back() << "\n";
  io::save_model(model, "saved");  // saved/model.json + saved/weights.bin, loadable by tf.loadLayersModel
}
