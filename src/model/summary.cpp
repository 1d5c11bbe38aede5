// Sequential::summary: the table Keras' model.summary() prints.
#include <cstdio>
#include <sstream>

#include "model/sequential.hpp"

namespace neurite {
namespace {

constexpr std::size_t kLineLength = 65;
const std::size_t kColumnEnds[] = {29, 55, 65};  // Keras' positions [.45, .85, 1] × 65

// Keras' print_row: each cell is cut to its column's width (less a two-space gap) and what does
// not fit continues on the next line, so "batch_normalization (BatchNormalization)" takes two.
std::string row(const std::string& name, const std::string& shape, const std::string& params) {
  std::string left[] = {name, shape, params};
  std::string lines;
  do {
    std::string line = " ";
    std::size_t start = 0;
    for (std::size_t col = 0; col < 3; ++col) {
      const bool last = col == 2;
      const std::size_t width = kColumnEnds[col] - start - (last ? 0 : 3);
      line += left[col].substr(0, width);
      left[col].erase(0, std::min(width, left[col].size()));
      line.resize(std::max(line.size(), kColumnEnds[col]), ' ');
      start = kColumnEnds[col];
    }
    lines += line + "\n";
  } while (!left[0].empty() || !left[1].empty() || !left[2].empty());
  return lines;
}

// Keras' readable_memory_size: "397.54 KB", "0.00 Byte"
std::string readable_size(double bytes) {
  const char* units[] = {"Byte", "KB", "MB", "GB", "TB"};
  std::size_t unit = 0;
  while (bytes >= 1024.0 && unit + 1 < std::size(units)) {
    bytes /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.2f %s", bytes, units[unit]);
  return text;
}

}  // namespace

std::string Sequential::summary() {
  if (!built_) {
    const Shape declared = input_shape();
    if (declared.empty())
      throw std::logic_error("summary: the model is not built; give the first layer an input shape or call build()");
    build(declared);
  }
  std::ostringstream out;
  const std::string rule(kLineLength, '_'), double_rule(kLineLength, '=');
  out << "Model: \"" << name_ << "\"\n" << rule << "\n" << row("Layer (type)", "Output Shape", "Param #") << double_rule << "\n";
  for (auto& layer : layers_)
    out << row(layer->name() + " (" + layer->class_name() + ")", shape_str(layer->output_shape()),
               std::to_string(layer->param_count()))
        << row("", "", "");
  const std::size_t total = param_count();
  std::size_t trainable = 0;
  for (const auto& p : params()) trainable += p.value->size();
  out << double_rule << "\n"
      << "Total params: " << total << " (" << readable_size(total * 4.0) << ")\n"
      << "Trainable params: " << trainable << " (" << readable_size(trainable * 4.0) << ")\n"
      << "Non-trainable params: " << total - trainable << " (" << readable_size((total - trainable) * 4.0) << ")\n"
      << rule << "\n";
  return out.str();
}

}  // namespace neurite
