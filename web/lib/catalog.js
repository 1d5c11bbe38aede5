// The data sets the library knows by name: where their four IDX files live beside the library
// (dist/data/<dir>/), and their class names. The page's data-set list and prediction labels read it.
export const DATASETS = Object.freeze({
  mnist: {
    label: 'MNIST digits',
    dir: 'mnist',
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
  'fashion-mnist': {
    label: 'Fashion-MNIST',
    dir: 'fashion-mnist',
    classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
      'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  },
});

// The four files of a data set, by the name of the tensor each becomes; MNIST and Fashion-MNIST
// share the file names.
export const DATA_FILES = Object.freeze({
  xTrain: 'train-images-idx3-ubyte.gz',
  yTrain: 'train-labels-idx1-ubyte.gz',
  xTest: 't10k-images-idx3-ubyte.gz',
  yTest: 't10k-labels-idx1-ubyte.gz',
});

// x parts are images [n, h, w], y parts labels [n]
export const isImages = (part) => part.startsWith('x');
