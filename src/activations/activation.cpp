#include "activations/activation.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <utility>

#include "kernels/elementwise.hpp"

namespace neurite {
namespace {

class Linear final : public Activation {
 public:
  std::string name() const override { return "linear"; }
  void forward(float*, std::size_t, std::size_t) const override {}
  void backward(const float*, float*, std::size_t, std::size_t) const override {}
};

// relu, sigmoid and tanh differ only in their two kernels
class ElementWise final : public Activation {
 public:
  using Forward = void (*)(float*, std::size_t);
  using Backward = void (*)(const float*, float*, std::size_t);
  using BackwardInto = void (*)(const float*, const float*, float*, std::size_t);
  using BackwardIntoWithSums = void (*)(const float*, const float*, float*, std::size_t, std::size_t, float*);
  ElementWise(std::string name, Forward f, Backward b, BackwardInto into = nullptr,
              BackwardIntoWithSums into_with_sums = nullptr,
              kernels::FusedActivation epilogue = kernels::FusedActivation::None)
      : name_(std::move(name)), forward_(f), backward_(b), backward_into_(into), with_sums_(into_with_sums),
        epilogue_(epilogue) {}
  std::string name() const override { return name_; }
  kernels::FusedActivation gemm_epilogue() const override { return epilogue_; }
  void forward(float* x, std::size_t rows, std::size_t cols) const override { forward_(x, rows * cols); }
  void backward(const float* y, float* g, std::size_t rows, std::size_t cols) const override {
    backward_(y, g, rows * cols);
  }
  void backward_into(const float* y, const float* grad_in, float* grad_out, std::size_t rows, std::size_t cols,
                     float* column_sums) const override {
    if (column_sums && with_sums_) return with_sums_(y, grad_in, grad_out, rows, cols, column_sums);
    if (!backward_into_) return Activation::backward_into(y, grad_in, grad_out, rows, cols, column_sums);
    backward_into_(y, grad_in, grad_out, rows * cols);
    if (column_sums) kernels::accumulate_column_sums(grad_out, rows, cols, column_sums);
  }

 private:
  std::string name_;
  Forward forward_;
  Backward backward_;
  BackwardInto backward_into_;
  BackwardIntoWithSums with_sums_;
  kernels::FusedActivation epilogue_;
};

class Softmax final : public Activation {
 public:
  std::string name() const override { return "softmax"; }
  void forward(float* x, std::size_t rows, std::size_t cols) const override { kernels::softmax_rows(x, rows, cols); }
  void backward(const float* y, float* g, std::size_t rows, std::size_t cols) const override {
    kernels::softmax_backward_rows(y, g, rows, cols);
  }
};

using Factory = std::function<std::unique_ptr<Activation>()>;

const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> table = {
      {"linear", [] { return std::make_unique<Linear>(); }},
      {"relu", [] {
         return std::make_unique<ElementWise>("relu", kernels::relu, kernels::relu_backward, kernels::relu_backward_into,
                                              kernels::relu_backward_into_summing_columns,
                                              kernels::FusedActivation::Relu);
       }},
      {"sigmoid",
       [] { return std::make_unique<ElementWise>("sigmoid", kernels::sigmoid, kernels::sigmoid_backward); }},
      {"tanh", [] { return std::make_unique<ElementWise>("tanh", kernels::tanh, kernels::tanh_backward); }},
      {"softmax", [] { return std::make_unique<Softmax>(); }},
  };
  return table;
}

}  // namespace

void Activation::backward_into(const float* y, const float* grad_in, float* grad_out, std::size_t rows,
                               std::size_t cols, float* column_sums) const {
  std::copy_n(grad_in, rows * cols, grad_out);
  backward(y, grad_out, rows, cols);
  if (column_sums) kernels::accumulate_column_sums(grad_out, rows, cols, column_sums);
}

void Activation::apply_backward_into(const float* y, const float* grad_in, float* grad_out, std::size_t rows,
                                     std::size_t cols, float* column_sums) const {
  if (!fused_with_loss_) return backward_into(y, grad_in, grad_out, rows, cols, column_sums);
  std::copy_n(grad_in, rows * cols, grad_out);
  if (column_sums) kernels::accumulate_column_sums(grad_out, rows, cols, column_sums);
}

std::unique_ptr<Activation> make_activation(const std::string& name) {
  const std::string key = name.empty() ? "linear" : name;
  for (const auto& [n, make] : registry())
    if (n == key) return make();
  std::string known;
  for (const auto& entry : registry()) known += (known.empty() ? "" : ", ") + entry.first;
  throw std::invalid_argument("unknown activation '" + name + "' (known: " + known + ")");
}

std::vector<std::string> activation_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.first);
  return names;
}

}  // namespace neurite
