// A generated training corpus (no outside text), shared by the training and command-line tests.

/** A small deterministic corpus with structure a model can learn: counting words and brackets. */
export function generatedCorpus(lines = 200): string {
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = (i * 7) % 100;
    out.push(`(${words[Math.floor(n / 10)]} ${words[n % 10]}) = ${n};`);
  }
  return out.join('\n') + '\n';
}
