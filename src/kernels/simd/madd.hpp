#pragma once
// a * b + c for the kernels' batches, in one instruction where the target has one: FMA on AVX2 and
// AVX-512 (xsimd::fma), relaxed SIMD's f32x4.relaxed_madd in a wasm build with -mrelaxed-simd, a
// multiply and an add elsewhere (SSE2, plain SIMD128). relaxed_madd is fused where the browser's
// CPU has FMA and rounds twice where it has not, so such a build's last bits may differ between
// machines; every other target gives the same bits everywhere.
#include <type_traits>

#include <xsimd/xsimd.hpp>
#if defined(__wasm_relaxed_simd__)
#include <wasm_simd128.h>
#endif

namespace neurite::kernels::simd {
namespace {  // compiled per target: nothing here may be shared (scripts/check-kernel-targets.sh)

template <class Batch>
inline Batch madd(const Batch& a, const Batch& b, const Batch& c) {
#if defined(__wasm_relaxed_simd__)
  if constexpr (std::is_same_v<Batch, xsimd::batch<float, xsimd::wasm>>)
    return Batch(wasm_f32x4_relaxed_madd(a, b, c));
  else
#endif
    return xsimd::fma(a, b, c);
}

// whether madd above is one instruction in this compilation (the kernel set reports it)
#if (defined(__wasm_relaxed_simd__) || defined(__FMA__) || defined(__AVX512F__)) && !XSIMD_WITH_EMULATED
inline constexpr bool kMaddIsFused = true;
#else
inline constexpr bool kMaddIsFused = false;
#endif

}  // namespace
}  // namespace neurite::kernels::simd
