#pragma once
// The kernels (SGEMM, element-wise, sliding windows) are compiled once per instruction set from the
// width-generic code in kernels/simd/, and the public functions of gemm.hpp, elementwise.hpp,
// im2col.hpp and pooling.hpp call the set chosen for this CPU. Natively on x86-64 the sets are
// SSE2, AVX2 + FMA and AVX-512, plus the 8- and 16-lane code run through xsimd's emulated batches
// (plain C++ arrays), which any CPU can execute: the tests run every width on every machine with
// them. A WebAssembly module has one set, SIMD128: plain, or with relaxed SIMD's fused multiply-add
// in the -relaxed modules (CMakeLists.txt links each module with one of the two).
//
// The best set the CPU runs is chosen on first use, unless the environment variable NEURITE_SIMD
// names one (natively): "sse2", "avx2", "avx512", "emulated256", "emulated512".
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/gemm_detail.hpp"
#include "kernels/im2col.hpp"
#include "kernels/pooling.hpp"

namespace neurite::kernels {

// What the CPU running this process can execute (cpuid, and whether the OS saves the registers).
namespace cpu {
bool has_sse2();
bool has_avx2_fma();
bool has_avx512f();
bool always();
}  // namespace cpu

struct KernelSet {
  const char* name;         // "avx2", as NEURITE_SIMD spells it
  const char* description;  // "AVX2 + FMA, 8 floats per batch"
  bool emulated;            // plain C++ standing in for the width: for tests, never chosen by itself
  bool fused_multiply_add;  // a * b + c is one instruction (FMA, or relaxed SIMD's madd in wasm)
  bool (*runs_here)();      // whether this CPU (and OS) can execute it
  gemm_detail::Blocking gemm_blocking;

  // gemm.hpp, arguments already validated
  void (*sgemm)(const gemm_detail::Problem&);
  // columns [n_begin, n_end) of C only, on the calling thread: the seam the thread split relies on
  void (*sgemm_columns)(const gemm_detail::Problem&, std::size_t n_begin, std::size_t n_end);

  // elementwise.hpp
  void (*add_row_bias)(float*, const float*, std::size_t, std::size_t);
  void (*accumulate_column_sums)(const float*, std::size_t, std::size_t, float*);
  void (*relu)(float*, std::size_t);
  void (*relu_backward)(const float*, float*, std::size_t);
  void (*relu_backward_into)(const float*, const float*, float*, std::size_t);
  void (*relu_backward_into_summing_columns)(const float*, const float*, float*, std::size_t, std::size_t, float*);
  void (*sigmoid)(float*, std::size_t);
  void (*sigmoid_backward)(const float*, float*, std::size_t);
  void (*tanh)(float*, std::size_t);
  void (*tanh_backward)(const float*, float*, std::size_t);
  void (*softmax_rows)(float*, std::size_t, std::size_t);
  void (*softmax_backward_rows)(const float*, float*, std::size_t, std::size_t);
  void (*scale)(float*, std::size_t, float);
  void (*multiply)(const float*, float*, std::size_t);
  void (*axpy)(float, const float*, float*, std::size_t);
  float (*sum_of_squares)(const float*, std::size_t);
  void (*bytes_to_float)(const std::uint8_t*, float*, std::size_t, float);

  // im2col.hpp
  void (*im2col)(const float*, const WindowGeometry&, float*);
  void (*col2im)(const float*, const WindowGeometry&, float*);
  // pooling.hpp
  void (*max_pool)(const float*, const WindowGeometry&, float*, std::uint32_t*);
  void (*max_pool_backward)(const float*, const std::uint32_t*, const WindowGeometry&, float*);
  void (*average_pool)(const float*, const WindowGeometry&, float*);
  void (*average_pool_backward)(const float*, const WindowGeometry&, float*);
};

// Every set compiled into this build, fastest first (the emulated ones last).
const std::vector<const KernelSet*>& compiled_kernel_sets();

// The set the kernels use now.
const KernelSet& active_kernels();

// Makes the named set the active one and returns it. Throws std::invalid_argument naming the sets
// there are when `name` is none of them, and std::runtime_error when this CPU cannot run it.
// Call it between jobs, like set_thread_count.
const KernelSet& use_kernels(const std::string& name);

// The set chosen without NEURITE_SIMD: the first native set this CPU runs.
const KernelSet& best_kernels_for_this_cpu();

}  // namespace neurite::kernels
