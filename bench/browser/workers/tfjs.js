// TF.js's engine Worker: a classic Worker, because TF.js ships its browser bundles as UMD scripts
// for importScripts (the ES module builds import bare specifiers a Worker cannot resolve).
// tf.min.js's bundled regenerator runtime assigns the global `regeneratorRuntime` and, when that
// throws (strict mode, undeclared), falls back to Function(), which the page's CSP forbids (no
// 'unsafe-eval'). Declaring the global first makes the plain assignment succeed.
self.regeneratorRuntime = undefined;
importScripts('/bench/vendor/tf.min.js', '/bench/vendor/tf-backend-wasm.min.js');
Promise.all([import('../harness.mjs'), import('../engines/tfjs.mjs')])
  .then(([harness, engine]) => harness.serve(engine.createTfjs))
  .catch((err) => self.postMessage({ fatal: String(err?.stack ?? err) }));
