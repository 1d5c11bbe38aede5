#pragma once
// Sets the kernels' thread count for one scope and restores the default after it (tests that
// compare 1 and 2 threads).
#include <cstddef>

#include "kernels/parallel.hpp"

namespace neurite::testing {

struct ThreadCount {
  explicit ThreadCount(std::size_t threads) { kernels::set_thread_count(threads); }
  ~ThreadCount() { kernels::set_thread_count(0); }
};

}  // namespace neurite::testing
