// Model files (TF.js Layers format): a save/load round trip that must give back the same model,
// bit for bit, still trainable; the names and layouts TF.js writes; then every kind of bad file,
// each checked for an error message that names the problem.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "io/model_file.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/reshaping.hpp"
#include "optimizers/adam.hpp"
#include "optimizers/rmsprop.hpp"
#include "optimizers/sgd.hpp"
#include "temp_dir.hpp"

using namespace neurite;
using nlohmann::json;

namespace {

using neurite::testing::TempDir;

// The tutorial's MNIST model: Flatten(28×28) → Dense 16 relu → Dropout 0.2 → Dense 10 softmax.
std::unique_ptr<Sequential> mnist_model(std::uint32_t seed, bool compile = true) {
  auto model = std::make_unique<Sequential>(seed);
  auto flatten = std::make_unique<Flatten>();
  flatten->declare_input_shape({28, 28});
  model->add(std::move(flatten));
  model->add(std::make_unique<Dense>(16, "relu"));
  model->add(std::make_unique<Dropout>(0.2f));
  model->add(std::make_unique<Dense>(10, "softmax"));
  if (compile) model->compile(make_optimizer("adam"), make_loss("sparse_categorical_crossentropy"), {"accuracy"});
  model->build({28, 28});
  return model;
}

Tensor random_images(std::size_t n, std::uint32_t seed) {
  Rng rng(seed);
  Tensor x = Tensor::from_shape({n, 28, 28});
  for (auto& v : x) v = rng.uniform();
  return x;
}

Tensor labels(std::size_t n) {
  Tensor y = Tensor::from_shape({n});
  for (std::size_t i = 0; i < n; ++i) y(i) = static_cast<float>(i % 10);
  return y;
}

bool bit_equal(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool same_weights(Sequential& a, Sequential& b) {
  const auto wa = a.get_weights(), wb = b.get_weights();
  if (wa.size() != wb.size()) return false;
  for (std::size_t i = 0; i < wa.size(); ++i)
    if (!bit_equal(wa[i], wb[i])) return false;
  return true;
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Saves the MNIST model into dir, lets `edit` change its model.json, and writes it back.
template <class Edit>
std::string saved_and_edited(const TempDir& dir, Edit edit) {
  auto model = mnist_model(3);
  io::save_model(*model, dir.path.string());
  json j = read_json(dir.file("model.json"));
  edit(j);
  write_text(dir.file("model.json"), j.dump());
  return dir.file("model.json");
}

json& manifest_weights(json& j) { return j["weightsManifest"][0]["weights"]; }

io::ModelArtifacts artifacts_of(Sequential& model) { return io::to_artifacts(model); }

}  // namespace

TEST_CASE("model_file.round_trip") {
  const TempDir dir("neurite_test_model_file_round_trip");
  auto model = mnist_model(7);
  io::save_model(*model, dir.path.string());
  auto loaded = io::load_model(dir.file("model.json"), 7);

  CHECK(loaded->topology() == model->topology());
  CHECK(same_weights(*model, *loaded));
  const Samples x = Samples::of(random_images(5, 11));
  CHECK(bit_equal(loaded->predict(x), model->predict(x)));

  REQUIRE(loaded->compiled());
  CHECK(loaded->loss()->name() == "sparse_categorical_crossentropy");
  CHECK_FALSE(loaded->loss()->from_logits());
  CHECK(loaded->optimizer()->name() == "adam");
  CHECK(loaded->optimizer()->config() == model->optimizer()->config());
  CHECK(loaded->metric_names() == std::vector<std::string>{"accuracy"});

  // training continues: the same batch gives the same step on both (same seed, so same dropout masks)
  const Samples y = Samples::of(labels(5));
  std::vector<std::size_t> indices(5);
  std::iota(indices.begin(), indices.end(), 0);
  const Logs before = loaded->train_on_batch(x, y, indices.data(), indices.size());
  model->train_on_batch(x, y, indices.data(), indices.size());
  CHECK(before.count("accuracy") == 1);
  CHECK(same_weights(*model, *loaded));
  CHECK_FALSE(bit_equal(loaded->get_weights()[0], mnist_model(7)->get_weights()[0]));
}

TEST_CASE("model_file.format") {
  auto model = mnist_model(1);
  const auto a = artifacts_of(*model);
  const json& j = a.model_json;
  CHECK(j["format"] == "layers-model");
  CHECK(j["generatedBy"] == "Neurite 0.1");
  CHECK(j["convertedBy"].is_null());
  CHECK(j["modelTopology"]["class_name"] == "Sequential");
  CHECK(j["modelTopology"]["keras_version"] == "tfjs-layers 4.22.0");
  CHECK(j["modelTopology"]["backend"] == "tensor_flow.js");
  const json& group = j["weightsManifest"][0];
  CHECK(group["paths"] == json::array({"weights.bin"}));
  CHECK(group["weights"] == json::parse(R"([
    {"name": "dense/kernel", "shape": [784, 16], "dtype": "float32"},
    {"name": "dense/bias", "shape": [16], "dtype": "float32"},
    {"name": "dense_1/kernel", "shape": [16, 10], "dtype": "float32"},
    {"name": "dense_1/bias", "shape": [10], "dtype": "float32"}])"));
  CHECK(a.weights.size() == model->param_count() * 4);
  // little-endian float32 in manifest order: the first kernel value opens the file
  float first;
  std::memcpy(&first, a.weights.data(), 4);
  CHECK(first == model->get_weights()[0].data()[0]);
  // what TF.js reads, plus Neurite's exact settings
  CHECK(j["trainingConfig"]["loss"] == "sparse_categorical_crossentropy");
  CHECK(j["trainingConfig"]["metrics"] == json::array({"accuracy"}));
  CHECK(j["trainingConfig"]["optimizer_config"] == json::parse(R"({"class_name": "Adam",
    "config": {"learningRate": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}})"));
  CHECK(j["trainingConfig"]["neurite"]["loss"] ==
        json::parse(R"({"class_name": "SparseCategoricalCrossentropy", "config": {"from_logits": false}})"));
}

TEST_CASE("model_file.uncompiled") {
  auto model = mnist_model(2, false);
  const auto a = artifacts_of(*model);
  CHECK_FALSE(a.model_json.contains("trainingConfig"));
  auto loaded = io::from_artifacts(a);
  CHECK_FALSE(loaded->compiled());
  CHECK(same_weights(*model, *loaded));
}

TEST_CASE("model_file.from_logits_and_tfjs_fields") {
  // the tutorial's compile: logits out, f1 (unknown to TF.js), SGD with Nesterov momentum
  auto model = mnist_model(4, false);
  model->compile(std::make_unique<SGD>(0.05f, 0.9f, true), make_loss("sparse_categorical_crossentropy", true),
                 {"accuracy", "f1"});
  const auto a = artifacts_of(*model);
  const json& tc = a.model_json["trainingConfig"];
  CHECK(tc["loss"] == "sparse_categorical_crossentropy");
  CHECK(tc["metrics"] == json::array({"accuracy"}));
  CHECK(tc["optimizer_config"] == json::parse(R"({"class_name": "Momentum",
    "config": {"learningRate": 0.05, "momentum": 0.9, "useNesterov": true}})"));

  auto loaded = io::from_artifacts(a);
  CHECK(loaded->loss()->from_logits());
  CHECK(loaded->metric_names() == std::vector<std::string>{"accuracy", "f1"});
  CHECK(loaded->optimizer()->config() == model->optimizer()->config());

  // without Neurite's own fields, the TF.js ones still give a working (if not from_logits) model
  io::ModelArtifacts tfjs_only = a;
  tfjs_only.model_json["trainingConfig"].erase("neurite");
  auto plain = io::from_artifacts(tfjs_only);
  CHECK_FALSE(plain->loss()->from_logits());
  CHECK(plain->optimizer()->config() == model->optimizer()->config());
}

TEST_CASE("model_file.rmsprop_round_trip") {
  auto model = mnist_model(4, false);
  model->compile(make_optimizer("rmsprop", 0.002f), make_loss("sparse_categorical_crossentropy"), {"acc"});
  auto a = artifacts_of(*model);
  CHECK(a.model_json["trainingConfig"]["optimizer_config"]["class_name"] == "RMSProp");
  a.model_json["trainingConfig"].erase("neurite");
  auto loaded = io::from_artifacts(a);
  CHECK(loaded->optimizer()->config() == model->optimizer()->config());
  CHECK(loaded->metric_names() == std::vector<std::string>{"acc"});
}

TEST_CASE("model_file.schedule_and_optimizer_options_round_trip") {
  auto model = mnist_model(4, false);
  OptimizerOptions options;
  options.clipnorm = 1.5f;
  auto adamw = std::make_unique<AdamW>(0.001f, 0.8f, 0.95f, 1e-6f, true, OptimizerOptions{0.01f, 1.5f});
  adamw->set_schedule(std::make_unique<CosineDecay>(0.001, 500, 0.1, 0.01, 50));
  model->compile(std::move(adamw), make_loss("sparse_categorical_crossentropy"), {"accuracy"});
  auto a = artifacts_of(*model);
  // TF.js has neither schedules nor AdamW: it reads the rate in force, and Neurite its own section
  CHECK(a.model_json["trainingConfig"]["optimizer_config"]["config"]["learningRate"].is_number());
  auto loaded = io::from_artifacts(a);
  CHECK(loaded->optimizer()->class_name() == "AdamW");
  CHECK(loaded->optimizer()->config() == model->optimizer()->config());
  REQUIRE(loaded->optimizer()->schedule() != nullptr);
  CHECK(loaded->optimizer()->schedule()->at(50) == doctest::Approx(0.01));
  CHECK(loaded->optimizer()->options().clipnorm == doctest::Approx(1.5f));
  CHECK(loaded->optimizer()->options().weight_decay == doctest::Approx(0.01f));
}

TEST_CASE("model_file.reads_tfjs_and_keras_training_configs") {
  auto model = mnist_model(5, false);
  auto a = artifacts_of(*model);
  SUBCASE("TF.js camelCase") {
    a.model_json["trainingConfig"] = json::parse(R"({"loss": "categoricalCrossentropy",
      "metrics": ["categorical_accuracy", "meanAbsoluteError"],
      "optimizer_config": {"class_name": "Adam", "config": {"learningRate": 0.002, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6}}})");
    auto loaded = io::from_artifacts(a);
    CHECK(loaded->loss()->name() == "categorical_crossentropy");
    CHECK(loaded->metric_names() == std::vector<std::string>{"accuracy", "mae"});
    CHECK(loaded->optimizer()->config() == Adam(0.002f, 0.8f, 0.99f, 1e-6f).config());
  }
  SUBCASE("Keras loss object and optimizer names") {
    a.model_json["trainingConfig"] = json::parse(R"({
      "loss": {"class_name": "SparseCategoricalCrossentropy", "config": {"from_logits": true, "reduction": "auto"}},
      "metrics": [["accuracy"]],
      "optimizer_config": {"class_name": "RMSprop", "config": {"name": "RMSprop", "learning_rate": 0.01, "rho": 0.8, "decay": 0.0}}})");
    auto loaded = io::from_artifacts(a);
    CHECK(loaded->loss()->name() == "sparse_categorical_crossentropy");
    CHECK(loaded->loss()->from_logits());
    CHECK(loaded->metric_names() == std::vector<std::string>{"accuracy"});
    CHECK(loaded->optimizer()->config() == RMSprop(0.01f, 0.8f).config());
  }
  SUBCASE("per-output loss and metrics of the one output") {
    a.model_json["trainingConfig"] = json::parse(R"({"loss": {"dense_1": "binary_crossentropy"},
      "metrics": {"dense_1": "binaryAccuracy"}, "optimizer_config": {"class_name": "SGD", "config": {"learningRate": 0.1}}})");
    auto loaded = io::from_artifacts(a);
    CHECK(loaded->loss()->name() == "binary_crossentropy");
    CHECK(loaded->metric_names() == std::vector<std::string>{"accuracy"});
    CHECK(loaded->optimizer()->config() == SGD(0.1f).config());
  }
  SUBCASE("unknown loss") {
    a.model_json["trainingConfig"] = json::parse(R"({"loss": "hinge", "optimizer_config": "adam"})");
    CHECK_THROWS_WITH_AS(io::from_artifacts(a), doctest::Contains("model.json trainingConfig: unknown loss 'hinge'"),
                         std::invalid_argument);
  }
  SUBCASE("unknown metric") {
    a.model_json["trainingConfig"] = json::parse(R"({"loss": "mse", "metrics": ["auc"], "optimizer_config": "sgd"})");
    CHECK_THROWS_WITH_AS(io::from_artifacts(a), doctest::Contains("model.json trainingConfig: unknown metric 'auc'"),
                         std::invalid_argument);
  }
}

TEST_CASE("model_file.matches_weights_by_name") {
  // TF.js may list the weights in another order, with prefixed names, plus its optimizer's state
  auto model = mnist_model(6);
  auto a = artifacts_of(*model);
  json& weights = a.model_json["weightsManifest"][0]["weights"];
  const std::size_t kernel1 = 784 * 16 * 4, bias1 = 16 * 4, kernel2 = 16 * 10 * 4;
  std::vector<std::uint8_t> shuffled(a.weights.begin() + kernel1 + bias1, a.weights.end());  // dense_1's first
  shuffled.insert(shuffled.end(), a.weights.begin(), a.weights.begin() + kernel1 + bias1);
  shuffled.insert(shuffled.end(), {1, 0, 0, 0});  // optimizer iterations, int32
  json reordered =
      json::array({weights[2],
                   weights[3],
                   weights[0],
                   weights[1],
                   {{"name", "iter"}, {"shape", json::array()}, {"dtype", "int32"}, {"group", "optimizer"}}});
  reordered[0]["name"] = "sequential/dense_1/kernel";
  reordered[2]["name"] = "dense/dense/kernel:0";
  a.model_json["weightsManifest"] = json::array({{{"paths", json::array({"a.bin"})}, {"weights", reordered}}});
  a.weights = shuffled;
  CHECK(kernel2 + 40 + kernel1 + bias1 + 4 == a.weights.size());
  auto loaded = io::from_artifacts(a);
  CHECK(same_weights(*model, *loaded));
}

TEST_CASE("model_file.falls_back_to_order") {
  auto model = mnist_model(8);
  auto a = artifacts_of(*model);
  int i = 0;
  for (auto& w : a.model_json["weightsManifest"][0]["weights"]) w["name"] = "w" + std::to_string(i++);
  auto loaded = io::from_artifacts(a);
  CHECK(same_weights(*model, *loaded));
}

TEST_CASE("model_file.several_shards") {
  const TempDir dir("neurite_test_model_file_shards");
  auto model = mnist_model(9);
  const auto a = artifacts_of(*model);
  json j = a.model_json;
  j["weightsManifest"][0]["paths"] = json::array({"group1-shard1of2.bin", "./group1-shard2of2.bin"});
  const std::size_t half = a.weights.size() / 2;
  std::ofstream(dir.file("group1-shard1of2.bin"), std::ios::binary)
      .write(reinterpret_cast<const char*>(a.weights.data()), half);
  std::ofstream(dir.file("group1-shard2of2.bin"), std::ios::binary)
      .write(reinterpret_cast<const char*>(a.weights.data() + half),
             static_cast<std::streamsize>(a.weights.size() - half));
  write_text(dir.file("model.json"), j.dump());
  auto loaded = io::load_model(dir.file("model.json"));
  CHECK(same_weights(*model, *loaded));
}

TEST_CASE("model_file.truncated_weights") {
  const TempDir dir("neurite_test_model_file_truncated");
  auto model = mnist_model(3);
  io::save_model(*model, dir.path.string());
  std::filesystem::resize_file(dir.file("weights.bin"), 1000);
  CHECK_THROWS_WITH_AS(io::load_model(dir.file("model.json")),
                       (dir.file("model.json") + ": the weightsManifest lists 4 weights of 50920 bytes in total, "
                                                 "but the weight data has 1000 bytes")
                           .c_str(),
                       std::invalid_argument);
}

TEST_CASE("model_file.nan_or_infinite_weights_are_refused") {
  auto model = mnist_model(3);
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    io::ModelArtifacts a = artifacts_of(*model);
    const std::size_t at = a.weights.size() - 2 * sizeof(float);  // in the last weight, the output bias
    std::memcpy(a.weights.data() + at, &bad, sizeof bad);
    CHECK_THROWS_WITH_AS(io::from_artifacts(a), doctest::Contains(std::isnan(bad) ? "holds NaN at value 8 of 10"
                                                                                  : "holds an infinity at value 8 of 10"),
                         std::invalid_argument);
  }
}

TEST_CASE("model_file.shape_mismatch") {
  const TempDir dir("neurite_test_model_file_shape");
  const auto path = saved_and_edited(dir, [](json& j) { manifest_weights(j)[2]["shape"] = {16, 12}; });
  CHECK_THROWS_WITH_AS(io::load_model(path),
                       (path + ": weight 'dense_1/kernel' has shape [16, 12] in the weightsManifest, but the model's "
                               "'dense_1/kernel' has shape [16, 10]")
                           .c_str(),
                       std::invalid_argument);
}

TEST_CASE("model_file.missing_weight") {
  const TempDir dir("neurite_test_model_file_missing");
  const auto path = saved_and_edited(dir, [](json& j) { manifest_weights(j).erase(3); });
  CHECK_THROWS_WITH_AS(io::load_model(path),
                       (path + ": missing weight 'dense_1/bias' (layer 'dense_1'); the weightsManifest lists "
                               "'dense/kernel', 'dense/bias', 'dense_1/kernel'")
                           .c_str(),
                       std::invalid_argument);
}

TEST_CASE("model_file.extra_weight") {
  const TempDir dir("neurite_test_model_file_extra");
  const auto path = saved_and_edited(dir, [](json& j) {
    manifest_weights(j).push_back({{"name", "dense_9/kernel"}, {"shape", {1}}, {"dtype", "float32"}});
  });
  CHECK_THROWS_WITH_AS(io::load_model(path),
                       doctest::Contains("weight 'dense_9/kernel' in the weightsManifest matches no parameter"),
                       std::invalid_argument);
}

TEST_CASE("model_file.unknown_layer_class") {
  const TempDir dir("neurite_test_model_file_class");
  const auto path = saved_and_edited(
      dir, [](json& j) { j["modelTopology"]["config"]["layers"][2]["class_name"] = "SpatialDropout3D"; });
  CHECK_THROWS_WITH_AS(
      io::load_model(path),
      doctest::Contains((path + " modelTopology: unknown layer class 'SpatialDropout3D' (known: Dense").c_str()),
      std::invalid_argument);
}

TEST_CASE("model_file.invalid_json") {
  const TempDir dir("neurite_test_model_file_json");
  write_text(dir.file("model.json"), R"({"format": "layers-model", "modelTopology": )");
  CHECK_THROWS_WITH_AS(io::load_model(dir.file("model.json")),
                       doctest::Contains((dir.file("model.json") + ": invalid JSON (").c_str()), std::invalid_argument);
}

TEST_CASE("model_file.missing_model_topology") {
  const TempDir dir("neurite_test_model_file_topology");
  const auto path = saved_and_edited(dir, [](json& j) { j.erase("modelTopology"); });
  CHECK_THROWS_WITH_AS(io::load_model(path), (path + ": missing 'modelTopology'").c_str(), std::invalid_argument);
  const json graph_model = {{"format", "graph-model"}, {"modelTopology", nullptr}};
  CHECK_THROWS_WITH_AS(io::from_artifacts(graph_model, nullptr, 0),
                       "model.json: missing 'modelTopology' (format 'graph-model': only 'layers-model' files load)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(io::from_artifacts(json::array(), nullptr, 0), "model.json: expected a JSON object",
                       std::invalid_argument);
}

TEST_CASE("model_file.dtype_not_float32") {
  const TempDir dir("neurite_test_model_file_dtype");
  const auto path = saved_and_edited(dir, [](json& j) { manifest_weights(j)[1]["dtype"] = "float16"; });
  CHECK_THROWS_WITH_AS(io::load_model(path),
                       (path + ": weight 'dense/bias' has dtype 'float16', expected float32").c_str(),
                       std::invalid_argument);
}

TEST_CASE("model_file.huge_shape") {
  // a shape whose byte count would wrap around must not let the offsets wrap past the data
  auto model = mnist_model(3);
  auto a = artifacts_of(*model);
  a.model_json["weightsManifest"][0]["weights"].push_back(
      {{"name", "m"}, {"shape", {std::size_t{1} << 62, 8}}, {"dtype", "float32"}, {"group", "optimizer"}});
  CHECK_THROWS_WITH_AS(io::from_artifacts(a),
                       "model.json weightsManifest entry 'm': shape [4611686018427387904, 8] is too large",
                       std::invalid_argument);
}

TEST_CASE("model_file.numbers_out_of_range") {
  // found by tests/fuzz/fuzz_model_json: nlohmann's get<long long> of 4e123 is undefined behaviour;
  // an integer field given a fraction or a number no integer holds, or a float field given 1e300, is
  // an error naming the field (2.0 still reads as 2)
  auto model = mnist_model(3);
  const auto a = artifacts_of(*model);
  const auto with_dense_field = [&](const char* key, json value) {
    auto edited = a;
    for (auto& layer : edited.model_json["modelTopology"]["config"]["layers"])
      if (layer["class_name"] == "Dense") layer["config"][key] = value;
    return edited;
  };
  CHECK_THROWS_WITH_AS(io::from_artifacts(with_dense_field("units", 4.1e123)), doctest::Contains("field 'units' is out of range"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(io::from_artifacts(with_dense_field("units", 2.5)), doctest::Contains("field 'units' is out of range"),
                       std::invalid_argument);
  auto dropout = a;
  for (auto& layer : dropout.model_json["modelTopology"]["config"]["layers"])
    if (layer["class_name"] == "Dropout") layer["config"]["rate"] = 1e300;
  CHECK_THROWS_WITH_AS(io::from_artifacts(dropout), doctest::Contains("field 'rate' is out of range"),
                       std::invalid_argument);
}

TEST_CASE("model_file.layer_too_large_to_allocate") {
  // found by tests/fuzz/fuzz_model_json: a Dense of 3.9·10⁹ units made the loader allocate 58 GB and
  // abort (a dead tab in the browser); a weight over kMaxWeightFloats is an error before any allocation
  auto model = mnist_model(3);
  auto a = artifacts_of(*model);
  for (auto& layer : a.model_json["modelTopology"]["config"]["layers"])
    if (layer["class_name"] == "Dense") layer["config"]["units"] = 3900000000LL;
  CHECK_THROWS_WITH_AS(io::from_artifacts(a), doctest::Contains("kernel: a weight of shape [784, 3900000000] is larger than"),
                       std::invalid_argument);
}

TEST_CASE("model_file.no_input_shape") {
  auto model = mnist_model(3);
  auto a = artifacts_of(*model);
  a.model_json["modelTopology"]["config"]["layers"][0]["config"].erase("batch_input_shape");
  CHECK_THROWS_WITH_AS(io::from_artifacts(a), doctest::Contains("declares no input shape"), std::invalid_argument);
}

TEST_CASE("model_file.missing_files") {
  CHECK_THROWS_WITH_AS(io::load_model("/nonexistent/model.json"), "/nonexistent/model.json: cannot open",
                       std::runtime_error);
  const TempDir dir("neurite_test_model_file_missing_bin");
  auto model = mnist_model(3);
  io::save_model(*model, dir.path.string());
  std::filesystem::remove(dir.file("weights.bin"));
  CHECK_THROWS_WITH_AS(
      io::load_model(dir.file("model.json")),
      (dir.file("weights.bin") + ": cannot open (a weight file listed in " + dir.file("model.json") + ")").c_str(),
      std::runtime_error);
}
