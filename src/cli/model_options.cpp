#include "cli/model_options.hpp"

#include <fstream>
#include <stdexcept>

#include "activations/activation.hpp"
#include "cli/optimizer_options.hpp"
#include "data/idx.hpp"
#include "data/toy.hpp"
#include "io/model_file.hpp"
#include "model/implied_loss.hpp"
#include "model/presets.hpp"

namespace neurite::cli {

const std::set<std::string> kModelOptions = [] {
  std::set<std::string> options = {"preset", "model", "weights", "seed"};
  options.insert(optimizer_options().begin(), optimizer_options().end());
  return options;
}();
const std::set<std::string> kModelFlags = optimizer_flags();
const std::set<std::string> kDataOptions = {"data", "train-images", "train-labels", "test-images", "test-labels"};

namespace {

std::unique_ptr<Sequential> model_file(const std::string& path, std::uint32_t seed) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + e.what() + ")");
  }
  if (json.contains("weightsManifest")) return io::load_model(path, seed);
  // a topology without weights (written by hand, or Keras' model.to_json()) trains from fresh
  // weights, under its own trainingConfig when it has one
  auto model = Sequential::from_topology(json.contains("modelTopology") ? json["modelTopology"] : json, seed);
  try {
    if (!io::compile_from_training_config(*model, json)) compile_for_output(*model);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();  // "model.json trainingConfig: ..." -> "<path> trainingConfig: ..."
    throw std::invalid_argument(path + what.substr(what.find(' ')));
  }
  return model;
}

}  // namespace

std::unique_ptr<Sequential> model_from_args(const Args& args) {
  const auto seed = static_cast<std::uint32_t>(args.get_count("seed", 0));
  if (args.has("preset") == args.has("model")) throw std::invalid_argument("give either --preset NAME or --model model.json");
  auto model = args.has("preset") ? make_preset(args.get("preset"), seed) : model_file(args.get("model"), seed);
  if (!model->compiled()) compile_for_output(*model);
  if (args.has("weights")) {
    auto saved = io::load_model(args.get("weights"), seed);
    model->build(saved->input_shape());
    model->set_weights(saved->get_weights());
  }
  apply_optimizer_options(args, *model);
  return model;
}

Samples images_for_model(ByteTensor images, Sequential& model, const std::string& what) {
  const Shape want = model.input_shape();
  const std::size_t n = images.shape()[0];
  const std::size_t have = images.size() / std::max<std::size_t>(n, 1);
  if (!want.empty() && have != shape_size(want))
    throw std::invalid_argument(what + ": images have " + std::to_string(have) + " values each, the model expects " +
                                shape_str(want));
  if (!want.empty()) images.reshape(with_batch(n, want));
  return Samples::of_bytes(std::move(images));
}

namespace {

Samples targets_for_model(const ByteTensor& labels, Sequential& model) {
  if (model.loss()->sparse_targets()) return Samples::of(xt::cast<float>(labels));
  return Samples::of(data::to_categorical(labels, shape_size(model.output_shape())));
}

CliData toy_data(std::uint32_t seed) {
  auto train = data::make_circle_data(4000, seed), test = data::make_circle_data(1000, seed + 1);
  return {{Samples::of(train.features), Samples::of(train.labels)},
          {Samples::of(test.features), Samples::of(test.labels)},
          "toy circle data (4000 train, 1000 test)"};
}

data::DataFiles data_files(const Args& args) {
  const bool any_file = args.has("train-images") || args.has("train-labels") || args.has("test-images") ||
                        args.has("test-labels");
  if (any_file && args.has("data")) throw std::invalid_argument("give --data DIR or the four IDX files, not both");
  if (!any_file) return data::files_in_dir(args.get("data", NEURITE_MNIST_DIR));
  data::DataFiles files{args.get("train-images"), args.get("train-labels"), args.get("test-images"),
                        args.get("test-labels")};
  for (const auto* f : {&files.train_images, &files.train_labels, &files.test_images, &files.test_labels})
    if (f->empty()) throw std::invalid_argument("give all four of --train-images, --train-labels, --test-images, --test-labels");
  return files;
}

}  // namespace

CliData data_from_args(const Args& args, Sequential& model) {
  const bool data_given = args.has("data") || args.has("train-images") || args.has("test-images");
  if (model.input_shape() == Shape{2} && !data_given)
    return toy_data(static_cast<std::uint32_t>(args.get_count("seed", 0)));
  if (!model.built() && !model.input_shape().empty()) model.build(model.input_shape());
  const auto files = data_files(args);
  // a single sigmoid output still has two classes of labels
  const std::size_t classes = model.built() ? std::max<std::size_t>(shape_size(model.output_shape()), 2) : 10;
  auto sets = data::load_train_test(files, classes);
  CliData result;
  result.description = std::to_string(sets.train.size()) + " training images from " + files.train_images + ", " +
                       std::to_string(sets.test.size()) + " test images from " + files.test_images;
  result.train.x = images_for_model(std::move(sets.train.images), model, files.train_images);
  result.test.x = images_for_model(std::move(sets.test.images), model, files.test_images);
  if (!model.built()) model.build(result.train.x.sample_shape());
  result.train.y = targets_for_model(sets.train.labels, model);
  result.test.y = targets_for_model(sets.test.labels, model);
  return result;
}

}  // namespace neurite::cli
