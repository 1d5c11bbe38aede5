#include "bench.hpp"

#include <cstdlib>

std::vector<const neurite::kernels::KernelSet*> kernel_sets_to_compare() {
  const char* requested = std::getenv("NEURITE_SIMD");
  if (requested != nullptr && *requested != '\0') return {&neurite::kernels::active_kernels()};
  std::vector<const neurite::kernels::KernelSet*> sets;
  for (const auto* set : neurite::kernels::compiled_kernel_sets())
    if (!set->emulated && set->runs_here()) sets.push_back(set);
  return sets;
}
