// Type declarations of Neurite's JavaScript library (dist/neurite.js): TF.js' Layers API over
// Neurite's C++ core. Checked by `tsc --noEmit` on tests/types/example.ts in `npm test`.

export type DataType = 'float32' | 'int32' | 'uint8' | 'bool';
export type TypedArray = Float32Array | Int32Array | Uint8Array;
type NestedArray = number | boolean | NestedArray[];
export type Shape = number[];

/** Values here or in the engine's worker; views (div, slice, reshape) copy nothing. */
export class Tensor {
  readonly shape: Shape;
  readonly rank: number;
  readonly size: number;
  readonly dtype: DataType;
  /** A copy of the values (floats once divided). */
  data(): Promise<TypedArray>;
  array(): Promise<NestedArray>;
  /** Divides by a number, as batches are gathered (uint8 data stays uint8 in memory). */
  div(n: number): Tensor;
  mul(n: number): Tensor;
  /** One dimension may be -1. */
  reshape(shape: Shape): Tensor;
  expandDims(axis?: number): Tensor;
  /** Along the first axis: slice(begin, size) or slice([begin], [size]); size -1 runs to the end. */
  slice(begin: number | number[], size?: number | number[]): Tensor;
  /** The index of the largest value along the last axis. */
  argMax(): Promise<Tensor>;
  /** Waits for values still on their way (a prediction). */
  settled(): Promise<this>;
  /** Frees the worker's copy now (it is freed anyway once the tensor is garbage-collected). */
  dispose(): void;
  /** Throws: the values may be in another thread; use data(). */
  dataSync(): never;
  arraySync(): never;
}
/** TF.js' tf.tidy: runs fn (nothing needs tidying here). */
export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
/** TF.js' tf.dispose: frees tensors (in an object or array) early. */
export function dispose(container: Tensor | Tensor[] | Record<string, Tensor> | unknown): void;

export function tensor(values: TypedArray | NestedArray | number[], shape?: Shape, dtype?: DataType): Tensor;
export function tensor1d(values: TypedArray | number[], dtype?: DataType): Tensor;
export function tensor2d(values: TypedArray | NestedArray | number[], shape?: [number, number], dtype?: DataType): Tensor;
export function scalar(value: number): Tensor;
/** Class indices → float32 one-hot rows (TF.js' tf.oneHot). */
export function oneHot(indices: Tensor | number[] | TypedArray, depth: number): Tensor;
/** Keras' to_categorical. */
export function toCategorical(y: Tensor | number[] | TypedArray, numClasses: number): Tensor;
export function softmax(logits: Tensor | number[]): Tensor;

// ---------- layers ----------

export class Layer {
  name?: string;
  /** Known once the model is built (after compile and a request, fit or summary). */
  outputShape: Shape | null;
  params: number | null;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  countParams(): number | null;
  toJSON(): { class_name: string; config: Record<string, unknown> };
}

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear' | (string & {});
export type Initializer = string | { class_name: string; config?: Record<string, unknown> };

interface BaseLayerArgs {
  name?: string;
  /** The first layer's input shape, without the batch dimension. */
  inputShape?: Shape;
  batchInputShape?: (number | null)[];
  trainable?: boolean;
}
export interface DenseArgs extends BaseLayerArgs {
  units: number;
  activation?: Activation;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
}
export interface Conv2DArgs extends BaseLayerArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  activation?: Activation;
  useBias?: boolean;
  dilationRate?: number | [number, number];
  dataFormat?: 'channelsLast';
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
}
export interface Pooling2DArgs extends BaseLayerArgs {
  poolSize?: number | [number, number];
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  dataFormat?: 'channelsLast';
}
export interface BatchNormalizationArgs extends BaseLayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

export const layers: {
  dense(args: DenseArgs): Layer;
  dropout(args: BaseLayerArgs & { rate: number }): Layer;
  flatten(args?: BaseLayerArgs): Layer;
  reshape(args: BaseLayerArgs & { targetShape: Shape }): Layer;
  activation(args: BaseLayerArgs & { activation: Activation }): Layer;
  conv2d(args: Conv2DArgs): Layer;
  maxPooling2d(args?: Pooling2DArgs): Layer;
  averagePooling2d(args?: Pooling2DArgs): Layer;
  batchNormalization(args?: BatchNormalizationArgs): Layer;
  /** Keras 3's augmentation layers: active in training only, one random map per image. */
  randomTranslation(args: AugmentationArgs & { heightFactor: Factor; widthFactor: Factor }): Layer;
  randomRotation(args: AugmentationArgs & { factor: Factor }): Layer;
  randomZoom(args: AugmentationArgs & { heightFactor: Factor; widthFactor?: Factor | null }): Layer;
  /** y = x * scale + offset, in training and inference: a model's input normalisation. */
  rescaling(args: BaseLayerArgs & { scale: number; offset?: number }): Layer;
};
/** One number f means [-f, f]; or [lower, upper]. */
export type Factor = number | [number, number];
export interface AugmentationArgs extends BaseLayerArgs {
  fillMode?: 'reflect' | 'wrap' | 'nearest' | 'constant';
  interpolation?: 'bilinear' | 'nearest';
  fillValue?: number;
  seed?: number;
}

/** "flatten, dense 128 relu, dropout 0.2, dense 10" → layers; the first takes inputShape. */
export function layersFromSpec(spec: string, inputShape?: Shape): Layer[];

// ---------- optimizers, losses, callbacks ----------

/** Keras' optimizer config, as nn.train makes it. */
export interface OptimizerConfig {
  class_name: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  config: Record<string, number | boolean | ScheduleConfig | null>;
}
/** Keras' arguments every optimizer takes, as a last argument: nn.train.adam(0.01, 0.7, 0.9, undefined, { clipnorm: 1 }). */
export interface OptimizerOptions { amsgrad?: boolean; weightDecay?: number; clipnorm?: number; clipvalue?: number; globalClipnorm?: number }
/** A number, or a schedule from nn.schedules. */
export type LearningRate = number | ScheduleConfig;
export const train: {
  sgd(learningRate?: LearningRate, options?: OptimizerOptions): OptimizerConfig;
  momentum(learningRate?: LearningRate, momentum?: number, useNesterov?: boolean, options?: OptimizerOptions): OptimizerConfig;
  adam(learningRate?: LearningRate, beta1?: number, beta2?: number, epsilon?: number, options?: OptimizerOptions): OptimizerConfig;
  adamw(learningRate?: LearningRate, beta1?: number, beta2?: number, epsilon?: number, weightDecay?: number, options?: OptimizerOptions): OptimizerConfig;
  rmsprop(learningRate?: LearningRate, decay?: number, momentum?: number, epsilon?: number, options?: OptimizerOptions): OptimizerConfig;
};

/** Keras' serialised learning-rate schedule. */
export interface ScheduleConfig { class_name: 'ExponentialDecay' | 'PiecewiseConstantDecay' | 'CosineDecay' | 'OneCycle'; config: Record<string, unknown> }
export const schedules: {
  exponentialDecay(args: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): ScheduleConfig;
  piecewiseConstantDecay(args: { boundaries: number[]; values: number[] }): ScheduleConfig;
  cosineDecay(args: { initialLearningRate: number; decaySteps: number; alpha?: number; warmupTarget?: number; warmupSteps?: number }): ScheduleConfig;
  /** Up from maxLearningRate / divFactor over pctStart of the steps, then down; totalSteps left out: the fit's length. */
  oneCycle(args: { maxLearningRate: number; totalSteps?: number; pctStart?: number; divFactor?: number; finalDivFactor?: number }): ScheduleConfig;
};

export interface LossConfig { name: string; fromLogits: boolean; labelSmoothing?: number }
/** labelSmoothing: Keras' label_smoothing (targets become t (1 - s) + s / classes); the cross-entropies over classes only. */
interface LossArgs { fromLogits?: boolean; labelSmoothing?: number }
export const losses: {
  sparseCategoricalCrossentropy(args?: LossArgs): LossConfig;
  categoricalCrossentropy(args?: LossArgs): LossConfig;
  binaryCrossentropy(args?: LossArgs): LossConfig;
  meanSquaredError(args?: LossArgs): LossConfig;
};
export type LossName =
  | 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError'
  | 'sparse_categorical_crossentropy' | 'categorical_crossentropy' | 'binary_crossentropy' | 'mean_squared_error' | 'mse';

export type Logs = Record<string, number>;
export interface CallbackParams { epochs: number; batchSize: number; samples: number; steps: number }
export interface CustomCallbackArgs {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  /** With batch callbacks the worker waits for them after every batch (slower than onYield). */
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  /** About every yieldEvery ms, with the mean logs since the last call; a pending promise pauses training. */
  onYield?(epoch: number, batch: number, logs: Logs): void | Promise<void>;
  /** When the validation accuracy first reaches one of fit's milestones thresholds. */
  onMilestone?(milestone: Milestone): void | Promise<void>;
  /** fit's `checkpoint`: a checkpoint was written (its summary). */
  onCheckpoint?(checkpoint: CheckpointSummary): void | Promise<void>;
  /** fit's `checkpoint`: a write failed (storage full, private window); training goes on. */
  onCheckpointError?(error: Error): void | Promise<void>;
  params?: CallbackParams;
}
export class Callback implements CustomCallbackArgs {
  model?: Sequential;
  params?: CallbackParams;
  setModel(model: Sequential): void;
  setParams(params: CallbackParams): void;
}
export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  /** End with the weights of the best epoch (the core keeps them in the worker). */
  restoreBestWeights?: boolean;
}
/** Runs in the core, inside the worker, on each epoch's logs. */
export class EarlyStopping extends Callback {
  constructor(args?: EarlyStoppingArgs);
}
export interface ReduceLROnPlateauArgs {
  monitor?: string; factor?: number; patience?: number; mode?: 'auto' | 'min' | 'max';
  minDelta?: number; cooldown?: number; minLr?: number;
}
export class ReduceLROnPlateau extends Callback {
  constructor(args?: ReduceLROnPlateauArgs);
}
export class LearningRateScheduler extends Callback {
  constructor(schedule: (epoch: number, learningRate: number) => number | Promise<number>);
}
export const callbacks: {
  earlyStopping(args?: EarlyStoppingArgs): EarlyStopping;
  reduceLROnPlateau(args?: ReduceLROnPlateauArgs): ReduceLROnPlateau;
  learningRateScheduler(schedule: (epoch: number, learningRate: number) => number | Promise<number>): LearningRateScheduler;
};
export interface Milestone { threshold: number; accuracy: number; seconds: number; epoch: number; batch: number }

// ---------- the model ----------

export interface CompileArgs {
  optimizer?: 'adam' | 'adamw' | 'sgd' | 'rmsprop' | OptimizerConfig;
  /** Left out: the loss the output layer implies (softmax / logits → sparse categorical, sigmoid → binary). */
  loss?: LossName | LossConfig;
  metrics?: string | string[];
}
export interface ModelFitArgs {
  epochs?: number;
  batchSize?: number;
  validationData?: [Tensor, Tensor];
  validationSplit?: number;
  shuffle?: boolean;
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /** How often onYield runs: 'auto' (~30 times a second), 'batch', 'never' or milliseconds. */
  yieldEvery?: 'auto' | 'batch' | 'never' | number;
  /** Times the validation accuracy (on its first `samples`) every `every` batches and at epochs' ends. */
  /** Probed every `every` batches on validationData's samples [offset, offset + samples); stop: end
   *  training once every threshold is reached (a time-to-accuracy run). */
  milestones?: { thresholds?: number[]; every?: number; offset?: number; samples?: number; stop?: boolean };
  /** Keeps the fit in nn.checkpoints at each epoch's end and every `everySeconds` (30) inside one;
   *  deleted when the fit ends, unless keep. */
  checkpoint?: { id: string; everySeconds?: number; keep?: boolean; meta?: unknown | ((record: CheckpointSummary) => unknown) };
  /** A checkpoint (or its id) to continue from: its weights, compile settings and fit options. */
  resumeFrom?: string | Checkpoint;
}
export interface CheckpointSummary {
  id: string; savedAt: number;
  /** Where training resumes: epochs done, and batches done in the next one. */
  epoch: number; batch: number; epochs: number; batchesPerEpoch: number;
  options: { epochs: number; batchSize: number; shuffle: boolean; validationSplit: number };
  history: Record<string, number[]>;
  meta: unknown;
}
export interface Checkpoint extends CheckpointSummary {
  modelJson: object; weights: ArrayBuffer;
  session: { state: string; iterations: number; learningRate: number; slots: Float32Array; order: Uint32Array; callbackFloats?: Float32Array };
}
/** TF.js' tf.memory(), of the engine's worker, with Neurite's wasm memory size (its high-water mark). */
export function memory(engine?: Engine): Promise<{ numTensors: number; numBytes: number; unreliable: false;
  numModels: number; wasmBytes: number; jsHeapBytes: number | null }>;
export const checkpoints: {
  /** Newest first, without weights. */
  list(): Promise<CheckpointSummary[]>;
  load(id: string): Promise<Checkpoint>;
  delete(id: string): Promise<void>;
  save(checkpoint: Checkpoint): Promise<void>;
};
export class History {
  epoch: number[];
  history: Record<string, number[]>;
  params: { epochs: number; batchSize: number; samples: number };
  /** With fit's milestones: when each threshold was first reached. */
  milestones?: Milestone[];
}
export interface CompileSettings {
  optimizer: string; learningRate: number; loss: string; fromLogits: boolean; labelSmoothing: number; metrics: string[];
  /** Keras' optimizer config: schedule, betas, clipping, weight decay. */
  optimizerConfig: OptimizerConfig;
}
export interface ModelArtifacts { modelJson: Record<string, any>; weights: ArrayBuffer }
/** TF.js' ModelArtifactsInfo, with the model's user-defined metadata when it has some. */
export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON';
  modelTopologyBytes: number;
  weightDataBytes: number;
  userDefinedMetadata?: Record<string, unknown>;
}
export interface SaveResult { modelArtifactsInfo: ModelArtifactsInfo }
/** TF.js' IOHandler, for save and loadModel. */
export interface IOHandler { save?(artifacts: unknown): Promise<SaveResult>; load?(): Promise<unknown> }
export interface ConfusionMatrix {
  matrix: number[][]; precision: number[]; recall: number[]; f1: number[];
  accuracy: number; macroPrecision: number; macroRecall: number; macroF1: number; total: number;
}
export interface SequentialArgs { layers?: Layer[]; name?: string; seed?: number; engine?: Engine }

export class Sequential {
  constructor(args?: SequentialArgs);
  static fromTopology(topology: object, options?: { engine?: Engine; seed?: number }): Sequential;
  name: string;
  /** Set from a callback: training stops after that batch. */
  stopTraining: boolean;
  readonly layers: Layer[];
  readonly engine: Engine;
  readonly inputShape: Shape | null;
  readonly outputShape: Shape | null;
  readonly compiled: CompileSettings | null;
  readonly impliedLoss: { loss: string; fromLogits: boolean } | null;
  add(layer: Layer): void;
  toJSON(): { class_name: 'Sequential'; config: { name: string; layers: object[] } };
  ready(): Promise<this>;
  compile(args?: CompileArgs): void;
  /** Keras' table, printed with printFn (console.log) and returned. */
  summary(lineLength?: number, positions?: number[], printFn?: (text: string) => void): Promise<string>;
  fit(x: Tensor, y: Tensor, args?: ModelFitArgs): Promise<History>;
  /** What a LearningRateScheduler does between epochs; rejects when a schedule drives the rate. */
  setLearningRate(learningRate: number): Promise<void>;
  /** The loss, or [loss, ...metrics] in compile's order. */
  evaluate(x: Tensor, y: Tensor, args?: { batchSize?: number }): Promise<number | number[]>;
  predict(x: Tensor, args?: { batchSize?: number }): Tensor;
  confusionMatrix(x: Tensor, y: Tensor, args?: { batchSize?: number }): Promise<ConfusionMatrix>;
  layerOutput(x: Tensor, index: number): Promise<Tensor>;
  getLayerWeights(index: number): Promise<{ name: string; tensor: Tensor }[]>;
  getWeights(): Promise<Tensor[]>;
  /** Stops a running fit after the batch in progress. */
  stop(): void;
  dispose(): void;
  toArtifacts(): Promise<ModelArtifacts>;
  /** TF.js' free-form metadata (a plain JSON object), saved in model.json and loaded back. */
  setUserDefinedMetadata(metadata: Record<string, unknown> | undefined): void;
  getUserDefinedMetadata(): Record<string, unknown> | undefined;
  /** indexeddb://name, downloads://name, file://dir (Node) or an IOHandler. */
  save(destination: string | IOHandler): Promise<SaveResult>;
}
export function sequential(args?: SequentialArgs): Sequential;

export type ModelSource = string | Iterable<File> | IOHandler | ModelArtifacts;
/** A URL of a model.json, indexeddb://name, file://dir (Node), the File objects of an <input>, or an IOHandler. */
export function loadModel(source: ModelSource, options?: { engine?: Engine; seed?: number }): Promise<Sequential>;
export const loadLayersModel: typeof loadModel;
export function preset(name: string, options?: { engine?: Engine; seed?: number }): Promise<Sequential>;

/** TF.js' tf.io model management for indexeddb:// (a copy may also go to downloads:// or file://). */
export const io: {
  listModels(): Promise<Record<string, ModelArtifactsInfo>>;
  removeModel(url: string): Promise<ModelArtifactsInfo>;
  copyModel(sourceUrl: string, destinationUrl: string): Promise<ModelArtifactsInfo>;
  /** Copies, then deletes the source: a failed move loses nothing. */
  moveModel(sourceUrl: string, destinationUrl: string): Promise<ModelArtifactsInfo>;
};

// ---------- data ----------

export interface MnistParts { xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor }
export interface LoadOptions {
  /** Called as the bytes arrive, with the fraction loaded. */
  onProgress?(fraction: number, progress: { loaded: number; total: number }): void;
  /** A folder (Node) or URL (browser) holding the four IDX files. */
  dir?: string;
  engine?: Engine;
}
export interface NamedDataset { label: string; classes: string[]; load(options?: LoadOptions): Promise<MnistParts> }
export type IdxSource = string | Blob | ArrayBuffer | Uint8Array;
export const datasets: {
  mnist: NamedDataset;
  fashionMnist: NamedDataset;
  /** A person's own IDX files (.gz or raw), by role: xTrain/yTrain/xTest/yTest (or trainImages, ...). */
  fromIdx(files: Partial<Record<'xTrain' | 'yTrain' | 'xTest' | 'yTest' | 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', IdxSource>>,
    options?: LoadOptions & { classes?: number }): Promise<Partial<MnistParts>>;
  /** A two-feature binary set the core makes: n training points, n / 4 test points. */
  toy(name: 'circles' | 'moons' | 'random-binary', options?: { n?: number; seed?: number; engine?: Engine }): Promise<MnistParts>;
  catalog: Record<string, { label: string; dir: string; classes: string[] }>;
};

// ---------- the engine ----------

export interface Registry {
  layers: string[]; activations: string[]; optimizers: string[]; schedules: string[]; losses: string[]; metrics: string[];
  toyDatasets: string[];
  /** recipe: how the preset trains (the page's defaults for it). */
  presets: { name: string; description: string; topology: object;
    recipe: { optimizer: OptimizerConfig; loss: string; fromLogits: boolean; labelSmoothing: number; batchSize: number; epochs: number } }[];
}
export interface EngineInfo {
  threaded: boolean; simd: string; registry: Registry; note?: string; crossOriginIsolated: boolean; cores: number | null;
  /** the relaxed-SIMD build runs: its kernels fuse multiply-adds (where the CPU has FMA) */
  fma: boolean;
}
/** A worker running the wasm core; models use one shared engine unless given their own. */
export class Engine {
  constructor(options?: { threaded?: boolean | 'auto' });
  readonly name: string;
  ready(): Promise<EngineInfo>;
  onCrash(handler: (error: Error) => void): () => void;
  crash(): Promise<void>;
  terminate(): void;
}
export function engineInfo(engine?: Engine): Promise<EngineInfo>;
/** TF.js' tf.ready(): the default engine has started. */
export function ready(engine?: Engine): Promise<EngineInfo>;
export const version: string;
