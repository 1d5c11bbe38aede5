// The wasm SIMD128 peak of this machine, as the yardstick for the SGEMM figures: a hand-assembled
// module whose loop runs CHAINS independent f32x4 multiply-add chains (acc = acc·a + b) entirely in
// registers. 12 chains plus a and b fit V8's 15 usable SIMD registers on x64; more would spill.
// Two peaks: with SIMD128's f32x4.mul then f32x4.add, and with relaxed SIMD's f32x4.relaxed_madd
// (one fused instruction where the CPU has FMA), the yardstick of the relaxed-SIMD build. Either
// way a multiply-add counts as 2 flops per lane.

const CHAINS = 12;
const REPEATS = 4;  // the chains' step written out this many times per loop iteration
export const FLOPS_PER_ITERATION = CHAINS * REPEATS * 4 * 2;

const uleb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const vector = (items) => [...uleb(items.length), ...items.flat()];
const f32x4Const = (value) => {
  const lanes = new Uint8Array(new Float32Array([value, value, value, value]).buffer);
  return [0xfd, 0x0c, ...lanes];
};

const OP = {
  localGet: (i) => [0x20, ...uleb(i)], localSet: (i) => [0x21, ...uleb(i)], localTee: (i) => [0x22, ...uleb(i)],
  i32Const1: [0x41, 0x01], i32Sub: [0x6b], brIf: (depth) => [0x0d, depth], loop: [0x03, 0x40], end: [0x0b],
  f32x4Add: [0xfd, 0xe4, 0x01], f32x4Mul: [0xfd, 0xe6, 0x01], f32x4ExtractLane0: [0xfd, 0x1f, 0x00],
  f32x4RelaxedMadd: [0xfd, 0x85, 0x02],
};

// (func (param $iterations i32) (result f32)): local 0 is the count, 1..CHAINS the accumulators,
// then a and b. acc → acc·0.999 + 0.001 converges to 1: no overflow, no denormals.
export function simdPeakModule({ fused = false } = {}) {
  const acc = (c) => 1 + c, a = 1 + CHAINS, b = 2 + CHAINS;
  const body = [];
  for (let c = 0; c < CHAINS; c++) body.push(...f32x4Const(0.5), ...OP.localSet(acc(c)));
  body.push(...f32x4Const(0.999), ...OP.localSet(a), ...f32x4Const(0.001), ...OP.localSet(b));
  body.push(...OP.loop);
  for (let r = 0; r < REPEATS; r++) {
    for (let c = 0; c < CHAINS; c++) {
      const multiplyAdd = fused ? [...OP.localGet(b), ...OP.f32x4RelaxedMadd]
        : [...OP.f32x4Mul, ...OP.localGet(b), ...OP.f32x4Add];
      body.push(...OP.localGet(acc(c)), ...OP.localGet(a), ...multiplyAdd, ...OP.localSet(acc(c)));
    }
  }
  body.push(...OP.localGet(0), ...OP.i32Const1, ...OP.i32Sub, ...OP.localTee(0), ...OP.brIf(0), ...OP.end);
  body.push(...OP.localGet(acc(0)));
  for (let c = 1; c < CHAINS; c++) body.push(...OP.localGet(acc(c)), ...OP.f32x4Add);  // keeps every chain live
  body.push(...OP.f32x4ExtractLane0, ...OP.end);
  const locals = vector([[...uleb(CHAINS + 2), 0x7b]]);  // CHAINS + 2 locals of type v128
  const code = [...locals, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, 0x01, 0x7f, 0x01, 0x7d]])),   // type: (i32) -> f32
    ...section(3, vector([[0x00]])),                            // one function of type 0
    ...section(7, vector([[...uleb(4), ...new TextEncoder().encode('peak'), 0x00, 0x00]])),
    ...section(10, vector([[...uleb(code.length), ...code]])),
  ]);
}

// GFLOP/s: the median of `runs` calls of at least minSeconds each, after warmUpSeconds of calls
// (V8 swaps in optimised code only at a later call, never inside a running one).
export async function measureSimdPeak({ fused = false, runs = 5, minSeconds = 0.2, warmUpSeconds = 1 } = {}) {
  const { instance } = await WebAssembly.instantiate(simdPeakModule({ fused }));
  const peak = instance.exports.peak;
  const time = (iterations) => {
    const start = performance.now();
    peak(iterations);
    return (performance.now() - start) / 1000;
  };
  let iterations = 1000;
  for (const start = performance.now(); performance.now() - start < warmUpSeconds * 1000;) {
    if (time(iterations) < minSeconds / 4) iterations *= 2;
  }
  while (time(iterations) < minSeconds) iterations *= 2;
  const rates = [];
  for (let r = 0; r < runs; r++) rates.push((iterations * FLOPS_PER_ITERATION) / time(iterations) / 1e9);
  rates.sort((x, y) => x - y);
  return { gflops: rates[rates.length >> 1], chains: CHAINS, fused, runs: rates };
}
