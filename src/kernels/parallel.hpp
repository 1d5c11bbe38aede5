#pragma once
// A persistent thread pool for the kernels: its threads start once (on first use) and sleep on a
// condition variable between jobs, so a hand-off costs a wake-up (~25 µs in wasm) rather than a
// thread start (60–95 µs), and nothing spins while there is no work. parallel_for splits a job
// into chunks that the calling thread and the pool's threads take in turn; the chunks must write
// disjoint memory, so which thread runs a chunk never changes a result.
//
// Builds without threads (the single-threaded wasm build: no -pthread) have no pool at all:
// parallel_for is a plain loop there and the thread count is always 1.
#include <cstddef>

namespace neurite::kernels {

// True when this build can run threads (native, and the pthreads wasm build).
bool threads_supported();

// Threads a parallel_for uses, the caller included. Defaults to the hardware's concurrency
// (navigator.hardwareConcurrency in a browser, capped at the wasm pthread pool's size), or to the
// environment variable NEURITE_THREADS natively when set.
std::size_t thread_count();
// Sets the thread count (0: back to the default), clamped to [1, the build's maximum]; returns the
// count now in force. Call it between jobs, from the thread that runs them.
std::size_t set_thread_count(std::size_t threads);

namespace parallel_detail {
using ChunkFunction = void (*)(const void* context, std::size_t chunk);
void run(std::size_t chunks, ChunkFunction function, const void* context);
}  // namespace parallel_detail

// Calls fn(chunk) for every chunk in [0, chunks), spread over thread_count() threads, and returns
// when all are done. Runs inline (in order, on the calling thread) when there is one thread or one
// chunk, or when called from inside another parallel_for. The first exception a chunk throws is
// rethrown here once the chunks already started have finished; chunks not yet started are skipped.
template <class F>
void parallel_for(std::size_t chunks, const F& fn) {
  parallel_detail::run(
      chunks, [](const void* context, std::size_t chunk) { (*static_cast<const F*>(context))(chunk); }, &fn);
}

// Number of chunks worth splitting `work` into: one per thread, but none smaller than `min_work`
// (a hand-off costs about as much as a few tens of thousands of multiply-adds).
std::size_t chunks_for(std::size_t work, std::size_t min_work);

}  // namespace neurite::kernels
