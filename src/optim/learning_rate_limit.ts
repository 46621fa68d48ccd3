// The one bound on learning rates, shared by every trainer and every command's --lr: a finite
// number above 0 and at most MAX_LEARNING_RATE. Far past any rate that trains (Adam's usual rates
// are 1e-4 to 1e-2; plain SGD on word-level language models uses up to 20), yet low enough that a
// typo such as `--lr 1e30` is refused before it overflows every weight.

/** The largest learning rate accepted anywhere in unfold. */
export const MAX_LEARNING_RATE = 100;

/** Throws naming `name` unless `lr` is a finite number in (0, MAX_LEARNING_RATE]. */
export function checkLearningRate(lr: unknown, name = 'a learning rate'): void {
  if (typeof lr !== 'number' || !(lr > 0 && lr <= MAX_LEARNING_RATE)) {
    throw new Error(`expected ${name} in (0, ${MAX_LEARNING_RATE}], got ${String(lr)}`);
  }
}
