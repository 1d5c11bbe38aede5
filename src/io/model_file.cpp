#include "io/model_file.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <stdexcept>

#include "util/json_fields.hpp"
#include "util/json_text.hpp"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "weights.bin is little-endian float32; loading it by memcpy needs a little-endian host"
#endif

namespace neurite::io {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const char* const kOwner = "model.json";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

// ---------------------------------------------------------------------------------------------
// Writing

}  // namespace

// The shortest decimal that reads back as the same float, so files show the numbers the user typed.
static json short_float(double value) {
  const auto f = static_cast<float>(value);
  char text[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(f));
    if (std::strtof(text, nullptr) == f) break;
  }
  return std::strtod(text, nullptr);
}

json short_floats(json value) {
  if (value.is_number_float()) return short_float(value.get<double>());
  if (value.is_structured())
    for (auto& item : value) item = short_floats(item);
  return value;
}

namespace {

// "sparse_categorical_crossentropy" -> "SparseCategoricalCrossentropy"
std::string pascal_case(const std::string& snake) {
  std::string out;
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// The optimizer as TF.js' getConfig() writes it, which is what its loadTrainingConfig deserialises.
json tfjs_optimizer_config(const Optimizer& optimizer) {
  const json c = optimizer.config();
  const auto get = [&c](const char* key) { return c.value(key, json()); };
  // TF.js has no schedules: it gets the rate of the last step
  const json lr = optimizer.learning_rate();
  // (AdamW too: TF.js has no weight decay, and an unknown class would make TF.js refuse the whole file)
  if (optimizer.name() == "adam" || optimizer.name() == "adamw")
    return {{"class_name", "Adam"},
            {"config",
             {{"learningRate", lr}, {"beta1", get("beta_1")}, {"beta2", get("beta_2")}, {"epsilon", get("epsilon")}}}};
  if (optimizer.name() == "rmsprop")
    return {{"class_name", "RMSProp"},
            {"config",
             {{"learningRate", lr},
              {"decay", get("rho")},
              {"momentum", get("momentum")},
              {"epsilon", get("epsilon")},
              {"centered", false}}}};
  if (optimizer.name() == "sgd" && c.value("momentum", 0.0) > 0.0)
    return {
        {"class_name", "Momentum"},
        {"config", {{"learningRate", lr}, {"momentum", get("momentum")}, {"useNesterov", c.value("nesterov", false)}}}};
  if (optimizer.name() == "sgd") return {{"class_name", "SGD"}, {"config", {{"learningRate", lr}}}};
  return {{"class_name", optimizer.class_name()}, {"config", c}};
}

// TF.js 4.22's compile() knows these of Neurite's metrics ("recall" and "f1" make it throw).
std::vector<std::string> tfjs_metrics(const std::vector<std::string>& metrics) {
  std::vector<std::string> known;
  for (const auto& m : metrics)
    if (m == "accuracy" || m == "acc" || m == "precision" || m == "mae" || m == "mse") known.push_back(m);
  return known;
}

json training_config(Sequential& model) {
  const Loss& loss = *model.loss();
  const Optimizer& optimizer = *model.optimizer();
  json neurite = {
      {"loss", {{"class_name", pascal_case(loss.name())}, {"config", loss.config()}}},
      {"metrics", model.metric_names()},
      {"optimizer", {{"class_name", optimizer.class_name()}, {"config", optimizer.config()}}}};
  return short_floats({{"loss", loss.name()},
                       {"metrics", tfjs_metrics(model.metric_names())},
                       {"optimizer_config", tfjs_optimizer_config(optimizer)},
                       {"neurite", neurite}});
}

void append_floats(std::vector<std::uint8_t>& bytes, const Tensor& t) {
  const auto* begin = reinterpret_cast<const std::uint8_t*>(t.data());
  bytes.insert(bytes.end(), begin, begin + t.size() * sizeof(float));
}

// ---------------------------------------------------------------------------------------------
// Reading the weights manifest

constexpr std::size_t kMaxBytes = static_cast<std::size_t>(-1);

struct ManifestEntry {
  std::string name;
  std::vector<std::size_t> shape;
  std::string dtype;
  bool optimizer_state = false;  // TF.js' group "optimizer": skipped
  std::size_t offset = 0, bytes = 0;
};

std::size_t dtype_bytes(const std::string& dtype, const std::string& weight) {
  if (dtype == "float32" || dtype == "int32") return 4;
  if (dtype == "bool" || dtype == "uint8") return 1;
  throw std::invalid_argument(std::string(kOwner) + ": weight '" + weight + "' has dtype '" + dtype +
                              "', which cannot be read (expected float32)");
}

std::vector<std::size_t> parse_shape(const json& spec, const std::string& who) {
  const json shape = spec.value("shape", json());
  if (!shape.is_array()) throw std::invalid_argument(who + ": missing or non-array 'shape'");
  std::vector<std::size_t> dims;
  for (const auto& d : shape) {
    if (!d.is_number_integer() || d.get<long long>() < 0)
      throw std::invalid_argument(who + ": shape " + shape.dump() +
                                  " has a dimension that is not a non-negative integer");
    dims.push_back(d.get<std::size_t>());
  }
  return dims;
}

// Bytes of one entry, checked against overflow so that a hostile manifest cannot wrap the offsets.
std::size_t entry_bytes(const ManifestEntry& e, std::size_t offset, const std::string& who) {
  std::size_t bytes = dtype_bytes(e.dtype, e.name);
  for (auto d : e.shape) {
    if (d != 0 && bytes > kMaxBytes / d)
      throw std::invalid_argument(who + ": shape " + shape_text(e.shape) + " is too large");
    bytes *= d;
  }
  if (bytes > kMaxBytes - offset)
    throw std::invalid_argument(who + ": the weights add up to more than the address space");
  return bytes;
}

ManifestEntry parse_entry(const json& spec, std::size_t offset) {
  const std::string owner = std::string(kOwner) + " weightsManifest entry";
  ManifestEntry e;
  e.name = required_field<std::string>(spec, "name", owner);
  const std::string who = owner + " '" + e.name + "'";
  e.shape = parse_shape(spec, who);
  e.dtype = required_field<std::string>(spec, "dtype", who);
  if (spec.contains("quantization")) throw std::invalid_argument(who + ": quantized weights are not supported");
  e.optimizer_state = field_or<std::string>(spec, "group", "", who) == "optimizer";
  if (!e.optimizer_state && e.dtype != "float32")
    throw std::invalid_argument(std::string(kOwner) + ": weight '" + e.name + "' has dtype '" + e.dtype +
                                "', expected float32");
  e.offset = offset;
  e.bytes = entry_bytes(e, offset, who);
  return e;
}

std::vector<ManifestEntry> parse_manifest(const json& model_json) {
  if (!model_json.contains("weightsManifest") || model_json["weightsManifest"].is_null()) return {};
  const json& manifest = model_json["weightsManifest"];
  if (!manifest.is_array()) throw std::invalid_argument(std::string(kOwner) + ": 'weightsManifest' must be an array");
  std::vector<ManifestEntry> entries;
  std::size_t offset = 0;
  for (std::size_t g = 0; g < manifest.size(); ++g) {
    const json weights = manifest[g].is_object() ? manifest[g].value("weights", json()) : json();
    if (!weights.is_array())
      throw std::invalid_argument(std::string(kOwner) + ": weightsManifest[" + std::to_string(g) +
                                  "] has no 'weights' array");
    for (const auto& spec : weights) {
      entries.push_back(parse_entry(spec, offset));
      offset += entries.back().bytes;
    }
  }
  return entries;
}

void check_byte_count(const std::vector<ManifestEntry>& entries, std::size_t size) {
  const std::size_t expected = entries.empty() ? 0 : entries.back().offset + entries.back().bytes;
  if (expected != size)
    throw std::invalid_argument(std::string(kOwner) + ": the weightsManifest lists " + std::to_string(entries.size()) +
                                " weights of " + std::to_string(expected) +
                                " bytes in total, but the weight data has " + std::to_string(size) + " bytes");
}

// ---------------------------------------------------------------------------------------------
// Matching the model's parameters to manifest entries

struct Target {
  std::string layer, param;
  Tensor* value;
  std::string file_name() const { return layer + "/" + param; }
};

std::vector<Target> targets_of(Sequential& model) {
  std::vector<Target> targets;
  for (auto& layer : model.layers())
    for (const auto& p : layer->weights()) targets.push_back({layer->name(), p.name, p.value});
  return targets;
}

std::vector<std::string> split_name(const std::string& name) {
  std::vector<std::string> tokens;
  std::size_t begin = 0;
  for (std::size_t slash; (slash = name.find('/', begin)) != std::string::npos; begin = slash + 1)
    tokens.push_back(name.substr(begin, slash - begin));
  tokens.push_back(name.substr(begin));
  const auto colon = tokens.back().rfind(':');  // Keras' "kernel:0"
  if (colon != std::string::npos) tokens.back().erase(colon);
  return tokens;
}

// "dense/kernel" exactly, or a longer name with the layer before the parameter ("model/dense/kernel").
bool loosely_names(const std::string& name, const Target& t) {
  const auto tokens = split_name(name);
  if (tokens.size() < 2 || tokens.back() != t.param) return false;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i)
    if (tokens[i] == t.layer) return true;
  return false;
}

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// For each target, the index of its manifest entry (kNone: unmatched). Exact names first, then loose.
std::vector<std::size_t> match_by_name(const std::vector<Target>& targets, const std::vector<ManifestEntry>& entries) {
  std::vector<std::size_t> match(targets.size(), kNone);
  std::vector<bool> used(entries.size(), false);
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t t = 0; t < targets.size(); ++t)
      for (std::size_t e = 0; e < entries.size() && match[t] == kNone; ++e) {
        if (used[e] || entries[e].optimizer_state) continue;
        const bool hit =
            pass == 0 ? entries[e].name == targets[t].file_name() : loosely_names(entries[e].name, targets[t]);
        if (!hit) continue;
        match[t] = e;
        used[e] = true;
      }
  return match;
}

std::vector<std::size_t> model_entries(const std::vector<ManifestEntry>& entries) {
  std::vector<std::size_t> indices;
  for (std::size_t e = 0; e < entries.size(); ++e)
    if (!entries[e].optimizer_state) indices.push_back(e);
  return indices;
}

std::vector<std::string> entry_names(const std::vector<ManifestEntry>& entries) {
  std::vector<std::string> names;
  for (auto e : model_entries(entries)) names.push_back("'" + entries[e].name + "'");
  return names;
}

// No name matches at all (e.g. a file whose layers were renamed): pair the weights in order.
std::vector<std::size_t> match_by_order(const std::vector<Target>& targets, const std::vector<ManifestEntry>& entries) {
  const auto indices = model_entries(entries);
  if (indices.size() != targets.size())
    throw std::invalid_argument(std::string(kOwner) + ": no weight name in the manifest matches the model (expected '" +
                                targets.front().file_name() + "', ...; found " + join(entry_names(entries)) +
                                "), and the manifest lists " + std::to_string(indices.size()) +
                                " weights for the model's " + std::to_string(targets.size()));
  return indices;
}

void check_all_matched(const std::vector<Target>& targets, const std::vector<ManifestEntry>& entries,
                       const std::vector<std::size_t>& match) {
  std::vector<bool> used(entries.size(), false);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    if (match[t] == kNone)
      throw std::invalid_argument(std::string(kOwner) + ": missing weight '" + targets[t].file_name() + "' (layer '" +
                                  targets[t].layer + "'); the weightsManifest lists " + join(entry_names(entries)));
    used[match[t]] = true;
  }
  for (auto e : model_entries(entries))
    if (!used[e])
      throw std::invalid_argument(std::string(kOwner) + ": weight '" + entries[e].name +
                                  "' in the weightsManifest matches no parameter of the model");
}

void check_shape(const Target& t, const ManifestEntry& e) {
  const auto& s = t.value->shape();
  const std::vector<std::size_t> expected(s.begin(), s.end());
  if (expected != e.shape)
    throw std::invalid_argument(std::string(kOwner) + ": weight '" + e.name + "' has shape " + shape_text(e.shape) +
                                " in the weightsManifest, but the model's '" + t.file_name() + "' has shape " +
                                shape_text(expected));
}

// A NaN or an infinity in a weight (a diverged training saved, a damaged file) would make every
// prediction NaN: refused, naming the weight and the first bad value's place.
void check_finite(const ManifestEntry& e, const std::uint8_t* data) {
  const std::size_t n = e.bytes / sizeof(float);
  for (std::size_t i = 0; i < n; ++i) {
    float v;
    std::memcpy(&v, data + e.offset + i * sizeof(float), sizeof v);
    if (!std::isfinite(v))
      throw std::invalid_argument(std::string(kOwner) + ": weight '" + e.name + "' holds " + (std::isnan(v) ? "NaN" : "an infinity") +
                                  " at value " + std::to_string(i) + " of " + std::to_string(n) +
                                  ": the weights file is damaged or from a diverged training");
  }
}

// Checks names and shapes first (the more specific errors), then the byte count and the values, then copies.
void copy_weights(Sequential& model, const std::vector<ManifestEntry>& entries, const std::uint8_t* data,
                  std::size_t size) {
  const auto targets = targets_of(model);
  std::vector<std::size_t> match;
  if (!targets.empty()) {
    match = match_by_name(targets, entries);
    bool any = false;
    for (auto m : match) any = any || m != kNone;
    if (!any) match = match_by_order(targets, entries);
  }
  check_all_matched(targets, entries, match);
  for (std::size_t t = 0; t < targets.size(); ++t) check_shape(targets[t], entries[match[t]]);
  check_byte_count(entries, size);
  for (std::size_t t = 0; t < targets.size(); ++t) check_finite(entries[match[t]], data);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    const ManifestEntry& e = entries[match[t]];
    std::memcpy(targets[t].value->data(), data + e.offset, e.bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading trainingConfig

// Keras' and TF.js' names for what Neurite calls "accuracy", "mae", "mse".
std::string neurite_metric(const json& metric) {
  std::string name = metric.is_string() ? metric.get<std::string>() : "";
  if (metric.is_object())
    name = field_or<std::string>(metric.value("config", json::object()), "name",
                                 field_or<std::string>(metric, "class_name", "", "metric"), "metric");
  name = snake_case(name);
  if (name == "categorical_accuracy" || name == "sparse_categorical_accuracy" || name == "binary_accuracy")
    return "accuracy";
  if (name == "mean_absolute_error") return "mae";
  if (name == "mean_squared_error") return "mse";
  return name;
}

void collect_metrics(const json& metrics, std::vector<std::string>& out) {
  if (metrics.is_structured() && !(metrics.is_object() && metrics.contains("class_name"))) {
    for (const auto& m : metrics) collect_metrics(m, out);  // nested per output, or {output: metric}
    return;
  }
  out.push_back(neurite_metric(metrics));
}

// "sparse_categorical_crossentropy", "sparseCategoricalCrossentropy", or
// {"class_name": "SparseCategoricalCrossentropy", "config": {"from_logits": true}}
std::unique_ptr<Loss> loss_from_json(const json& spec) {
  // one output: ["name"] or {"output name": "name"} hold the one loss
  const bool per_output = (spec.is_array() || (spec.is_object() && !spec.contains("class_name"))) && spec.size() == 1;
  const json& loss = per_output ? *spec.begin() : spec;
  if (loss.is_string()) return make_loss(snake_case(loss.get<std::string>()));
  if (!loss.is_object() || !loss.contains("class_name"))
    throw std::invalid_argument("'loss' must be a name or {\"class_name\", \"config\"}, found " + loss.dump());
  const json config = loss.value("config", json::object());
  const auto name = snake_case(required_field<std::string>(loss, "class_name", "trainingConfig loss"));
  return make_loss(name, field_or<bool>(config, "from_logits", false, "trainingConfig loss " + name),
                   field_or<float>(config, "label_smoothing", 0.0f, "trainingConfig loss " + name));
}

const json* first_of(const json& config, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (config.contains(key) && !config[key].is_null()) return &config[key];
  return nullptr;
}

void copy_field(const json& from, json& to, const char* key, std::initializer_list<const char*> aliases) {
  if (const json* value = first_of(from, aliases)) to[key] = *value;
}

// TF.js' optimizer classes and camelCase fields, or Keras' -> the Keras form optimizer_from_json reads.
json keras_optimizer(const json& spec) {
  if (spec.is_string()) return spec;
  const auto tfjs_class = required_field<std::string>(spec, "class_name", "trainingConfig optimizer_config");
  const json config = spec.value("config", json::object());
  json out = json::object();
  copy_field(config, out, "learning_rate", {"learning_rate", "learningRate", "lr"});
  copy_field(config, out, "epsilon", {"epsilon"});
  copy_field(config, out, "momentum", {"momentum"});
  copy_field(config, out, "beta_1", {"beta_1", "beta1"});
  copy_field(config, out, "beta_2", {"beta_2", "beta2"});
  copy_field(config, out, "nesterov", {"nesterov", "useNesterov", "use_nesterov"});
  for (const char* key : {"amsgrad", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "centered"})
    copy_field(config, out, key, {key});
  // TF.js' RMSProp calls rho "decay"; Keras' RMSprop's "decay" is a learning-rate decay
  copy_field(config, out, "rho",
             tfjs_class == "RMSProp" ? std::initializer_list<const char*>{"rho", "decay"}
                                     : std::initializer_list<const char*>{"rho"});
  std::string keras_class = tfjs_class;
  if (tfjs_class == "Momentum") keras_class = "SGD";
  if (tfjs_class == "RMSProp") keras_class = "RMSprop";
  return {{"class_name", keras_class}, {"config", out}};
}

void restore_compile_settings(Sequential& model, const json& tc) {
  if (!tc.is_object()) throw std::invalid_argument("'trainingConfig' must be an object");
  const json& own = tc.contains("neurite") && tc["neurite"].is_object() ? tc["neurite"] : tc;
  const json* loss = first_of(own, {"loss"});
  const json* optimizer = first_of(own, {"optimizer", "optimizer_config"});
  if (!loss) throw std::invalid_argument("missing 'loss'");
  if (!optimizer) throw std::invalid_argument("missing 'optimizer_config'");
  std::vector<std::string> metrics;
  if (const json* m = first_of(own, {"metrics"})) collect_metrics(*m, metrics);
  model.compile(optimizer_from_json(keras_optimizer(*optimizer)), loss_from_json(*loss), metrics);
}

// ---------------------------------------------------------------------------------------------
// Building the model

std::unique_ptr<Sequential> build_from_topology(const json& model_json, std::uint32_t seed) {
  if (!model_json.is_object()) throw std::invalid_argument(std::string(kOwner) + ": expected a JSON object");
  if (!model_json.contains("modelTopology") || model_json["modelTopology"].is_null()) {
    const auto format = field_or<std::string>(model_json, "format", "layers-model", kOwner);
    throw std::invalid_argument(
        std::string(kOwner) + ": missing 'modelTopology'" +
        (format == "layers-model" ? "" : " (format '" + format + "': only 'layers-model' files load)"));
  }
  std::unique_ptr<Sequential> model;
  try {
    model = Sequential::from_topology(model_json["modelTopology"], seed);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(kOwner) + " modelTopology: " + e.what());
  }
  const Shape input = model->input_shape();
  if (input.empty())
    throw std::invalid_argument(std::string(kOwner) +
                                " modelTopology: the first layer declares no input shape (batch_input_shape)");
  model->build(input);
  return model;
}

std::vector<std::uint8_t> read_bytes(const fs::path& path, const std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open" + why);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(path.string() + ": read error" + why);
  return bytes;
}

json parse_json_file(const fs::path& path) {
  const auto bytes = read_bytes(path, "");
  return parse_json(std::string(bytes.begin(), bytes.end()), path.string());
}

// The weight files the manifest lists, relative to model.json's directory, concatenated.
std::vector<std::uint8_t> read_shards(const json& model_json, const fs::path& json_path) {
  std::vector<std::uint8_t> all;
  const json manifest = model_json.is_object() ? model_json.value("weightsManifest", json::array()) : json::array();
  if (!manifest.is_array()) return all;  // from_artifacts names the problem
  for (std::size_t g = 0; g < manifest.size(); ++g) {
    const json paths = manifest[g].is_object() ? manifest[g].value("paths", json()) : json();
    if (!paths.is_array())
      throw std::invalid_argument(json_path.string() + ": weightsManifest[" + std::to_string(g) +
                                  "] has no 'paths' array");
    for (const auto& p : paths) {
      if (!p.is_string())
        throw std::invalid_argument(json_path.string() + ": weightsManifest[" + std::to_string(g) +
                                    "].paths holds a non-string " + p.dump());
      const auto shard = read_bytes(json_path.parent_path() / p.get<std::string>(),
                                    " (a weight file listed in " + json_path.string() + ")");
      all.insert(all.end(), shard.begin(), shard.end());
    }
  }
  return all;
}

void write_file(const fs::path& path, const void* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path.string() + ": cannot open for writing");
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush()) throw std::runtime_error(path.string() + ": write error");
}

}  // namespace

ModelArtifacts to_artifacts(Sequential& model, const std::string& weights_file) {
  if (!model.built()) {
    if (model.input_shape().empty())
      throw std::logic_error("save: the model is not built and its first layer declares no input shape");
    model.build(model.input_shape());
  }
  ModelArtifacts artifacts;
  json specs = json::array();
  for (const auto& t : targets_of(model)) {
    const std::vector<std::size_t> shape(t.value->shape().begin(), t.value->shape().end());
    specs.push_back({{"name", t.file_name()}, {"shape", shape}, {"dtype", "float32"}});
    append_floats(artifacts.weights, *t.value);
  }
  json topology = short_floats(model.topology());  // "rate": 0.2, not 0.20000000298023224
  topology["keras_version"] = "tfjs-layers 4.22.0";
  topology["backend"] = "tensor_flow.js";
  json& j = artifacts.model_json;
  j = {{"format", "layers-model"},
       {"generatedBy", "Neurite 0.1"},
       {"convertedBy", nullptr},
       {"modelTopology", topology},
       {"weightsManifest", json::array({{{"paths", json::array({weights_file})}, {"weights", specs}}})}};
  if (model.compiled()) j["trainingConfig"] = training_config(model);
  return artifacts;
}

std::unique_ptr<Sequential> from_artifacts(const json& model_json, const std::uint8_t* weights, std::size_t size,
                                           std::uint32_t seed) {
  auto model = build_from_topology(model_json, seed);
  const auto entries = parse_manifest(model_json);
  copy_weights(*model, entries, weights, size);
  compile_from_training_config(*model, model_json);
  return model;
}

bool compile_from_training_config(Sequential& model, const json& model_json) {
  if (!model_json.is_object() || !model_json.contains("trainingConfig") || model_json["trainingConfig"].is_null())
    return false;
  try {
    restore_compile_settings(model, model_json["trainingConfig"]);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(kOwner) + " trainingConfig: " + e.what());
  }
  return true;
}

std::unique_ptr<Sequential> from_artifacts(const ModelArtifacts& artifacts, std::uint32_t seed) {
  return from_artifacts(artifacts.model_json, artifacts.weights.data(), artifacts.weights.size(), seed);
}

void save_model(Sequential& model, const std::string& dir) {
  const ModelArtifacts artifacts = to_artifacts(model);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw std::runtime_error(dir + ": cannot create the directory (" + error.message() + ")");
  const std::string text = artifacts.model_json.dump(2);
  write_file(fs::path(dir) / "model.json", text.data(), text.size());
  write_file(fs::path(dir) / "weights.bin", artifacts.weights.data(), artifacts.weights.size());
}

std::unique_ptr<Sequential> load_model(const std::string& model_json_path, std::uint32_t seed) {
  const fs::path path(model_json_path);
  const json model_json = parse_json_file(path);
  const auto weights = read_shards(model_json, path);
  try {
    return from_artifacts(model_json, weights.data(), weights.size(), seed);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();  // "model.json: ..." -> "<path>: ..."
    const bool prefixed = what.rfind(kOwner, 0) == 0;
    throw std::invalid_argument(path.string() + (prefixed ? what.substr(std::strlen(kOwner)) : ": " + what));
  }
}

}  // namespace neurite::io
