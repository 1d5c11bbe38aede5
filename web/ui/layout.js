// The trainer's markup, made once per trainer: parts are found by data-ui names inside its root
// (never by document-wide ids), and the few ids that aria-labelledby needs carry the trainer's own
// prefix, so that several trainers can share a page.
export function trainerMarkup(p) {
  return `
<header class="top">
  <div class="brand">
    <h1>Neurite</h1>
    <p>Train a neural network in your browser, then draw a digit for it to read.</p>
  </div>
  <p class="engine" data-ui="engine" role="status">Starting the engine…</p>
</header>

<div class="alert" data-ui="alert" role="alert" hidden>
  <p data-ui="alert-text"></p>
  <button type="button" class="quiet" data-ui="alert-close" aria-label="Dismiss message">×</button>
</div>

<main class="layout">
  <div class="column controls">
    <section class="card" aria-labelledby="${p}-data-title">
      <h2 id="${p}-data-title"><span class="step">1</span> Data</h2>
      <label class="field">Data set
        <select data-ui="dataset">
          <option value="mnist">MNIST handwritten digits</option>
          <option value="fashion-mnist">Fashion-MNIST clothing</option>
          <option value="files">My own IDX files…</option>
        </select>
      </label>
      <fieldset class="files" data-ui="own-files" hidden>
        <legend>IDX files (.gz or raw)</legend>
        <label class="file">Training images <input type="file" data-ui="file-trainImages"></label>
        <label class="file">Training labels <input type="file" data-ui="file-trainLabels"></label>
        <label class="file">Test images <input type="file" data-ui="file-testImages"></label>
        <label class="file">Test labels <input type="file" data-ui="file-testLabels"></label>
      </fieldset>
      <div class="row">
        <button type="button" data-ui="load-data" class="secondary">Load data</button>
        <span class="hint" data-ui="data-info">Not loaded yet. Train loads it for you.</span>
      </div>
      <div class="loading" data-ui="loading" hidden>
        <progress data-ui="load-progress" aria-label="Data loading progress" max="1" value="0"></progress>
        <span class="hint" data-ui="load-text"></span>
      </div>
    </section>

    <section class="card" aria-labelledby="${p}-model-title">
      <h2 id="${p}-model-title"><span class="step">2</span> Model</h2>
      <label class="field">Architecture
        <select data-ui="preset"></select>
      </label>
      <p class="hint" data-ui="preset-description"></p>
      <div data-ui="layer-editor"></div>
    </section>

    <section class="card" aria-labelledby="${p}-settings-title">
      <h2 id="${p}-settings-title"><span class="step">3</span> Training settings</h2>
      <div class="grid2">
        <label class="field">Optimizer
          <select data-ui="optimizer">
            <option value="adam">Adam</option>
            <option value="sgd">SGD</option>
            <option value="rmsprop">RMSprop</option>
            <option value="adamw">AdamW</option>
          </select>
        </label>
        <label class="field">Learning rate
          <input data-ui="learning-rate" type="number" min="0" step="any" value="0.001" inputmode="decimal">
        </label>
        <label class="field">Learning-rate schedule
          <select data-ui="schedule">
            <option value="constant">constant</option>
            <option value="onecycle">one-cycle (peaks at the rate)</option>
            <option value="cosine">cosine decay (from the rate)</option>
          </select>
        </label>
        <label class="field">Epochs
          <input data-ui="epochs" type="number" min="1" max="1000" step="1" value="5" inputmode="numeric">
        </label>
        <label class="field">Batch size
          <input data-ui="batch-size" type="number" min="1" max="4096" step="1" value="32" inputmode="numeric">
        </label>
        <label class="field">Training examples
          <input data-ui="train-limit" type="number" min="1" step="1" placeholder="all" inputmode="numeric">
        </label>
        <label class="field">Seed
          <input data-ui="seed" type="number" min="0" step="1" value="42" inputmode="numeric">
        </label>
      </div>
      <label class="check"><input type="checkbox" data-ui="early-stopping"> Stop early when the validation loss
        stops improving (patience 2), keeping the best epoch's weights</label>
      <fieldset class="validation" data-ui="validation">
        <legend>Validation data</legend>
        <label class="radio"><input type="radio" name="${p}-validation" value="test" checked> the test set</label>
        <label class="radio"><input type="radio" name="${p}-validation" value="split"> a split of the training data:
          <input data-ui="validation-split" type="number" min="0.01" max="0.9" step="0.01" value="0.1" aria-label="Validation split fraction"></label>
      </fieldset>
    </section>

    <section class="card" aria-labelledby="${p}-file-title">
      <h2 id="${p}-file-title">Model file</h2>
      <p class="hint">TensorFlow.js format: <code>model.json</code> + its <code>.bin</code> weights.</p>
      <div class="row">
        <button type="button" data-ui="save-model" class="secondary">Save model</button>
        <button type="button" data-ui="load-model" class="secondary">Load model</button>
        <input type="file" data-ui="model-files" multiple accept=".json,.bin,application/json,application/octet-stream" hidden>
      </div>
    </section>

    <section class="card" aria-labelledby="${p}-saved-title">
      <h2 id="${p}-saved-title">Models kept in this browser</h2>
      <p class="hint" data-ui="saved-empty">None yet: every model you train or load is kept here.</p>
      <ul class="saved-models" data-ui="saved-models" aria-labelledby="${p}-saved-title"></ul>
    </section>
  </div>

  <div class="column results">
    <section class="card" aria-labelledby="${p}-training-title">
      <div class="card-head">
        <h2 id="${p}-training-title">Training</h2>
        <div class="actions">
          <button type="button" data-ui="train" class="primary">Train</button>
          <button type="button" data-ui="pause">Pause</button>
          <button type="button" data-ui="resume" hidden>Resume</button>
          <button type="button" data-ui="stop">Stop</button>
        </div>
      </div>
      <p class="status" data-ui="status" role="status">Ready when you are: press Train.</p>
      <div class="resume-offer" data-ui="resume-offer" hidden>
        <p data-ui="resume-text"></p>
        <button type="button" class="primary" data-ui="resume-training">Resume training</button>
        <button type="button" class="quiet" data-ui="discard-checkpoint">Discard</button>
      </div>
      <div class="epoch-progress">
        <progress data-ui="epoch-progress" aria-label="Epoch progress" max="1" value="0"></progress>
        <span data-ui="progress-text" class="hint"></span>
      </div>
      <p class="hint milestones" data-ui="milestones"></p>
      <div class="charts">
        <figure class="chart" data-ui="chart-loss"><figcaption>Loss</figcaption></figure>
        <figure class="chart" data-ui="chart-accuracy"><figcaption>Accuracy</figcaption></figure>
      </div>
    </section>

    <section class="card" aria-labelledby="${p}-draw-title">
      <h2 id="${p}-draw-title">Draw a digit</h2>
      <p class="hint" data-ui="draw-hint">Train or load a model, then draw a digit from 0 to 9.</p>
      <div class="draw">
        <div data-ui="draw-pad"></div>
        <div data-ui="prediction"></div>
      </div>
    </section>

    <section class="card" data-ui="cnn" aria-labelledby="${p}-cnn-title">
      <h2 id="${p}-cnn-title">What the CNN sees</h2>
      <div data-ui="cnn-view"></div>
    </section>

    <section class="card" data-ui="evaluation" aria-labelledby="${p}-evaluation-title">
      <h2 id="${p}-evaluation-title">Test results</h2>
      <div data-ui="evaluation-body"><p class="hint">Train a model to see how it does on the 10 000 test images it has never seen.</p></div>
    </section>

    <section class="card" aria-labelledby="${p}-summary-title">
      <h2 id="${p}-summary-title">The network</h2>
      <p class="hint" data-ui="model-origin"></p>
      <div class="network">
        <div class="diagram" data-ui="model-diagram"></div>
        <pre class="summary" data-ui="model-summary" aria-label="Model summary"></pre>
      </div>
    </section>
  </div>
</main>
<footer class="foot">Neurite runs entirely in this page: a C++ core compiled to WebAssembly, in a Web Worker. Nothing leaves your computer.</footer>`;
}
