// Test data for the report tests: a generated corpus with quotes, brackets and lines (no outside
// text).

export function quotedCorpus(lines = 300): string {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'omega'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const w = words[(i * 3) % 5], n = (i * 7) % 50;
    out.push(i % 2 === 0 ? `say("${w} ${n}");` : `  list[${n}] = (${w});`);
  }
  return out.join('\n') + '\n';
}
