// The page: one trainer filling the page (trainer.js); IndexedDB keeps its model under 'neurite'.
import { createTrainer } from './trainer.js';

createTrainer(document.querySelector('[data-trainer]'), { storageKey: 'neurite', markReady: true });
