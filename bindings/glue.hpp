#pragma once
// Glue between embind and the C++ API, used only by bindings.cpp: an exception guard, copies of bulk
// data between JS typed arrays and wasm memory, conversions of results to plain JS objects, and
// one-line adapters where a C++ call needs its arguments in another form (JSON as text, names).
// No behaviour of its own: everything a model does happens in src/.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <emscripten/val.h>
#include <xsimd/xsimd.hpp>

#include "kernels/kernel_set.hpp"

#include "io/model_file.hpp"
#include "kernels/parallel.hpp"
#include "losses/loss.hpp"
#include "metrics/metrics.hpp"
#include "activations/activation.hpp"
#include "data/toy.hpp"
#include "layers/registry.hpp"
#include "model/implied_loss.hpp"
#include "model/inspect.hpp"
#include "model/metric_tracker.hpp"
#include "model/labeled_samples.hpp"
#include "model/presets.hpp"
#include "model/samples.hpp"
#include "model/sequential.hpp"
#include "model/training_session.hpp"
#include "optimizers/optimizer.hpp"
#include "util/json_fields.hpp"
#include "util/json_text.hpp"

namespace neurite::bindings {

using emscripten::val;

// ---------------------------------------------------------------------------------------------
// Errors: every C++ exception reaches JS as an Error carrying what(). The message is copied out of
// the catch block first, so the C++ exception is released before the JS one unwinds the stack.

[[noreturn]] inline void throw_js_error(const std::string& message) {
  val::global("Error").new_(val(message)).throw_();
}

// Runs call() and hands back its result; a C++ exception leaves as a JS Error with its what().
template <class Call>
decltype(auto) rethrow_as_js_error(Call&& call) {
  std::string message;
  try {
    return call();
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "unknown C++ exception";
  }
  throw_js_error(message);
}

template <auto F, class Signature = decltype(F)>
struct Guarded;

template <auto F, class R, class... A>
struct Guarded<F, R (*)(A...)> {
  static R call(A... args) {
    return rethrow_as_js_error([&]() -> R { return F(std::forward<A>(args)...); });
  }
};

template <auto F, class R, class C, class... A>
struct Guarded<F, R (C::*)(A...)> {
  static R call(C& self, A... args) {
    return rethrow_as_js_error([&]() -> R { return (self.*F)(std::forward<A>(args)...); });
  }
};

template <auto F, class R, class C, class... A>
struct Guarded<F, R (C::*)(A...) const> {
  static R call(const C& self, A... args) {
    return rethrow_as_js_error([&]() -> R { return (self.*F)(std::forward<A>(args)...); });
  }
};

// ---------------------------------------------------------------------------------------------
// Bulk data in: one TypedArray.prototype.set into a view of wasm memory taken right after the
// destination was allocated (a later allocation may grow memory and detach older views).

inline bool is_array_like(const val& v) {
  return val::global("ArrayBuffer").call<bool>("isView", v) || val::global("Array").call<bool>("isArray", v);
}

inline std::size_t js_length(const val& array, const std::string& what) {
  if (!is_array_like(array)) throw std::invalid_argument(what + ": expected a typed array");
  return array["length"].as<std::size_t>();
}

template <class T>
void copy_from_js(const val& array, T* dest, std::size_t n) {
  val view(emscripten::typed_memory_view(n, dest));
  view.call<void>("set", array);
}

// Exactly shape_size(full_shape) values of `array` as a tensor of that shape.
template <class Container>
Container tensor_from_js(const val& array, const Shape& full_shape, const std::string& what) {
  const std::size_t length = js_length(array, what);
  const std::size_t expected = shape_size(full_shape);
  if (length != expected) {
    std::string dims;
    for (auto d : full_shape) dims += (dims.empty() ? "" : " × ") + std::to_string(d);
    throw std::invalid_argument(what + ": expected " + dims + " = " + std::to_string(expected) + " values, got " +
                                std::to_string(length));
  }
  Container t = Container::from_shape(full_shape);
  copy_from_js(array, t.data(), t.size());
  return t;
}

template <class T>
std::vector<T> vector_from_js(const val& array, const std::string& what) {
  std::vector<T> values(js_length(array, what));
  copy_from_js(array, values.data(), values.size());
  return values;
}

inline std::vector<std::uint8_t> bytes_from_js(const val& array, const std::string& what) {
  return vector_from_js<std::uint8_t>(array, what);
}

inline Shape shape_from_js(const val& array, const std::string& what) {
  const std::size_t n = js_length(array, what);
  Shape shape;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = array[i].as<double>();
    if (!(d >= 1 && d == static_cast<double>(static_cast<std::size_t>(d))))
      throw std::invalid_argument(what + "[" + std::to_string(i) + "] must be a positive integer");
    shape.push_back(static_cast<std::size_t>(d));
  }
  return shape;
}

// ---------------------------------------------------------------------------------------------
// Results out, as plain JS values (copies: nothing returned refers to wasm memory).

inline val float32_copy(const float* data, std::size_t n) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(n, data));
}

inline val uint8_copy(const std::uint8_t* data, std::size_t n) {
  return val::global("Uint8Array").new_(emscripten::typed_memory_view(n, data));
}

inline val shape_js(const Shape& shape) {
  val out = val::array();
  for (auto d : shape) out.call<void>("push", static_cast<double>(d));
  return out;
}

template <class T>
val array_js(const std::vector<T>& items) {
  val out = val::array();
  for (const auto& item : items) out.call<void>("push", item);
  return out;
}

inline val logs_js(const Logs& logs) {
  val out = val::object();
  for (const auto& [key, value] : logs) out.set(key, value);
  return out;
}

inline val history_js(const History& history) {
  val out = val::object();
  for (const auto& key : history.keys) out.set(key, array_js(history.values.at(key)));
  return out;
}

inline val progress_js(const TrainingSession::Progress& p) {
  val out = val::object();
  out.set("epoch", static_cast<double>(p.epoch));
  out.set("batch", static_cast<double>(p.batch));
  out.set("batchesPerEpoch", static_cast<double>(p.batches_per_epoch));
  out.set("epochEnded", p.epoch_ended);
  out.set("finished", p.finished);
  out.set("logs", logs_js(p.logs));
  return out;
}

inline val confusion_js(const metrics::ConfusionMatrix& m) {
  val matrix = val::array(), precision = val::array(), recall = val::array(), f1 = val::array();
  for (std::size_t t = 0; t < m.num_classes(); ++t) {
    val row = val::array();
    for (std::size_t p = 0; p < m.num_classes(); ++p) row.call<void>("push", static_cast<double>(m.count(t, p)));
    matrix.call<void>("push", row);
    precision.call<void>("push", m.precision(t));
    recall.call<void>("push", m.recall(t));
    f1.call<void>("push", m.f1(t));
  }
  val out = val::object();
  out.set("matrix", matrix);
  out.set("precision", precision);
  out.set("recall", recall);
  out.set("f1", f1);
  out.set("accuracy", m.accuracy());
  out.set("macroPrecision", m.macro_precision());
  out.set("macroRecall", m.macro_recall());
  out.set("macroF1", m.macro_f1());
  out.set("total", static_cast<double>(m.total()));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Adapters, in the order bindings.cpp declares them.

inline val build_info() {
  val out = val::object();
  out.set("simd", std::string(neurite::kernels::active_kernels().name));  // "wasm": the SIMD128 kernel set
  // true in the relaxed-SIMD build, whose kernels multiply-add with f32x4.relaxed_madd
  out.set("fma", neurite::kernels::active_kernels().fused_multiply_add);
#ifdef __EMSCRIPTEN_PTHREADS__
  out.set("threads", true);
#else
  out.set("threads", false);
#endif
  return out;
}

// The kernels' thread count (0: the default, navigator.hardwareConcurrency capped at the pthread
// pool); returns the count in force, always 1 in the single-threaded build.
inline std::size_t set_thread_count(std::size_t threads) { return neurite::kernels::set_thread_count(threads); }

inline val presets_js() {
  val out = val::array();
  for (const auto& p : presets()) {
    val item = val::object();
    item.set("name", p.name);
    item.set("description", p.description);
    out.call<void>("push", item);
  }
  return out;
}

// Keras' label_smoothing of a cross-entropy, 0 for the losses without one
inline double label_smoothing_of(const Loss& loss) { return loss.config().value("label_smoothing", 0.0); }

// Every name the core accepts, so that the JavaScript library, the page and its layer editor read
// the vocabulary from here instead of keeping copies (tests/js/library.test.mjs compares them).
inline val registry_js() {
  val out = val::object();
  out.set("layers", array_js(layer_class_names()));
  out.set("activations", array_js(activation_names()));
  out.set("optimizers", array_js(optimizer_names()));
  out.set("schedules", array_js(schedule_names()));
  out.set("losses", array_js(loss_names()));
  out.set("metrics", array_js(MetricTracker::known()));
  out.set("toyDatasets", array_js(data::toy_data_names()));
  val listed = presets_js();
  for (std::size_t i = 0; i < presets().size(); ++i) {
    const auto model = make_preset(presets()[i].name, 0);
    listed[i].set("topology", model->topology().dump());  // JSON text
    // the recipe: Keras' optimizer config (JSON text), loss, batch size and epochs
    val recipe = val::object();
    recipe.set("optimizer", nlohmann::json{{"class_name", model->optimizer()->class_name()},
                                           {"config", model->optimizer()->config()}}.dump());
    recipe.set("loss", model->loss()->name());
    recipe.set("fromLogits", model->loss()->from_logits());
    recipe.set("labelSmoothing", label_smoothing_of(*model->loss()));
    recipe.set("batchSize", static_cast<double>(presets()[i].batch_size));
    recipe.set("epochs", static_cast<double>(presets()[i].epochs));
    listed[i].set("recipe", recipe);
  }
  out.set("presets", listed);
  return out;
}

// {x: Float32Array of n × 2 features, y: Float32Array of n labels (0 or 1)}
inline val toy_dataset_js(const std::string& name, std::size_t n, std::uint32_t seed) {
  const data::ToySplit split = data::make_toy_data(name, n, seed);
  val out = val::object();
  out.set("x", float32_copy(split.features.data(), split.features.size()));
  out.set("y", float32_copy(split.labels.data(), split.labels.size()));
  return out;
}

inline val implied_loss_js(Sequential& model) {
  const ImpliedLoss loss = implied_loss(model);
  val out = val::object();
  out.set("loss", loss.name);
  out.set("fromLogits", loss.from_logits);
  return out;
}

inline std::unique_ptr<Sequential> model_from_topology(const std::string& topology, std::uint32_t seed) {
  return Sequential::from_topology(parse_json(topology, "topology"), seed);
}

inline std::unique_ptr<Sequential> load_artifacts(const std::string& model_json, const val& weights,
                                                  std::uint32_t seed) {
  const auto bytes = bytes_from_js(weights, "weights");
  return io::from_artifacts(parse_json(model_json, "model.json"), bytes.data(), bytes.size(), seed);
}

inline val save_artifacts(Sequential& model) {
  const io::ModelArtifacts artifacts = io::to_artifacts(model);
  val out = val::object();
  out.set("modelJson", artifacts.model_json.dump());
  out.set("weights", uint8_copy(artifacts.weights.data(), artifacts.weights.size()));
  return out;
}

// A negative learning rate means the optimizer's Keras default.
inline void compile_named(Sequential& model, const std::string& optimizer, float learning_rate,
                          const std::string& loss, bool from_logits, float label_smoothing, const val& metrics) {
  model.compile(make_optimizer(optimizer, learning_rate), make_loss(loss, from_logits, label_smoothing),
                emscripten::vecFromJSArray<std::string>(metrics));
}

// optimizer: Keras' {"class_name": "SGD", "config": {"learning_rate", "momentum", "nesterov"}} (or
// a plain name) as JSON text; missing fields take Keras' defaults.
inline void compile_with_config(Sequential& model, const std::string& optimizer, const std::string& loss,
                                bool from_logits, float label_smoothing, const val& metrics) {
  model.compile(optimizer_from_json(parse_json(optimizer, "optimizer")), make_loss(loss, from_logits, label_smoothing),
                emscripten::vecFromJSArray<std::string>(metrics));
}

// What a caller's LearningRateScheduler sets between epochs.
inline void set_learning_rate(Sequential& model, float lr) {
  if (!model.compiled()) throw std::logic_error("setLearningRate: compile the model first");
  model.optimizer()->set_learning_rate(lr);
}

inline val compile_settings(Sequential& model) {
  if (!model.compiled()) return val::null();
  val out = val::object();
  out.set("optimizer", model.optimizer()->name());
  out.set("learningRate", model.optimizer()->learning_rate());
  // Keras' config as JSON text: the schedule, betas, clipping, weight decay
  out.set("optimizerConfig", io::short_floats({{"class_name", model.optimizer()->class_name()},
                                               {"config", model.optimizer()->config()}}).dump());
  out.set("loss", model.loss()->name());
  out.set("fromLogits", model.loss()->from_logits());
  out.set("labelSmoothing", label_smoothing_of(*model.loss()));
  out.set("metrics", array_js(model.metric_names()));
  return out;
}

inline std::string topology_text(const Sequential& model) { return model.topology().dump(); }

inline val input_shape_js(const Sequential& model) {
  const Shape shape = model.input_shape();
  return shape.empty() ? val::null() : shape_js(shape);
}

inline val output_shape_js(const Sequential& model) {
  return model.built() ? shape_js(model.output_shape()) : val::null();
}

inline val layers_js(Sequential& model) {
  val out = val::array();
  for (const auto& info : layer_info(model)) {
    val item = val::object();
    item.set("name", info.name);
    item.set("className", info.class_name);
    item.set("outputShape", model.built() ? shape_js(info.output_shape) : val::null());
    item.set("params", static_cast<double>(info.params));
    out.call<void>("push", item);
  }
  return out;
}

inline double param_count(Sequential& model) { return static_cast<double>(model.param_count()); }

// n samples of the model's input shape, as floats or as bytes scaled by 1/255.
inline Shape predict_shape(const Sequential& model, std::size_t n) {
  const Shape sample = model.input_shape();
  if (sample.empty())
    throw std::invalid_argument("predict: the model's input shape is unknown (declare it on the first layer)");
  return with_batch(n, sample);
}

inline val predict_floats(Sequential& model, const val& input, std::size_t n, std::size_t batch_size) {
  Tensor x = tensor_from_js<Tensor>(input, predict_shape(model, n), "predict");
  const Tensor out = model.predict(Samples::of(std::move(x)), batch_size);
  return float32_copy(out.data(), out.size());
}

inline val predict_bytes(Sequential& model, const val& input, std::size_t n, std::size_t batch_size) {
  ByteTensor x = tensor_from_js<ByteTensor>(input, predict_shape(model, n), "predict");
  const Tensor out = model.predict(Samples::of_bytes(std::move(x), 255.0f), batch_size);
  return float32_copy(out.data(), out.size());
}

// Layer `layer_index`'s output for n samples given as floats: {shape: [n, ...], values}.
inline val layer_output_js(Sequential& model, const val& input, std::size_t n, std::size_t layer_index) {
  const Tensor x = tensor_from_js<Tensor>(input, predict_shape(model, n), "layerOutput");
  const Tensor out = layer_output(model, x, layer_index);
  val result = val::object();
  result.set("shape", shape_js(Shape(out.shape().begin(), out.shape().end())));
  result.set("values", float32_copy(out.data(), out.size()));
  return result;
}

// [{name, shape, values}] in Keras' order (a Conv2D: kernel [kh, kw, in, out], then bias).
inline val layer_weights_js(Sequential& model, std::size_t layer_index) {
  val out = val::array();
  for (const auto& w : layer_weights(model, layer_index)) {
    val item = val::object();
    item.set("name", w.name);
    item.set("shape", shape_js(Shape(w.value.shape().begin(), w.value.shape().end())));
    item.set("values", float32_copy(w.value.data(), w.value.size()));
    out.call<void>("push", item);
  }
  return out;
}

inline val evaluate_js(Sequential& model, const Samples& x, const Samples& y, std::size_t batch_size) {
  return logs_js(model.evaluate(x, y, batch_size));
}

inline val confusion_matrix_js(Sequential& model, const Samples& x, const Samples& y, std::size_t batch_size) {
  return confusion_js(model.confusion_matrix(x, y, batch_size));
}

// Samples of the given full shape [n, ...]: bytes divided by `divisor` as batches are gathered
// (MNIST stays uint8 in wasm memory), or floats.
inline Samples samples_from_bytes(const val& bytes, const val& shape, float divisor) {
  if (!(divisor > 0.0f)) throw std::invalid_argument("samples: the divisor must be positive");
  return Samples::of_bytes(tensor_from_js<ByteTensor>(bytes, shape_from_js(shape, "samples shape"), "samples"), divisor);
}

inline Samples samples_from_floats(const val& floats, const val& shape) {
  return Samples::of(tensor_from_js<Tensor>(floats, shape_from_js(shape, "samples shape"), "samples"));
}

inline val predict_samples(Sequential& model, const Samples& x, std::size_t batch_size) {
  const Tensor out = model.predict(x, batch_size);
  return float32_copy(out.data(), out.size());
}

// images: n × ... bytes (shape [n, ...]), labels: n class indices.
inline LabeledSamples dataset_from_js(const val& images, const val& shape, const val& labels) {
  const Shape full = shape_from_js(shape, "dataset shape");
  if (full.size() < 2) throw std::invalid_argument("dataset shape: expected [count, ...sample shape]");
  ByteTensor x = tensor_from_js<ByteTensor>(images, full, "dataset images");
  ByteTensor y = tensor_from_js<ByteTensor>(labels, {full.front()}, "dataset labels");
  return LabeledSamples::of_bytes(std::move(x), std::move(y));
}

// Callbacks the core runs inside the session, from `extras` (JSON text): {"callbacks": [Keras'
// {"class_name": "EarlyStopping" | "ReduceLROnPlateau", "config"}], "milestones": {"thresholds":
// [0.98, 0.99], "every": batches, "offset" and "samples": the slice of the validation samples to
// evaluate, "stop": whether training ends once every threshold is reached}}.
inline std::vector<std::unique_ptr<Callback>> session_callbacks(const std::string& extras, const Samples* validation_x,
                                                                const Samples* validation_y) {
  std::vector<std::unique_ptr<Callback>> owned;
  const nlohmann::json spec = parse_json(extras.empty() ? "{}" : extras, "fit options");
  for (const auto& c : spec.value("callbacks", nlohmann::json::array())) owned.push_back(callback_from_json(c));
  if (spec.contains("milestones") && spec["milestones"].is_object()) {
    const nlohmann::json& m = spec["milestones"];
    if (!validation_x || !validation_y)
      throw std::invalid_argument("fit: accuracy milestones are measured on validation data: give validationData");
    const std::size_t offset = field_or<std::size_t>(m, "offset", 0, "milestones");
    if (offset >= validation_x->size())
      throw std::invalid_argument("fit: milestones offset " + std::to_string(offset) + " is past the " +
                                  std::to_string(validation_x->size()) + " validation samples");
    const std::size_t n = std::min(field_or<std::size_t>(m, "samples", validation_x->size(), "milestones"),
                                   validation_x->size() - offset);
    auto milestones = std::make_unique<AccuracyMilestones>(
        validation_x->slice(offset, offset + n), validation_y->slice(offset, offset + n), field_or<std::size_t>(m, "every", 50, "milestones"),
        field_or<std::vector<double>>(m, "thresholds", {0.98, 0.99}, "milestones"));
    milestones->stop_when_all_reached(field_or<bool>(m, "stop", false, "milestones"));
    owned.push_back(std::move(milestones));
  }
  return owned;
}

// [{threshold, accuracy, seconds, epoch, batch}] so far, and the last probe's accuracy
inline val session_milestones(const TrainingSession& session) {
  val out = val::object(), reached = val::array();
  out.set("last", val::null());
  for (const auto& cb : session.owned_callbacks()) {
    const auto* m = dynamic_cast<const AccuracyMilestones*>(cb.get());
    if (!m) continue;
    for (const auto& r : m->reached()) {
      val item = val::object();
      item.set("threshold", r.threshold);
      item.set("accuracy", r.accuracy);
      item.set("seconds", r.seconds);
      item.set("epoch", static_cast<double>(r.epoch));
      item.set("batch", static_cast<double>(r.batch));
      reached.call<void>("push", item);
    }
    out.set("last", m->last_accuracy());
  }
  out.set("reached", reached);
  return out;
}

// Validation data: both null, or both given.
inline std::unique_ptr<TrainingSession> start_session(Sequential& model, const Samples& x, const Samples& y,
                                                      const Samples* validation_x, const Samples* validation_y,
                                                      std::size_t epochs, std::size_t batch_size, bool shuffle,
                                                      double validation_split, const std::string& extras) {
  FitOptions options;
  options.epochs = epochs;
  options.batch_size = batch_size;
  options.shuffle = shuffle;
  options.validation_split = validation_split;
  options.validation_x = validation_x;
  options.validation_y = validation_y;
  options.log_learning_rate = parse_json(extras.empty() ? "{}" : extras, "fit options").value("logLearningRate", false);
  return std::make_unique<TrainingSession>(model, x, y, std::move(options),
                                           session_callbacks(extras, validation_x, validation_y));
}

inline val run_session(TrainingSession& session, std::size_t max_batches) {
  return progress_js(session.run(max_batches));
}

inline val session_history(const TrainingSession& session) { return history_js(session.history()); }

// A checkpoint as plain JS values that IndexedDB can keep: {state: JSON text, iterations,
// learningRate, slots: Float32Array, order: Uint32Array, callbackFloats: Float32Array} (the weights
// travel as model files; callbackFloats is absent in checkpoints kept before it existed).
inline val session_checkpoint(const TrainingSession& session) {
  const TrainingCheckpoint c = session.checkpoint();
  val out = val::object();
  out.set("state", c.state.dump());
  out.set("iterations", static_cast<double>(c.optimizer.iterations));
  out.set("learningRate", c.optimizer.learning_rate);
  out.set("slots", float32_copy(c.optimizer.slots.data(), c.optimizer.slots.size()));
  out.set("order", val::global("Uint32Array").new_(emscripten::typed_memory_view(c.order.size(), c.order.data())));
  out.set("callbackFloats", float32_copy(c.callback_floats.data(), c.callback_floats.size()));
  return out;
}

inline void session_restore(TrainingSession& session, const val& checkpoint) {
  if (checkpoint.typeOf().as<std::string>() != "object" || checkpoint.isNull()) throw std::invalid_argument("checkpoint: expected {state, iterations, learningRate, slots, order}");
  TrainingCheckpoint c;
  c.state = parse_json(checkpoint["state"].isString() ? checkpoint["state"].as<std::string>() : "", "checkpoint state");
  const double iterations = checkpoint["iterations"].isNumber() ? checkpoint["iterations"].as<double>() : -1;
  if (!(iterations >= 0)) throw std::invalid_argument("checkpoint: iterations must be a count ≥ 0");
  c.optimizer.iterations = static_cast<std::size_t>(iterations);
  if (!checkpoint["learningRate"].isNumber()) throw std::invalid_argument("checkpoint: learningRate must be a number");
  c.optimizer.learning_rate = checkpoint["learningRate"].as<float>();
  c.optimizer.slots = vector_from_js<float>(checkpoint["slots"], "checkpoint slots");
  c.order = vector_from_js<std::uint32_t>(checkpoint["order"], "checkpoint order");
  if (!checkpoint["callbackFloats"].isUndefined())
    c.callback_floats = vector_from_js<float>(checkpoint["callbackFloats"], "checkpoint callbackFloats");
  session.restore(c);
}

}  // namespace neurite::bindings
