#include "model/implied_loss.hpp"

#include "activations/activation.hpp"
#include "losses/loss.hpp"
#include "optimizers/optimizer.hpp"

namespace neurite {

ImpliedLoss implied_loss(Sequential& model) {
  Activation* out = model.layers().empty() ? nullptr : model.layers().back()->output_activation();
  const std::string activation = out ? out->name() : "linear";
  if (activation == "sigmoid") return {"binary_crossentropy", false};
  return {"sparse_categorical_crossentropy", activation != "softmax"};
}

void compile_for_output(Sequential& model) {
  const ImpliedLoss loss = implied_loss(model);
  model.compile(make_optimizer("adam"), make_loss(loss.name, loss.from_logits), {"accuracy"});
}

}  // namespace neurite
