#include "data/idx.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>

#ifdef NEURITE_HAVE_ZLIB
#include <zlib.h>
#endif

namespace neurite::data {

namespace {

constexpr std::uint8_t kUnsignedByte = 0x08;
constexpr std::size_t kMaxDims = 4;

const char* dtype_name(std::uint8_t code) {
  switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "not an IDX type";
  }
}

std::string hex_byte(std::uint8_t b) {
  static const char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 0xF];
}

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// "60000x28x28", the way the error messages write a shape
std::string dims_str(const Shape& dims) {
  std::string s;
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

bool is_gzip(const std::uint8_t* bytes, std::size_t size) {
  return size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

// The fixed 4 bytes: 00 00 <dtype> <ndims>. Returns ndims.
std::size_t check_magic(const std::uint8_t* bytes, std::size_t size, const std::string& what) {
  if (size == 0) throw std::runtime_error(what + ": empty file (0 bytes), expected an IDX header");
  if (size < 4)
    throw std::runtime_error(what + ": truncated IDX header: need at least 4 bytes, found " + std::to_string(size));
  if (bytes[0] != 0 || bytes[1] != 0)
    throw std::runtime_error(what + ": not an IDX file: bad magic " + hex_byte(bytes[0]) + " " + hex_byte(bytes[1]) +
                             " at offset 0, expected 0x00 0x00");
  if (bytes[2] != kUnsignedByte)
    throw std::runtime_error(what + ": unsupported IDX data type " + hex_byte(bytes[2]) + " (" + dtype_name(bytes[2]) +
                             ") at offset 2: only 0x08 (unsigned byte) is supported");
  const std::size_t ndims = bytes[3];
  if (ndims < 1 || ndims > kMaxDims)
    throw std::runtime_error(what + ": invalid IDX dimension count " + std::to_string(ndims) +
                             " at offset 3: expected 1 to " + std::to_string(kMaxDims));
  return ndims;
}

// The big-endian uint32 dimensions that follow the magic.
Shape read_dims(const std::uint8_t* bytes, std::size_t size, std::size_t ndims, const std::string& what) {
  const std::size_t header = 4 + 4 * ndims;
  if (size < header)
    throw std::runtime_error(what + ": truncated IDX header: " + std::to_string(ndims) + " dimensions need " +
                             std::to_string(header) + " bytes, found " + std::to_string(size));
  Shape dims(ndims);
  for (std::size_t i = 0; i < ndims; ++i) {
    dims[i] = read_be32(bytes + 4 + 4 * i);
    if (dims[i] == 0)
      throw std::runtime_error(what + ": IDX dimension " + std::to_string(i + 1) + " of " + std::to_string(ndims) +
                               " is 0 (offset " + std::to_string(4 + 4 * i) + "): every dimension must be > 0");
  }
  return dims;
}

// Product of the dimensions, refusing one that does not fit in size_t (a 32-bit size_t in wasm).
std::size_t payload_bytes(const Shape& dims, const std::string& what) {
  std::size_t n = 1;
  for (auto d : dims) {
    if (n > std::numeric_limits<std::size_t>::max() / d)
      throw std::runtime_error(what + ": IDX dimensions " + dims_str(dims) + " are too large to address");
    n *= d;
  }
  return n;
}

void check_payload_size(const Shape& dims, std::size_t expected, std::size_t found, std::size_t offset,
                        const std::string& what) {
  if (found == expected) return;
  const std::string problem = found < expected ? "truncated IDX data" : "trailing bytes after IDX data";
  throw std::runtime_error(what + ": " + problem + ": header says " + dims_str(dims) + " = " + std::to_string(expected) +
                           " bytes, found " + std::to_string(found) + " (offset " + std::to_string(offset) + ")");
}

ByteTensor parse_uncompressed(const std::uint8_t* bytes, std::size_t size, const std::string& what) {
  const std::size_t ndims = check_magic(bytes, size, what);
  const Shape dims = read_dims(bytes, size, ndims, what);
  const std::size_t header = 4 + 4 * ndims;
  const std::size_t n = payload_bytes(dims, what);
  check_payload_size(dims, n, size - header, header, what);
  ByteTensor t = ByteTensor::from_shape(dims);
  std::memcpy(t.data(), bytes + header, n);
  return t;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(path + ": cannot open file (" + std::strerror(errno) + ")");
  const std::streamoff end = in.tellg();
  // a directory opens fine on Linux but has no readable size
  if (end < 0) throw std::runtime_error(path + ": cannot read file (is it a directory?)");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(end));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), end))
    throw std::runtime_error(path + ": read error after " + std::to_string(in.gcount()) + " of " +
                             std::to_string(end) + " bytes");
  return bytes;
}

bool file_exists(const std::string& path) { return static_cast<bool>(std::ifstream(path, std::ios::binary)); }

// The distributed names: train-images-idx3-ubyte (MNIST, Fashion-MNIST) and train-images.idx3-ubyte
// (some mirrors), each possibly gzipped. Uncompressed first: it reads faster.
std::string find_data_file(const std::string& dir, const std::vector<std::string>& stems, const std::string& kind,
                           const std::string& role) {
  const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  std::string tried;
  for (const auto& suffix : {"", ".gz"})
    for (const auto& stem : stems)
      for (const auto& sep : {"-", "."}) {
        const std::string name = stem + sep + kind + suffix;
        if (file_exists(prefix + name)) return prefix + name;
        tried += (tried.empty() ? "" : ", ") + name;
      }
  throw std::runtime_error((dir.empty() ? std::string(".") : dir) + ": no " + role + " file found (looked for " +
                           tried + ")");
}

void check_labels(const std::uint8_t* labels, std::size_t n, std::size_t num_classes, const std::string& what) {
  if (num_classes == 0) throw std::runtime_error(what + ": num_classes must be > 0");
  const auto* bad = std::find_if(labels, labels + n, [&](std::uint8_t v) { return v >= num_classes; });
  if (bad != labels + n)
    throw std::runtime_error(what + ": label " + std::to_string(*bad) + " at index " + std::to_string(bad - labels) +
                             " is out of range for " + std::to_string(num_classes) + " classes (expected 0 to " +
                             std::to_string(num_classes - 1) + ")");
}

}  // namespace

ByteTensor parse_idx(const std::uint8_t* bytes, std::size_t size, const std::string& what) {
  if (!is_gzip(bytes, size)) return parse_uncompressed(bytes, size, what);
  const std::vector<std::uint8_t> inflated = gunzip(bytes, size, what);
  return parse_uncompressed(inflated.data(), inflated.size(), what);
}

ByteTensor read_idx_file(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  return parse_idx(bytes.data(), bytes.size(), path);
}

#ifdef NEURITE_HAVE_ZLIB

namespace {

// Initial output size from the gzip trailer (uncompressed size mod 2^32 of the last member),
// capped at deflate's best ratio so a corrupt trailer cannot make us allocate gigabytes.
std::size_t inflated_size_hint(const std::uint8_t* bytes, std::size_t size) {
  if (size < 18) return 4096;
  const std::uint8_t* t = bytes + size - 4;
  const std::size_t isize = std::uint32_t{t[0]} | (std::uint32_t{t[1]} << 8) | (std::uint32_t{t[2]} << 16) |
                            (std::uint32_t{t[3]} << 24);
  const std::size_t cap = size > std::numeric_limits<std::size_t>::max() / 1032 ? size : size * 1032;
  // +1: with room to spare, the call that writes the last byte also reports the stream's end
  return std::min(isize, cap) + 1;
}

struct Inflater {
  z_stream zs{};
  explicit Inflater(const std::string& what) {
    // 16 + MAX_WBITS: expect a gzip wrapper (header and CRC-32 checked by zlib)
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error(what + ": cannot initialise zlib");
  }
  ~Inflater() { inflateEnd(&zs); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
};

[[noreturn]] void gzip_error(int rc, const z_stream& zs, std::size_t in_pos, std::size_t size, const std::string& what) {
  if (rc == Z_MEM_ERROR) throw std::runtime_error(what + ": out of memory while inflating gzip data");
  if (rc == Z_BUF_ERROR)
    throw std::runtime_error(what + ": truncated gzip data: the stream ends after " + std::to_string(size) +
                             " compressed bytes without its end marker");
  throw std::runtime_error(what + ": corrupt gzip data: " + (zs.msg ? zs.msg : "zlib error " + std::to_string(rc)) +
                           " (near compressed offset " + std::to_string(in_pos) + ")");
}

}  // namespace

std::vector<std::uint8_t> gunzip(const std::uint8_t* bytes, std::size_t size, const std::string& what) {
  if (!is_gzip(bytes, size)) throw std::runtime_error(what + ": not gzip data (no 1f 8b magic)");
  Inflater inf(what);
  z_stream& zs = inf.zs;
  // zlib counts in uInt (32 bits): feed and drain in chunks so any size works
  constexpr std::size_t kChunk = std::numeric_limits<uInt>::max();
  std::vector<std::uint8_t> out(inflated_size_hint(bytes, size));
  std::size_t in_pos = 0, out_pos = 0;
  for (;;) {
    if (out_pos == out.size()) out.resize(out.size() + out.size() / 2 + 65536);
    zs.next_in = const_cast<Bytef*>(bytes + in_pos);
    zs.avail_in = static_cast<uInt>(std::min(size - in_pos, kChunk));
    zs.next_out = out.data() + out_pos;
    zs.avail_out = static_cast<uInt>(std::min(out.size() - out_pos, kChunk));
    const uInt in_before = zs.avail_in, out_before = zs.avail_out;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += in_before - zs.avail_in;
    out_pos += out_before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      if (in_pos == size) break;
      // `cat a.gz b.gz` is a valid gzip file: go on with the next member
      if (!is_gzip(bytes + in_pos, size - in_pos))
        throw std::runtime_error(what + ": corrupt gzip data: " + std::to_string(size - in_pos) +
                                 " trailing bytes after the end of the stream (offset " + std::to_string(in_pos) + ")");
      inflateReset(&zs);
    } else if (rc != Z_OK) {
      gzip_error(rc, zs, in_pos, size, what);
    }
  }
  out.resize(out_pos);
  return out;
}

#else

std::vector<std::uint8_t> gunzip(const std::uint8_t*, std::size_t, const std::string& what) {
  throw std::runtime_error(what + ": gzip-compressed data cannot be read by this build (no zlib); "
                           "decompress it first (gunzip, or DecompressionStream('gzip') in the browser)");
}

#endif

std::size_t Dataset::size() const { return labels.size(); }

Dataset make_dataset(ByteTensor images, ByteTensor labels, std::size_t num_classes, const std::string& what) {
  const Shape image_shape(images.shape().begin(), images.shape().end());
  const Shape label_shape(labels.shape().begin(), labels.shape().end());
  if (images.dimension() != 3)
    throw std::runtime_error(what + ": images must be 3-D [N, rows, cols], found " + dims_str(image_shape));
  if (labels.dimension() != 1)
    throw std::runtime_error(what + ": labels must be 1-D [N], found " + dims_str(label_shape));
  if (image_shape[0] != label_shape[0])
    throw std::runtime_error(what + ": " + std::to_string(image_shape[0]) + " images but " +
                             std::to_string(label_shape[0]) + " labels");
  check_labels(labels.data(), labels.size(), num_classes, what);
  return Dataset{std::move(images), std::move(labels)};
}

DataFiles files_in_dir(const std::string& dir) {
  return DataFiles{find_data_file(dir, {"train-images"}, "idx3-ubyte", "training images"),
                   find_data_file(dir, {"train-labels"}, "idx1-ubyte", "training labels"),
                   find_data_file(dir, {"t10k-images", "test-images"}, "idx3-ubyte", "test images"),
                   find_data_file(dir, {"t10k-labels", "test-labels"}, "idx1-ubyte", "test labels")};
}

TrainTest load_train_test(const DataFiles& files, std::size_t num_classes) {
  const std::string train_what = files.train_images + " + " + files.train_labels;
  const std::string test_what = files.test_images + " + " + files.test_labels;
  TrainTest tt{
      make_dataset(read_idx_file(files.train_images), read_idx_file(files.train_labels), num_classes, train_what),
      make_dataset(read_idx_file(files.test_images), read_idx_file(files.test_labels), num_classes, test_what)};
  const auto& a = tt.train.images.shape();
  const auto& b = tt.test.images.shape();
  // a model trained on one image size cannot evaluate another
  if (a[1] != b[1] || a[2] != b[2])
    throw std::runtime_error(files.test_images + ": test images are " + std::to_string(b[1]) + "x" +
                             std::to_string(b[2]) + " but training images (" + files.train_images + ") are " +
                             std::to_string(a[1]) + "x" + std::to_string(a[2]));
  return tt;
}

Tensor to_categorical(const ByteTensor& labels, std::size_t num_classes) {
  const std::size_t n = labels.size();
  check_labels(labels.data(), n, num_classes, "to_categorical");
  Tensor out = xt::zeros<float>({n, num_classes});
  float* o = out.data();
  const std::uint8_t* l = labels.data();
  for (std::size_t i = 0; i < n; ++i) o[i * num_classes + l[i]] = 1.0f;
  return out;
}

Tensor scale_to_unit(const ByteTensor& images) {
  // A table of the 256 quotients, each computed in double as NumPy's `x / 255.0` does, so the
  // inputs match a Keras run bit for bit (a multiply by 1/255 differs in the last bit for some x).
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t{};
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(static_cast<double>(i) / 255.0);
    return t;
  }();
  Tensor out = Tensor::from_shape(images.shape());
  const std::uint8_t* in = images.data();
  float* o = out.data();
  for (std::size_t i = 0, n = images.size(); i < n; ++i) o[i] = table[in[i]];
  return out;
}

}  // namespace neurite::data
