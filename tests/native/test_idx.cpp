// IDX reading: the real MNIST and Fashion-MNIST files, then every kind of bad file built in memory,
// each checked for an error message that names the problem.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef NEURITE_HAVE_ZLIB
#include <zlib.h>
#endif

#include "data/idx.hpp"
#include "temp_dir.hpp"

using neurite::ByteTensor;
using neurite::Shape;
using neurite::Tensor;
namespace data = neurite::data;

namespace {

using Bytes = std::vector<std::uint8_t>;

// An IDX file: 00 00 <dtype> <ndims>, big-endian dimensions, then the payload as given.
Bytes idx_bytes(const std::vector<std::uint32_t>& dims, const Bytes& payload, std::uint8_t dtype = 0x08) {
  Bytes b{0, 0, dtype, static_cast<std::uint8_t>(dims.size())};
  for (auto d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(d >> shift));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes iota_bytes(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return b;
}

ByteTensor parse(const Bytes& b, const std::string& what = "test.idx") { return data::parse_idx(b.data(), b.size(), what); }

void write_file(const std::string& path, const Bytes& b) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

using neurite::testing::TempDir;

#ifdef NEURITE_HAVE_ZLIB
Bytes gzip_bytes(const Bytes& in) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  Bytes out(deflateBound(&zs, static_cast<uLong>(in.size())));
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}
#endif

const std::string kFashionDir = "/usr/share/datasets/fashion-mnist";

}  // namespace

TEST_CASE("idx.parse_good") {
  const Bytes payload = iota_bytes(6);
  const ByteTensor t = parse(idx_bytes({2, 3}, payload));
  REQUIRE(t.dimension() == 2);
  CHECK(t.shape()[0] == 2);
  CHECK(t.shape()[1] == 3);
  CHECK(t(0, 0) == payload[0]);
  CHECK(t(1, 2) == payload[5]);  // row-major: the last byte is the last element

  const ByteTensor labels = parse(idx_bytes({4}, {3, 1, 4, 1}));
  REQUIRE(labels.dimension() == 1);
  CHECK(labels(2) == 4);

  const ByteTensor four_d = parse(idx_bytes({2, 1, 2, 3}, iota_bytes(12)));
  CHECK(four_d.dimension() == 4);
  CHECK(four_d(1, 0, 1, 2) == iota_bytes(12)[11]);
}

TEST_CASE("idx.mnist") {
  const data::DataFiles files = data::files_in_dir(NEURITE_MNIST_DIR);
  CHECK(files.train_images.find("train-images-idx3-ubyte") != std::string::npos);
  const data::TrainTest tt = data::load_train_test(files);
  CHECK(tt.train.images.shape() == ByteTensor::shape_type{60000, 28, 28});
  CHECK(tt.train.labels.shape() == ByteTensor::shape_type{60000});
  CHECK(tt.test.images.shape() == ByteTensor::shape_type{10000, 28, 28});
  CHECK(tt.test.labels.shape() == ByteTensor::shape_type{10000});
  CHECK(tt.train.size() == 60000);
  CHECK(tt.test.size() == 10000);
  CHECK(tt.train.labels(0) == 5);  // the famous first training digit
  CHECK(tt.test.labels(0) == 7);
  CHECK(xt::amax(tt.train.images)() == 255);
}

TEST_CASE("idx.fashion_gz") {
  if (!std::filesystem::exists(kFashionDir)) {
    MESSAGE("skipped: " << kFashionDir << " is missing (Debian package dataset-fashion-mnist)");
    return;
  }
#ifdef NEURITE_HAVE_ZLIB
  const data::DataFiles files = data::files_in_dir(kFashionDir);
  CHECK(files.train_images == kFashionDir + "/train-images-idx3-ubyte.gz");
  CHECK(files.test_labels == kFashionDir + "/t10k-labels-idx1-ubyte.gz");
  const data::TrainTest tt = data::load_train_test(files);
  CHECK(tt.train.images.shape() == ByteTensor::shape_type{60000, 28, 28});
  CHECK(tt.test.images.shape() == ByteTensor::shape_type{10000, 28, 28});
  CHECK(tt.train.labels(0) == 9);  // an ankle boot
  CHECK(tt.test.labels(0) == 9);
#else
  CHECK_THROWS_WITH_AS(data::load_train_test(data::files_in_dir(kFashionDir)), doctest::Contains("no zlib"),
                       std::runtime_error);
#endif
}

#ifdef NEURITE_HAVE_ZLIB
TEST_CASE("idx.gzip_in_memory") {
  const Bytes raw = idx_bytes({3, 5}, iota_bytes(15));
  const ByteTensor plain = parse(raw);
  CHECK(parse(gzip_bytes(raw)) == plain);

  // `cat a.gz b.gz` is one valid gzip file holding both parts
  const Bytes head(raw.begin(), raw.begin() + 7), tail(raw.begin() + 7, raw.end());
  Bytes two_members = gzip_bytes(head);
  const Bytes second = gzip_bytes(tail);
  two_members.insert(two_members.end(), second.begin(), second.end());
  CHECK(parse(two_members) == plain);

  CHECK(data::gunzip(gzip_bytes(raw).data(), gzip_bytes(raw).size(), "x.gz") == raw);
}

TEST_CASE("idx.corrupt_gzip") {
  // a gzip header, then a deflate block of type 3, which does not exist
  const Bytes bad_block{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK_THROWS_WITH_AS(parse(bad_block, "bad.gz"), doctest::Contains("bad.gz: corrupt gzip data: invalid block type"),
                       std::runtime_error);

  Bytes bad_crc = gzip_bytes(idx_bytes({4}, {1, 2, 3, 4}));
  bad_crc[bad_crc.size() - 6] ^= 0xFF;  // the CRC-32 sits just before the 4-byte size
  CHECK_THROWS_WITH_AS(parse(bad_crc, "crc.gz"), doctest::Contains("corrupt gzip data: incorrect data check"),
                       std::runtime_error);

  const Bytes whole = gzip_bytes(idx_bytes({100}, iota_bytes(100)));
  const Bytes half(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 2));
  CHECK_THROWS_WITH_AS(parse(half, "half.gz"), doctest::Contains("half.gz: truncated gzip data"), std::runtime_error);

  Bytes trailing = whole;
  trailing.push_back(0x42);
  CHECK_THROWS_WITH_AS(parse(trailing, "t.gz"), doctest::Contains("1 trailing bytes after the end of the stream"),
                       std::runtime_error);
}
#else
TEST_CASE("idx.gzip_unavailable") {
  const Bytes gz{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03};
  CHECK_THROWS_WITH_AS(parse(gz, "a.gz"), doctest::Contains("no zlib"), std::runtime_error);
}
#endif

TEST_CASE("idx.empty") {
  CHECK_THROWS_WITH_AS(parse({}, "empty.idx"), doctest::Contains("empty.idx: empty file"), std::runtime_error);
}

TEST_CASE("idx.truncated_header") {
  CHECK_THROWS_WITH_AS(parse({0, 0, 8}), "test.idx: truncated IDX header: need at least 4 bytes, found 3",
                       std::runtime_error);
  // 3 dimensions need 4 + 3*4 = 16 bytes; give the magic and one dimension
  const Bytes short_dims{0, 0, 8, 3, 0, 0, 0, 5};
  CHECK_THROWS_WITH_AS(parse(short_dims), "test.idx: truncated IDX header: 3 dimensions need 16 bytes, found 8",
                       std::runtime_error);
}

TEST_CASE("idx.bad_magic") {
  Bytes b = idx_bytes({2}, {1, 2});
  b[0] = 0x50;  // "PK": a zip file, say
  b[1] = 0x4b;
  CHECK_THROWS_WITH_AS(parse(b), doctest::Contains("not an IDX file: bad magic 0x50 0x4b at offset 0"),
                       std::runtime_error);
}

TEST_CASE("idx.unsupported_dtype") {
  CHECK_THROWS_WITH_AS(parse(idx_bytes({2}, iota_bytes(8), 0x0D)),
                       "test.idx: unsupported IDX data type 0x0d (float32) at offset 2: "
                       "only 0x08 (unsigned byte) is supported",
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(parse(idx_bytes({2}, iota_bytes(2), 0x42)), doctest::Contains("0x42 (not an IDX type)"),
                       std::runtime_error);
}

TEST_CASE("idx.bad_dimension_count") {
  CHECK_THROWS_WITH_AS(parse({0, 0, 8, 0}), doctest::Contains("invalid IDX dimension count 0"), std::runtime_error);
  CHECK_THROWS_WITH_AS(parse(idx_bytes({1, 1, 1, 1, 1}, {7})), doctest::Contains("invalid IDX dimension count 5"),
                       std::runtime_error);
}

TEST_CASE("idx.zero_dimension") {
  CHECK_THROWS_WITH_AS(parse(idx_bytes({3, 0, 2}, {})),
                       "test.idx: IDX dimension 2 of 3 is 0 (offset 8): every dimension must be > 0", std::runtime_error);
}

TEST_CASE("idx.huge_dimensions") {
  // 2^96 bytes: the size must be refused before it wraps around into something that looks valid
  CHECK_THROWS_WITH_AS(parse(idx_bytes({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {})),
                       doctest::Contains("IDX dimensions 4294967295x4294967295x4294967295 are too large"),
                       std::runtime_error);
}

TEST_CASE("idx.truncated") {
  // the header of MNIST's training images with only 1000 pixels behind it
  CHECK_THROWS_WITH_AS(
      parse(idx_bytes({60000, 28, 28}, iota_bytes(1000)), "train-images-idx3-ubyte.gz"),
      "train-images-idx3-ubyte.gz: truncated IDX data: header says 60000x28x28 = 47040000 bytes, found 1000 (offset 16)",
      std::runtime_error);
}

TEST_CASE("idx.trailing_bytes") {
  CHECK_THROWS_WITH_AS(parse(idx_bytes({2, 2}, iota_bytes(6))),
                       "test.idx: trailing bytes after IDX data: header says 2x2 = 4 bytes, found 6 (offset 12)",
                       std::runtime_error);
}

TEST_CASE("idx.missing_file") {
  CHECK_THROWS_WITH_AS(data::read_idx_file("/nonexistent/train-images-idx3-ubyte"),
                       doctest::Contains("/nonexistent/train-images-idx3-ubyte: cannot open file"), std::runtime_error);
  CHECK_THROWS_WITH_AS(data::files_in_dir("/nonexistent"),
                       doctest::Contains("/nonexistent: no training images file found (looked for train-images-idx3-ubyte"),
                       std::runtime_error);
}

TEST_CASE("idx.files_in_dir") {
  // the dotted names some mirrors use, next to a directory that lacks the test labels
  const TempDir dir("neurite_test_idx_files");
  write_file(dir.file("train-images.idx3-ubyte"), idx_bytes({3, 2, 2}, iota_bytes(12)));
  write_file(dir.file("train-labels.idx1-ubyte"), idx_bytes({3}, {0, 1, 2}));
  write_file(dir.file("t10k-images.idx3-ubyte"), idx_bytes({2, 2, 2}, iota_bytes(8)));
  CHECK_THROWS_WITH_AS(data::files_in_dir(dir.path.string()), doctest::Contains("no test labels file found"),
                       std::runtime_error);

  write_file(dir.file("t10k-labels.idx1-ubyte"), idx_bytes({2}, {2, 0}));
  const data::DataFiles files = data::files_in_dir(dir.path.string());
  CHECK(files.train_images == dir.file("train-images.idx3-ubyte"));
  const data::TrainTest tt = data::load_train_test(files, 3);
  CHECK(tt.train.size() == 3);
  CHECK(tt.test.labels(0) == 2);
  CHECK_THROWS_WITH_AS(data::load_train_test(files, 2), doctest::Contains("label 2 at index 2"), std::runtime_error);

  // test images of another size than the training images
  write_file(dir.file("t10k-images.idx3-ubyte"), idx_bytes({2, 3, 3}, iota_bytes(18)));
  CHECK_THROWS_WITH_AS(data::load_train_test(files, 3),
                       doctest::Contains("test images are 3x3 but training images"), std::runtime_error);
}

TEST_CASE("idx.count_mismatch") {
  ByteTensor images = parse(idx_bytes({3, 2, 2}, iota_bytes(12)));
  ByteTensor labels = parse(idx_bytes({2}, {0, 1}));
  CHECK_THROWS_WITH_AS(data::make_dataset(images, labels, 10, "split"), "split: 3 images but 2 labels",
                       std::runtime_error);
}

TEST_CASE("idx.dataset_shapes") {
  ByteTensor flat = parse(idx_bytes({3, 4}, iota_bytes(12)));
  ByteTensor labels = parse(idx_bytes({3}, {0, 1, 2}));
  CHECK_THROWS_WITH_AS(data::make_dataset(flat, labels, 10, "split"),
                       "split: images must be 3-D [N, rows, cols], found 3x4", std::runtime_error);
  ByteTensor images = parse(idx_bytes({3, 2, 2}, iota_bytes(12)));
  CHECK_THROWS_WITH_AS(data::make_dataset(images, flat, 10, "split"), doctest::Contains("labels must be 1-D [N], found 3x4"),
                       std::runtime_error);
  const data::Dataset ok = data::make_dataset(images, labels, 3, "split");
  CHECK(ok.size() == 3);
}

TEST_CASE("idx.label_out_of_range") {
  ByteTensor images = parse(idx_bytes({4, 1, 1}, iota_bytes(4)));
  ByteTensor labels = parse(idx_bytes({4}, {1, 9, 12, 10}));
  CHECK_THROWS_WITH_AS(data::make_dataset(images, labels, 10, "labels.idx"),
                       "labels.idx: label 12 at index 2 is out of range for 10 classes (expected 0 to 9)",
                       std::runtime_error);
}

TEST_CASE("idx.to_categorical") {
  const ByteTensor labels = parse(idx_bytes({3}, {2, 0, 1}));
  const Tensor onehot = data::to_categorical(labels, 4);
  const Tensor expected = {{0, 0, 1, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}};
  CHECK(onehot == expected);
  CHECK_THROWS_WITH_AS(data::to_categorical(labels, 2),
                       "to_categorical: label 2 at index 0 is out of range for 2 classes (expected 0 to 1)",
                       std::runtime_error);
}

TEST_CASE("idx.scale_to_unit") {
  Bytes all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  const Tensor x = data::scale_to_unit(parse(idx_bytes({16, 16}, all)));
  REQUIRE(x.shape() == Tensor::shape_type{16, 16});
  CHECK(x(0, 0) == 0.0f);
  CHECK(x(15, 15) == 1.0f);
  // bit-identical to NumPy's `np.float32(x / 255.0)` (float64 division, then rounded to float32)
  for (std::size_t i = 0; i < 256; ++i) CHECK(x.data()[i] == static_cast<float>(static_cast<double>(i) / 255.0));
}
