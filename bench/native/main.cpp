// npm run bench:native — native kernel and training figures (not a test: nothing here can fail).
#include "bench.hpp"

int main() {
  bench_gemm();
  bench_training();
  return 0;
}
