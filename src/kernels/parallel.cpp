#include "kernels/parallel.hpp"

#include <algorithm>
#include <cstdlib>

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
#define NEURITE_WITH_THREADS 1
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace neurite::kernels {
namespace {

void run_inline(std::size_t chunks, parallel_detail::ChunkFunction function, const void* context) {
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) function(context, chunk);
}

#ifdef NEURITE_WITH_THREADS

#ifdef __EMSCRIPTEN__
// The pthread build pre-starts min(navigator.hardwareConcurrency, 4) Web Workers
// (-sPTHREAD_POOL_SIZE in CMakeLists.txt); a thread beyond those would need the event loop that a
// waiting caller blocks, so the pool stays within them (its own threads plus the caller).
constexpr std::size_t kMaxThreads = 4;
#else
constexpr std::size_t kMaxThreads = 64;
#endif

std::size_t default_thread_count() {
#ifndef __EMSCRIPTEN__
  if (const char* text = std::getenv("NEURITE_THREADS")) {
    const long requested = std::strtol(text, nullptr, 10);
    if (requested > 0) return std::min<std::size_t>(static_cast<std::size_t>(requested), kMaxThreads);
  }
#endif
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxThreads);
}

// A training step runs its parallel kernels microseconds apart, so a thread that has just finished
// polls for the next job (or for its helpers to finish) this long before it sleeps: a sleeping
// thread takes a wake-up (~25 µs in wasm, more on a busy machine) to start. Bounded, because when
// the VM gives only one core a poller holds it from the thread it waits for.
constexpr auto kPollBeforeSleeping = std::chrono::microseconds(40);

// Polls `done` (an acquire load) until it holds or kPollBeforeSleeping has passed.
template <class Done>
bool poll(Done&& done) {
  const auto deadline = std::chrono::steady_clock::now() + kPollBeforeSleeping;
  for (unsigned spins = 1;; ++spins) {
    if (done()) return true;
    if (spins % 64 == 0 && std::chrono::steady_clock::now() > deadline) return false;
  }
}

// Set in the pool's threads and in a caller while it runs a job: a parallel_for from there runs inline.
thread_local bool t_inside_job = false;

class Pool {
 public:
  // The threads are never joined: the pool lives until the process (or the wasm runtime) ends,
  // and a static destructor joining threads would race other static destructors at exit.
  static Pool& instance() {
    static Pool* const pool = new Pool;
    return *pool;
  }

  std::size_t threads() const { return threads_; }
  void set_threads(std::size_t threads) { threads_ = threads; }

  // Runs a job on `threads_` threads; false (nothing run) when another thread's job holds the pool.
  bool try_run(std::size_t chunks, parallel_detail::ChunkFunction function, const void* context) {
    std::unique_lock<std::mutex> submitting(submit_mutex_, std::try_to_lock);
    if (!submitting.owns_lock()) return false;
    const std::size_t helpers = std::min(threads_, chunks) - 1;
    start_workers(helpers);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      function_ = function, context_ = context, chunks_ = chunks, helpers_ = helpers;
      next_chunk_.store(0), failed_.store(false);
      error_ = nullptr;
      open_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    t_inside_job = true;
    take_chunks();
    t_inside_job = false;
    std::exception_ptr error;
    poll([&] { return working_.load(std::memory_order_acquire) == 0; });
    {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [&] { return working_ == 0; });
      open_ = false;  // a helper that wakes only now finds the job closed and sleeps again
      error = std::move(error_);
    }
    if (error) std::rethrow_exception(error);
    return true;
  }

 private:
  Pool() : threads_(default_thread_count()) {}

  void start_workers(std::size_t count) {
    while (workers_.size() < count) {
      const std::size_t index = workers_.size();
      workers_.emplace_back([this, index] { worker_loop(index); });
    }
  }

  void worker_loop(std::size_t index) {
    t_inside_job = true;
    std::uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      lock.unlock();
      poll([&] { return generation_.load(std::memory_order_acquire) != seen; });
      lock.lock();
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (!open_ || index >= helpers_) continue;
      ++working_;
      lock.unlock();
      take_chunks();
      lock.lock();
      if (--working_ == 0) finished_.notify_one();
    }
  }

  // Claims chunks until none is left; after a failure the rest are claimed but not run.
  void take_chunks() {
    for (std::size_t chunk; (chunk = next_chunk_.fetch_add(1)) < chunks_;) {
      if (failed_.load(std::memory_order_relaxed)) continue;
      try {
        function_(context_, chunk);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
        failed_.store(true);
      }
    }
  }

  std::size_t threads_;
  std::vector<std::thread> workers_;
  std::mutex submit_mutex_;  // one job at a time

  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  // Both written under mutex_, and atomic so that polling threads can read them without it.
  std::atomic<std::uint64_t> generation_{0};  // bumped per job: a sleeping worker wakes when it changes
  bool open_ = false;             // whether helpers may still join the current job
  std::size_t helpers_ = 0;       // workers [0, helpers_) take part in the current job
  std::atomic<std::size_t> working_{0};  // helpers inside take_chunks
  // The current job: written under mutex_ before the generation bump, read by helpers after it.
  parallel_detail::ChunkFunction function_ = nullptr;
  const void* context_ = nullptr;
  std::size_t chunks_ = 0;
  std::atomic<std::size_t> next_chunk_{0};
  std::atomic<bool> failed_{false};
  std::exception_ptr error_;
};

#endif  // NEURITE_WITH_THREADS

}  // namespace

#ifdef NEURITE_WITH_THREADS

bool threads_supported() { return true; }

std::size_t thread_count() { return Pool::instance().threads(); }

std::size_t set_thread_count(std::size_t threads) {
  Pool::instance().set_threads(threads == 0 ? default_thread_count() : std::clamp<std::size_t>(threads, 1, kMaxThreads));
  return thread_count();
}

void parallel_detail::run(std::size_t chunks, ChunkFunction function, const void* context) {
  if (chunks > 1 && !t_inside_job && Pool::instance().threads() > 1 &&
      Pool::instance().try_run(chunks, function, context))
    return;
  run_inline(chunks, function, context);
}

#else  // no threads in this build

bool threads_supported() { return false; }
std::size_t thread_count() { return 1; }
std::size_t set_thread_count(std::size_t) { return 1; }

void parallel_detail::run(std::size_t chunks, ChunkFunction function, const void* context) {
  run_inline(chunks, function, context);
}

#endif

std::size_t chunks_for(std::size_t work, std::size_t min_work) {
  const std::size_t worth = std::max<std::size_t>(1, work / std::max<std::size_t>(min_work, 1));
  return std::min(thread_count(), worth);
}

}  // namespace neurite::kernels
