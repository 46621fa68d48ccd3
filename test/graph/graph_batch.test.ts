// GraphBatch: graphs concatenated (node ids offset per graph, edges as index arrays), and every
// malformed graph refused with what was expected and what came.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBatch, type Graph } from '../../src/graph/index.js';

test('nodes are concatenated graph by graph, edges offset by their graph\'s first node', () => {
  const b = new GraphBatch([
    { numNodes: 2, edges: [[0, 1], [1, 1, 1]], annotations: [[1], [2]] },
    { numNodes: 3, edges: [[2, 0, 1]], annotations: [[3], [4], [5]] },
  ], { annotationSize: 1, edgeTypes: 2 });
  assert.equal(b.numNodes, 5);
  assert.equal(b.numGraphs, 2);
  assert.equal(b.numEdges, 3);
  assert.deepEqual([...b.offsets], [0, 2, 5]);
  assert.deepEqual([...b.nodeGraph], [0, 0, 1, 1, 1]);
  assert.deepEqual([...b.edgeFrom], [0, 1, 4]);
  assert.deepEqual([...b.edgeTo], [1, 1, 2]);
  assert.deepEqual([...b.edgeType], [0, 1, 1]);
  assert.deepEqual([...b.annotations], [1, 2, 3, 4, 5]);
  assert.deepEqual(b.annotationTensor('float64').tolist(), [[1], [2], [3], [4], [5]]);
  assert.deepEqual(b.nodesOf(1), [2, 5]);
});

test('malformed graphs are refused naming the graph, the node or edge, what was expected and what came', () => {
  const ok: Graph = { numNodes: 3, edges: [[0, 1], [1, 2]], annotations: [[0, 1], [1, 0], [0, 0]] };
  const bad = (g: Partial<Graph>, opts = { annotationSize: 2 }) => () => new GraphBatch([ok, { ...ok, ...g }], opts);
  assert.throws(bad({ edges: [[0, 3]] }), /expected edge endpoints in \[0, 3\) in graph 1, got \[0,3\] \(edge 0\)/);
  assert.throws(bad({ edges: [[0, 1], [-1, 2]] }), /expected edge endpoints in \[0, 3\) in graph 1, got \[-1,2\] \(edge 1\)/);
  assert.throws(bad({ edges: [[0, 1.5]] }), /expected edge endpoints in \[0, 3\) in graph 1, got \[0,1.5\]/);
  assert.throws(bad({ edges: [[0, 1, 1]] }), /expected edge types in \[0, 1\) in graph 1, got \[0,1,1\] \(edge 0\)/);
  assert.throws(bad({ edges: [[0]] }), /expected edge 0 of graph 1 as \[from, to\] or \[from, to, type\], got \[0\]/);
  assert.throws(bad({ annotations: [[0, 1], [1, 0, 5], [0, 0]] }), /expected annotation rows of width 2, got width 3 at node 1 of graph 1/);
  assert.throws(bad({ annotations: [[0, 1], [1, 0]] }), /expected graph 1 to have 3 annotation rows \(one per node\), got 2/);
  assert.throws(bad({ annotations: [[0, 1], [1, NaN], [0, 0]] }), /expected finite annotations, got NaN at node 1 of graph 1, column 1/);
  assert.throws(bad({ numNodes: 0 }), /expected graph 1 to have a positive integer numNodes, got 0/);
  assert.throws(() => new GraphBatch([], { annotationSize: 2 }), /expected at least one graph, got none/);
  assert.throws(() => new GraphBatch([ok], { annotationSize: 0 }), /expected annotationSize to be a positive integer, got 0/);
});
