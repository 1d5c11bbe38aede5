// The embind declarations of Neurite's wasm module: a 1:1 view of src/ (see glue.hpp for the few
// adapters). Every entry point is guarded, so a C++ exception reaches JS as an Error with what().
// JavaScript uses it through bindings/neurite.mjs, which also frees what embind allocates.
#include <emscripten/bind.h>

#include "glue.hpp"

namespace nb = neurite::bindings;
using namespace emscripten;
using neurite::LabeledSamples;
using neurite::Samples;
using neurite::Sequential;
using neurite::TrainingSession;

#define GUARD(f) &nb::Guarded<f>::call

EMSCRIPTEN_BINDINGS(neurite) {
  function("buildInfo", GUARD(&nb::build_info));
  function("presets", GUARD(&nb::presets_js));
  function("registry", GUARD(&nb::registry_js));
  function("toyDataset", GUARD(&nb::toy_dataset_js));
  function("setThreadCount", GUARD(&nb::set_thread_count));

  class_<Sequential>("Sequential")
      .function("buildDeclared", GUARD(&neurite::build_declared))
      .function("built", GUARD(&Sequential::built))
      .function("compile", GUARD(&nb::compile_named))
      .function("compileWithConfig", GUARD(&nb::compile_with_config))
      .function("compileSettings", GUARD(&nb::compile_settings))
      .function("setLearningRate", GUARD(&nb::set_learning_rate))
      .function("impliedLoss", GUARD(&nb::implied_loss_js))
      .function("predictSamples", GUARD(&nb::predict_samples))
      .function("summary", GUARD(&Sequential::summary))
      .function("topology", GUARD(&nb::topology_text))
      .function("layers", GUARD(&nb::layers_js))
      .function("paramCount", GUARD(&nb::param_count))
      .function("inputShape", GUARD(&nb::input_shape_js))
      .function("outputShape", GUARD(&nb::output_shape_js))
      .function("predictFloats", GUARD(&nb::predict_floats))
      .function("predictBytes", GUARD(&nb::predict_bytes))
      .function("layerOutput", GUARD(&nb::layer_output_js))
      .function("layerWeights", GUARD(&nb::layer_weights_js))
      .function("evaluate", GUARD(&nb::evaluate_js))
      .function("confusionMatrix", GUARD(&nb::confusion_matrix_js))
      .function("save", GUARD(&nb::save_artifacts))
      .function("stopTraining", GUARD(&Sequential::stop_training));
  function("makePreset", GUARD(&neurite::make_preset));
  function("modelFromTopology", GUARD(&nb::model_from_topology));
  function("loadArtifacts", GUARD(&nb::load_artifacts));

  class_<Samples>("Samples")
      .function("size", GUARD(&Samples::size))
      .function("sampleSize", GUARD(&Samples::sample_size))
      .function("slice", GUARD(&Samples::slice));
  function("samplesFromBytes", GUARD(&nb::samples_from_bytes));
  function("samplesFromFloats", GUARD(&nb::samples_from_floats));

  class_<LabeledSamples>("LabeledSamples")
      .function("size", GUARD(&LabeledSamples::size))
      .function("slice", GUARD(&LabeledSamples::slice))
      .function("x", GUARD(&LabeledSamples::x))
      .function("classIndices", GUARD(&LabeledSamples::class_indices))
      .function("oneHot", GUARD(&LabeledSamples::one_hot))
      .function("targetsFor", GUARD(&LabeledSamples::targets_for));
  function("datasetFromBytes", GUARD(&nb::dataset_from_js));

  class_<TrainingSession>("TrainingSession")
      .function("run", GUARD(&nb::run_session))
      .function("history", GUARD(&nb::session_history))
      .function("finished", GUARD(&TrainingSession::finished))
      .function("batchesPerEpoch", GUARD(&TrainingSession::batches_per_epoch))
      .function("trainSize", GUARD(&TrainingSession::train_size))
      .function("milestones", GUARD(&nb::session_milestones))
      .function("checkpoint", GUARD(&nb::session_checkpoint))
      .function("restore", GUARD(&nb::session_restore));
  function("startSession", GUARD(&nb::start_session), allow_raw_pointers());
}
