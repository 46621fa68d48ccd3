// Exact-match accuracy: the fraction of predictions identical to their reference, the strict
// metric of the captioning and date-normalisation demos.

/** A sentence as text or as tokens; text is compared with runs of whitespace collapsed and ends trimmed. */
export type Sentence = string | readonly string[];

function normalise(s: Sentence): string {
  return typeof s === 'string' ? s.trim().split(/\s+/).join(' ') : s.join(' ');
}

/** accuracy = |{i : prediction_i = reference_i}| / n. */
export function exactMatchAccuracy(predictions: readonly Sentence[], references: readonly Sentence[]): number {
  if (predictions.length !== references.length) {
    throw new Error(`exactMatchAccuracy: expected one reference per prediction (${predictions.length}), got ${references.length}`);
  }
  if (predictions.length === 0) throw new Error('exactMatchAccuracy: expected at least one prediction, got none');
  let hits = 0;
  for (let i = 0; i < predictions.length; i++) if (normalise(predictions[i]) === normalise(references[i])) hits++;
  return hits / predictions.length;
}
