#pragma once
// Native benchmarks, one function per kernel family; bench/native/main.cpp runs them in turn.

// SGEMM GFLOP/s on the MLP's training shapes and 512³: packed sgemm vs the plain triple loop.
void bench_gemm();

// Training samples/s of the MNIST presets, batch 32.
void bench_training();
