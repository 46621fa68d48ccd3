// The graph-paths task: its graphs and distances against independent truths (a hand-drawn graph, and
// Bellman–Ford relaxation on random ones), the LSTM's edge lists decoded back into their graphs, a
// short run in which the GGNN learns the distances well past the most frequent class on the larger
// held-out graphs, and the command's JSON line, checkpoints and refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/tensor/random.js';
import { DISTANCE_CLASSES, pathClass, pathGraphs, randomPathGraph, shortestPaths } from '../../src/tasks/graph_paths_data.js';
import { edgeListBatch } from '../../src/tasks/graph_paths_baseline.js';
import { graphPaths } from '../../src/tasks/graph_paths.js';
import { CLI as main, tempDir } from '../helpers/files.js';

test('shortest paths follow the edges\' directions; classes cut at D and mark the unreachable', () => {
  //   0 → 1 → 2 → 3 → 4 → 5,  0 → 2,  6 → 0 (6 unreachable from 0)
  const edges: [number, number][] = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [0, 2], [6, 0]];
  assert.deepEqual([...shortestPaths(7, edges, 0)], [0, 1, 1, 2, 3, 4, -1]);
  assert.deepEqual([...shortestPaths(7, edges, 6)], [1, 2, 2, 3, 4, 5, 0]);
  assert.equal(DISTANCE_CLASSES, 4);
  assert.deepEqual([0, 1, 3, 4, 9, -1].map(pathClass), [0, 1, 3, 4, 4, 5]);
});

test('random graphs: 1 to 3 distinct out-edges per node, no self-loops, distances equal to Bellman–Ford', () => {
  const rng = new Rng(1);
  for (const g of pathGraphs(rng, 30, [10, 40])) {
    assert.ok(g.numNodes >= 10 && g.numNodes <= 40);
    const out = new Map<number, number[]>();
    for (const [u, v] of g.edges) { assert.notEqual(u, v); out.set(u, [...(out.get(u) ?? []), v]); }
    for (let u = 0; u < g.numNodes; u++) {
      const vs = out.get(u) ?? [];
      assert.ok(vs.length >= 1 && vs.length <= 3 && new Set(vs).size === vs.length, `node ${u}: ${vs}`);
    }
    const d = new Array(g.numNodes).fill(Infinity);
    d[g.source] = 0;
    for (let k = 0; k < g.numNodes; k++) for (const [u, v] of g.edges) d[v] = Math.min(d[v], d[u] + 1);
    assert.deepEqual([...g.distances], d.map((x) => (x === Infinity ? -1 : x)));
  }
});

test('the LSTM\'s edge lists decode back into their graphs, and each node\'s occurrences weigh 1 in all', () => {
  const rng = new Rng(2);
  const gs = [randomPathGraph(rng, 6), randomPathGraph(rng, 4)];
  const P = 8, b = edgeListBatch(gs, P, rng);
  const [L, B] = b.ids.shape;
  assert.deepEqual(b.lengths, gs.map((g) => 3 * (g.edges.length + 1)));
  assert.equal(L, Math.max(...b.lengths));
  let first = 0;
  gs.forEach((g, k) => {
    const sym = [...b.nodeSymbols.slice(first, first + g.numNodes)];
    assert.equal(new Set(sym).size, g.numNodes, 'distinct symbols within a graph');
    assert.ok(sym.every((s) => s >= 0 && s < P));
    const tok = (t: number) => b.ids.data[t * B + k];
    const node = (t: number) => sym.indexOf(tok(t));
    assert.deepEqual([tok(0), node(1), tok(2)], [P + 1, g.source, P]);
    const read: string[] = [];
    for (let t = 3; t < b.lengths[k]; t += 3) { assert.equal(tok(t + 2), P); read.push(`${node(t)}>${node(t + 1)}`); }
    assert.deepEqual(read.sort(), g.edges.map(([u, v]) => `${u}>${v}`).sort());
    first += g.numNodes;
  });
  const total = new Array(b.nodeSymbols.length).fill(0);
  b.occurrenceNode.forEach((v, i) => { total[v] += b.occurrenceWeight[i]; });
  for (const w of total) assert.ok(Math.abs(w - 1) < 1e-12);
});

test('graph-paths, short: the GGNN learns the distances on larger held-out graphs far past the most frequent class', async () => {
  const r = await graphPaths({ models: ['ggnn'], seed: 1, steps: 150, timeSeconds: 60, testSize: 20, hiddenSize: 16, batchSize: 16, lr: 0.01 });
  const g = r.results[0];
  assert.ok(g.accuracy > r.majority.accuracy + 0.35, `accuracy ${g.accuracy}, most frequent class ${r.majority.accuracy}`);
  assert.ok(g.trainSizeAccuracy > 0.85, `training-size accuracy ${g.trainSizeAccuracy}`);
});

test('the command ends with the JSON result line, keeps its models with --out and refuses what cannot run', () => {
  const out = join(tempDir(), 'gp');
  const r = spawnSync(process.execPath, [main, 'tasks', 'graph-paths', '--steps', '3', '--test', '4', '--hidden', '8', '--out', out, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, r.stdout);
  const j = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.deepEqual([j.task, j.cell, j.length, j.metric, j.steps], ['graph-paths', 'ggnn', 40, 'accuracy', 3]);
  assert.ok(Number.isFinite(j.value) && Number.isFinite(j.baseline) && Number.isFinite(j.majority_accuracy), lines[0]);
  assert.deepEqual(Object.keys(j.models as object), ['ggnn', 'lstm']);
  for (const m of ['ggnn', 'lstm']) assert.ok(existsSync(join(out, 'run1', `${m}.safetensors`)), m);
  const resumed = spawnSync(process.execPath, [main, 'tasks', 'graph-paths', '--steps', '5', '--test', '4', '--hidden', '8', '--out', out, '--resume', '--json'], { encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal((JSON.parse(resumed.stdout) as { steps: number }).steps, 5);
  assert.match(resumed.stderr, /ggnn step 4:/);
  assert.doesNotMatch(resumed.stderr, /ggnn step 1:/);
  const bad = spawnSync(process.execPath, [main, 'tasks', 'graph-paths', '--models', 'gnn'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /expected one of ggnn, lstm, got 'gnn'/);
  const huge = spawnSync(process.execPath, [main, 'tasks', 'graph-paths', '--hidden', '1000000000'], { encoding: 'utf8' });
  assert.notEqual(huge.status, 0);
  assert.match(huge.stderr, /this run needs about .*the limit is 4 GiB/);
});
