// ConvNetJS's engine Worker: a classic Worker for its one script (a global `convnetjs`). The
// script's last lines attach it to `window` when there is no CommonJS `module`; a Worker has
// no window, so `self` stands in for it.
self.window = self;
importScripts('/bench/vendor/convnet.js');
Promise.all([import('../harness.mjs'), import('../engines/convnetjs.mjs')])
  .then(([harness, engine]) => harness.serve(engine.createConvnetjs))
  .catch((err) => self.postMessage({ fatal: String(err?.stack ?? err) }));
