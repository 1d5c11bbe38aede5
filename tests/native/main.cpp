// The doctest runner. No signal handler: doctest's would report a crash by allocating inside what may
// be a corrupted heap, and then hang; without it a crash ends the process at once, with the
// sanitizer's or the kernel's report, and ctest marks the test failed.
#define DOCTEST_CONFIG_IMPLEMENT
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "kernels/kernel_set.hpp"

int main(int argc, char** argv) {
  // --kernels=NAME (or NEURITE_SIMD=NAME) picks the kernel set the suite runs with; CMakeLists.txt
  // runs it once per set. (doctest ignores options it does not know.)
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--kernels=", 10) == 0) setenv("NEURITE_SIMD", argv[i] + 10, 1);
  try {
    const auto& kernels = neurite::kernels::active_kernels();
    (void)kernels;
  } catch (const std::runtime_error& e) {  // a set this CPU cannot run: ctest's SKIP_RETURN_CODE
    std::printf("skipped: %s\n", e.what());
    return 77;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neurite_tests: %s\n", e.what());
    return 2;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
