#include "kernels/kernel_set.hpp"

#include <cstdlib>
#include <stdexcept>

#if defined(__x86_64__) || defined(__i386__)
#include <xsimd/xsimd.hpp>  // xsimd::available_architectures: cpuid and xgetbv
#endif

namespace neurite::kernels {

// The sets this build compiled (CMakeLists.txt defines NEURITE_HAVE_KERNEL_<target> for each).
#define NEURITE_KERNEL_SET(target) extern const KernelSet kernel_set_##target;
NEURITE_KERNEL_SET(sse2)
NEURITE_KERNEL_SET(avx2)
NEURITE_KERNEL_SET(avx512)
NEURITE_KERNEL_SET(emulated256)
NEURITE_KERNEL_SET(emulated512)
NEURITE_KERNEL_SET(wasm)
NEURITE_KERNEL_SET(native)
#undef NEURITE_KERNEL_SET

namespace cpu {
#if defined(__x86_64__) || defined(__i386__)
bool has_sse2() { return xsimd::available_architectures().sse2; }
bool has_avx2_fma() { return xsimd::available_architectures().fma3_avx2; }
bool has_avx512f() { return xsimd::available_architectures().avx512f && has_avx2_fma(); }
#else
bool has_sse2() { return false; }
bool has_avx2_fma() { return false; }
bool has_avx512f() { return false; }
#endif
bool always() { return true; }
}  // namespace cpu

namespace {

std::string set_names() {
  std::string names;
  for (const KernelSet* set : compiled_kernel_sets()) names += (names.empty() ? "" : ", ") + std::string(set->name);
  return names;
}

// The set called `name`; `asked` says where the name came from in the errors.
const KernelSet& runnable_set(const std::string& name, const std::string& asked) {
  for (const KernelSet* set : compiled_kernel_sets())
    if (set->name == name) {
      if (!set->runs_here())
        throw std::runtime_error(asked + ": this CPU cannot run the " + set->description + " kernels");
      return *set;
    }
  throw std::invalid_argument(asked + " names no kernel set of this build (" + set_names() + ")");
}

const KernelSet& initial_kernels() {
  const char* requested = std::getenv("NEURITE_SIMD");
  if (requested == nullptr || *requested == '\0') return best_kernels_for_this_cpu();
  return runnable_set(requested, "NEURITE_SIMD=" + std::string(requested));
}

const KernelSet*& active_set() {
  static const KernelSet* active = &initial_kernels();
  return active;
}

}  // namespace

const std::vector<const KernelSet*>& compiled_kernel_sets() {
  static const std::vector<const KernelSet*> sets = {
#ifdef NEURITE_HAVE_KERNEL_avx512
      &kernel_set_avx512,
#endif
#ifdef NEURITE_HAVE_KERNEL_avx2
      &kernel_set_avx2,
#endif
#ifdef NEURITE_HAVE_KERNEL_sse2
      &kernel_set_sse2,
#endif
#ifdef NEURITE_HAVE_KERNEL_wasm
      &kernel_set_wasm,
#endif
#ifdef NEURITE_HAVE_KERNEL_native
      &kernel_set_native,
#endif
#ifdef NEURITE_HAVE_KERNEL_emulated512
      &kernel_set_emulated512,
#endif
#ifdef NEURITE_HAVE_KERNEL_emulated256
      &kernel_set_emulated256,
#endif
  };
  return sets;
}

const KernelSet& best_kernels_for_this_cpu() {
  for (const KernelSet* set : compiled_kernel_sets())
    if (!set->emulated && set->runs_here()) return *set;
  throw std::runtime_error("this CPU runs none of this build's kernel sets (" + set_names() + ")");
}

const KernelSet& active_kernels() { return *active_set(); }

const KernelSet& use_kernels(const std::string& name) {
  return *(active_set() = &runnable_set(name, "kernel set '" + name + "'"));
}

}  // namespace neurite::kernels
