// Two trainers, each with its own storage key (and, inside createTrainer, its own engine).
import { createTrainer } from '/trainer.js';

for (const root of document.querySelectorAll('[data-trainer]')) createTrainer(root, { storageKey: `two-${root.dataset.trainer}` });
