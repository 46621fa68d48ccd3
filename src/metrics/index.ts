// Evaluation metrics for generated sequences: corpus BLEU and exact-match accuracy.

export { corpusBleu, sentenceBleu, type BleuOptions, type BleuResult } from './bleu.js';
export { exactMatchAccuracy, type Sentence } from './exact_match.js';
