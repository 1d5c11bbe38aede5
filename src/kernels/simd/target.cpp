// One kernel set: the width-generic kernels of this folder instantiated for one instruction set.
// CMakeLists.txt compiles this file once per target, with that target's compiler flags (-mavx2
// -mfma, ...) and NEURITE_KERNEL_TARGET naming it; the dispatcher (kernels/kernel_set.cpp) finds
// the sets by their names, kernel_set_<target>.
//
// Nothing here may run before the dispatcher has checked the CPU: the set is a constant
// (constant-initialised: no code runs to build it), and everything it points to lives in an
// unnamed namespace, so no function compiled with this target's flags can be picked by the linker
// for a call from elsewhere (scripts/check-kernel-targets.sh verifies the object file exports
// nothing else).
#if XSIMD_WITH_EMULATED
// xsimd 13.2's emulated registers name xtl::complex, which xtl does not have (it is xtl::xcomplex);
// the kernels use no complex numbers
#undef XSIMD_ENABLE_XTL_COMPLEX
#endif

#include "kernels/kernel_set.hpp"
#include "kernels/simd/elementwise.hpp"
#include "kernels/simd/gemm.hpp"
#include "kernels/simd/madd.hpp"
#include "kernels/simd/windows.hpp"

namespace neurite::kernels {
namespace {

template <class Arch>
constexpr KernelSet make_kernel_set(const char* name, const char* description, bool emulated, bool (*runs_here)()) {
  using Gemm = simd::Gemm<Arch>;
  using Elementwise = simd::Elementwise<Arch>;
  using Windows = simd::Windows<Arch>;
  return {name,
          description,
          emulated,
          simd::kMaddIsFused,
          runs_here,
          Gemm::blocking(),
          &Gemm::sgemm,
          &Gemm::sgemm_columns_alone,
          &Elementwise::add_row_bias,
          &Elementwise::accumulate_column_sums,
          &Elementwise::relu,
          &Elementwise::relu_backward,
          &Elementwise::relu_backward_into,
          &Elementwise::relu_backward_into_summing_columns,
          &Elementwise::sigmoid,
          &Elementwise::sigmoid_backward,
          &Elementwise::tanh,
          &Elementwise::tanh_backward,
          &Elementwise::softmax_rows,
          &Elementwise::softmax_backward_rows,
          &Elementwise::scale,
          &Elementwise::multiply,
          &Elementwise::axpy,
          &Elementwise::sum_of_squares,
          &Elementwise::bytes_to_float,
          &Windows::im2col,
          &Windows::col2im,
          &Windows::max_pool,
          &Windows::max_pool_backward,
          &Windows::average_pool,
          &Windows::average_pool_backward};
}

}  // namespace

#define NEURITE_DEFINE_KERNEL_SET(target, arch, description, emulated, runs_here) \
  extern const KernelSet kernel_set_##target;                                     \
  constexpr KernelSet kernel_set_##target = make_kernel_set<arch>(#target, description, emulated, runs_here)

#if defined(NEURITE_KERNEL_TARGET_sse2)
NEURITE_DEFINE_KERNEL_SET(sse2, xsimd::sse2, "SSE2, 4 floats per batch", false, &cpu::has_sse2);
#elif defined(NEURITE_KERNEL_TARGET_avx2)
NEURITE_DEFINE_KERNEL_SET(avx2, xsimd::fma3<xsimd::avx2>, "AVX2 + FMA, 8 floats per batch", false, &cpu::has_avx2_fma);
#elif defined(NEURITE_KERNEL_TARGET_avx512)
NEURITE_DEFINE_KERNEL_SET(avx512, xsimd::avx512f, "AVX-512F, 16 floats per batch", false, &cpu::has_avx512f);
#elif defined(NEURITE_KERNEL_TARGET_emulated256)
NEURITE_DEFINE_KERNEL_SET(emulated256, xsimd::emulated<256>, "8 floats per batch, emulated", true, &cpu::always);
#elif defined(NEURITE_KERNEL_TARGET_emulated512)
NEURITE_DEFINE_KERNEL_SET(emulated512, xsimd::emulated<512>, "16 floats per batch, emulated", true, &cpu::always);
#elif defined(NEURITE_KERNEL_TARGET_wasm_relaxed)  // the same symbol: a module links one wasm set
NEURITE_DEFINE_KERNEL_SET(wasm, xsimd::wasm, "WebAssembly SIMD128 + relaxed FMA, 4 floats per batch", false, &cpu::always);
#elif defined(NEURITE_KERNEL_TARGET_wasm)
NEURITE_DEFINE_KERNEL_SET(wasm, xsimd::wasm, "WebAssembly SIMD128, 4 floats per batch", false, &cpu::always);
#elif defined(NEURITE_KERNEL_TARGET_native)
NEURITE_DEFINE_KERNEL_SET(native, xsimd::default_arch, "the compiler's default instruction set", false, &cpu::always);
#else
#error "define NEURITE_KERNEL_TARGET_<name> (CMakeLists.txt does, per target)"
#endif

}  // namespace neurite::kernels
