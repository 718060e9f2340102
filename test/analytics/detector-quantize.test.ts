// The quantiser's graph rewrites, checked by running both forms in onnxruntime (no video needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeOnnx, type IrGraph, type IrNode } from '../../src/analytics/detector/onnx-ir.ts';
import { spaceToDepthConv } from '../../src/analytics/detector/qdq-quantize.ts';

/** A float Conv graph: input x [1, ci, s, s] → y. */
function convGraph(ci: number, co: number, k: number, pads: number[], seed: number): IrGraph {
  let r = seed;
  const rnd = () => ((r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const conv: IrNode = {
    op: 'Conv', name: 'conv', inputs: ['x', 'w', 'b'], outputs: ['y'],
    attrs: { kernel_shape: { ints: [k, k] }, strides: { ints: [2, 2] }, pads: { ints: pads }, dilations: { ints: [1, 1] }, group: { i: 1 } },
  };
  return {
    nodes: [conv],
    initializers: new Map([
      ['w', { type: 'float', dims: [co, ci, k, k], data: Float32Array.from({ length: co * ci * k * k }, rnd) }],
      ['b', { type: 'float', dims: [co], data: Float32Array.from({ length: co }, rnd) }],
    ]),
    inputs: [{ name: 'x', dims: [1, ci, 'h', 'w'], elem: 'float' }],
    outputs: [{ name: 'y' }],
  };
}

test('space-to-depth rewrite of a stride-2 convolution gives the same output', async () => {
  const ort = await import('onnxruntime-node');
  // NanoDet's first convolution (3×3, pads 1 all round) and two other paddings, at two sizes.
  for (const [k, pads] of [[3, [1, 1, 1, 1]], [3, [0, 0, 1, 1]], [5, [2, 2, 2, 2]]] as const) {
    const plain = convGraph(3, 8, k, [...pads], 7);
    const s2d = convGraph(3, 8, k, [...pads], 7);
    assert.ok(spaceToDepthConv(s2d.nodes[0], s2d), `rewrote k=${k} pads=${pads}`);
    s2d.nodes[0].inputs[0] = 'x2';
    s2d.nodes.unshift({ op: 'SpaceToDepth', name: 's2d', inputs: ['x'], outputs: ['x2'], attrs: { blocksize: { i: 2 } } });
    assert.deepEqual((s2d.nodes[1].attrs!.strides as { ints: number[] }).ints, [1, 1]);
    const a = await ort.InferenceSession.create(serializeOnnx(plain));
    const b = await ort.InferenceSession.create(serializeOnnx(s2d));
    for (const size of [16, 22]) {
      const x = new ort.Tensor('float32', Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i * 0.37)), [1, 3, size, size]);
      const ya = (await a.run({ x })).y, yb = (await b.run({ x })).y;
      assert.deepEqual(yb.dims, ya.dims, `k=${k} pads=${pads} size ${size}`);
      const da = ya.data as Float32Array, db = yb.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < da.length; i++) worst = Math.max(worst, Math.abs(da[i] - db[i]));
      assert.ok(worst < 1e-4, `k=${k} pads=${pads} size ${size}: max difference ${worst}`);
    }
    await Promise.all([a.release(), b.release()]);
  }
});

test('space-to-depth rewrite refuses what it cannot express', () => {
  const g = convGraph(3, 4, 3, [1, 1, 1, 1], 1);
  g.nodes[0].attrs!.strides = { ints: [1, 1] };
  assert.equal(spaceToDepthConv(g.nodes[0], g), false);
  assert.equal(g.nodes[0].inputs[1], 'w', 'unchanged');
});
