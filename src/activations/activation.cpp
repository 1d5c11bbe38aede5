#include "activations/activation.hpp"

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
  ElementWise(std::string name, Forward f, Backward b) : name_(std::move(name)), forward_(f), backward_(b) {}
  std::string name() const override { return name_; }
  void forward(float* x, std::size_t rows, std::size_t cols) const override { forward_(x, rows * cols); }
  void backward(const float* y, float* g, std::size_t rows, std::size_t cols) const override {
    backward_(y, g, rows * cols);
  }

 private:
  std::string name_;
  Forward forward_;
  Backward backward_;
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
      {"relu", [] { return std::make_unique<ElementWise>("relu", kernels::relu, kernels::relu_backward); }},
      {"sigmoid",
       [] { return std::make_unique<ElementWise>("sigmoid", kernels::sigmoid, kernels::sigmoid_backward); }},
      {"tanh", [] { return std::make_unique<ElementWise>("tanh", kernels::tanh, kernels::tanh_backward); }},
      {"softmax", [] { return std::make_unique<Softmax>(); }},
  };
  return table;
}

}  // namespace

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
