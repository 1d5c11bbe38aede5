// libFuzzer target: the IDX reader on arbitrary bytes, raw or gzip (a buffer starting 1f 8b is
// inflated first). A malformed file must end in a std::runtime_error naming what is wrong; a valid
// one must give a tensor whose size is what its header declares.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "data/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const neurite::ByteTensor tensor = neurite::data::parse_idx(data, size, "fuzz.idx");
    std::size_t declared = 1;
    for (std::size_t d : tensor.shape()) declared *= d;
    if (declared != tensor.size() || tensor.size() == 0) std::abort();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
