#pragma once
// The loss a model's output implies when nobody names one: a sigmoid output is a binary
// classifier (binary cross-entropy), a softmax output gives probabilities, anything else gives
// logits (sparse categorical cross-entropy from_logits, like the tutorial's Dense(10)). The CLI,
// the wasm bindings and through them the JavaScript library all ask here, so they cannot disagree.
#include <string>

#include "model/sequential.hpp"

namespace neurite {

struct ImpliedLoss {
  std::string name;  // Keras' name, e.g. "sparse_categorical_crossentropy"
  bool from_logits = false;
};

ImpliedLoss implied_loss(Sequential& model);

// Compiles with the implied loss, Adam's defaults and accuracy: what a bare topology trains with.
void compile_for_output(Sequential& model);

}  // namespace neurite
