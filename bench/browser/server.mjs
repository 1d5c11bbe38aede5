// The benchmark's server: the page's own (scripts/serve.mjs, cross-origin isolated, so the threaded
// build and performance.measureUserAgentSpecificMemory work) plus the bench page and the peers' files.
import { startServer } from '../../scripts/serve.mjs';

export const BENCH_ROUTES = {
  files: {
    '/bench/vendor/tf.min.js': 'node_modules/@tensorflow/tfjs/dist/tf.min.js',
    '/bench/vendor/tf-backend-wasm.min.js': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js',
    '/bench/vendor/convnet.js': 'node_modules/convnetjs/build/convnet.js',
  },
  prefixes: [
    ['/bench/vendor/jax-js/', 'node_modules/@jax-js/jax/dist'],
    ['/bench/vendor/tfjs-wasm/', 'node_modules/@tensorflow/tfjs-backend-wasm/dist'],
    ['/bench/', 'bench/browser'],
  ],
};

export const startBenchServer = () => startServer({ port: 0, isolated: true, routes: BENCH_ROUTES });
