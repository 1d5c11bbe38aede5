#pragma once
// Grow-only scratch buffers for the kernels of one target. The allocator is a type of this target's
// own (an unnamed namespace), so the vector's code is compiled for this target and stays in its
// object file: a std::vector<float> member compiled with -mavx512f would be one weak symbol with
// every other std::vector<float> of the program, and the linker could pick it for them all.
#include <cstddef>
#include <new>
#include <vector>

namespace neurite::kernels::simd {
namespace {

template <class T>
struct ScratchAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  ScratchAllocator() = default;
  template <class U>
  ScratchAllocator(const ScratchAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlignment); }
  template <class U>
  bool operator==(const ScratchAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const ScratchAllocator<U>&) const { return false; }
};
using Scratch = std::vector<float, ScratchAllocator<float>>;

// Once the largest shape of a training run has been seen, no call allocates.
float* grow(Scratch& buffer, std::size_t floats) {
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

}  // namespace
}  // namespace neurite::kernels::simd
