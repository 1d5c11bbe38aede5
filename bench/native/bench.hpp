#pragma once
// Native benchmarks, one function per kernel family; bench/native/main.cpp runs them in turn.

#include <vector>

#include "kernels/kernel_set.hpp"

// The kernel sets the bench compares side by side: every non-emulated set this CPU runs, fastest
// first (AVX-512, AVX2 + FMA, SSE2 on a recent x86-64), or only NEURITE_SIMD's when it is set.
std::vector<const neurite::kernels::KernelSet*> kernel_sets_to_compare();

// SGEMM GFLOP/s on the MLP's training shapes and 512³: packed sgemm vs the plain triple loop.
void bench_gemm();

// Training samples/s of the MNIST presets, batch 32.
void bench_training();
