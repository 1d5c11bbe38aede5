#pragma once
// IDX files (the format MNIST and Fashion-MNIST ship in) and the train/test splits built from them.
// Every error is a std::runtime_error whose message starts with the source it came from (file name)
// and says what was expected and what was found.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace neurite::data {

// Parses an IDX file held in memory: magic 00 00, dtype 0x08 (unsigned byte: the only one MNIST
// uses), 1..4 big-endian dimensions > 0, then exactly their product in bytes. A buffer that starts
// with the gzip magic 1f 8b is inflated first (native builds only: the browser inflates with
// DecompressionStream). `what` names the source in every error message.
ByteTensor parse_idx(const std::uint8_t* bytes, std::size_t size, const std::string& what);
// Reads and parses a file; `path` is the `what` of every error.
ByteTensor read_idx_file(const std::string& path);
// Inflates a gzip stream (concatenated members too). Throws unless built with zlib.
std::vector<std::uint8_t> gunzip(const std::uint8_t* bytes, std::size_t size, const std::string& what);

// One split: images [N, rows, cols] and labels [N], both uint8.
struct Dataset {
  ByteTensor images, labels;
  std::size_t size() const;
};

// Checks images are 3-D, labels 1-D, the counts match and every label < num_classes.
Dataset make_dataset(ByteTensor images, ByteTensor labels, std::size_t num_classes, const std::string& what);

struct DataFiles {
  std::string train_images, train_labels, test_images, test_labels;
};
// Finds the four files in `dir` under the names they are distributed with: train-images-idx3-ubyte,
// train-images.idx3-ubyte, either with .gz, and likewise train-labels-idx1-ubyte, t10k-images-...,
// t10k-labels-... (test-images-... too).
DataFiles files_in_dir(const std::string& dir);

struct TrainTest {
  Dataset train, test;
};
// Reads the four files; also checks train and test images have the same size.
TrainTest load_train_test(const DataFiles& files, std::size_t num_classes = 10);

// Keras' to_categorical: one-hot float matrix [labels.size(), num_classes]; a label >= num_classes
// is an error naming its index and value.
Tensor to_categorical(const ByteTensor& labels, std::size_t num_classes);
// The tutorial's `x / 255.0`: same shape, float, bit-identical to NumPy's float64 division cast to float32.
Tensor scale_to_unit(const ByteTensor& images);

}  // namespace neurite::data
