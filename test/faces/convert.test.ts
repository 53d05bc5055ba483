import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, tfPads } from '../../src/faces/graph-builder.js';
import { ensureModels, loadWeightMap, faceApiModelDir, SOURCE_NETS } from '../../src/faces/models.js';
import { encodeModel, TensorType } from '../../src/faces/onnx-proto.js';
import { decodeWeights, depthwiseToOnnx, hwioToOihw, scaleOutputChannels } from '../../src/faces/weights.js';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('decodeWeights dequantizes uint8 as q*scale+min and reads raw float32', () => {
  const bin = new Uint8Array(2 + 8);
  bin.set([0, 255], 0);
  new DataView(bin.buffer).setFloat32(2, 1.5, true);
  new DataView(bin.buffer).setFloat32(6, -2, true);
  const m = decodeWeights(
    [
      { name: 'q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'f', shape: [2], dtype: 'float32' },
    ],
    bin,
  );
  assert.deepEqual(Array.from(m.get('q')!.data), [-1, 126.5]);
  assert.deepEqual(Array.from(m.get('f')!.data), [1.5, -2]);
  assert.throws(() => decodeWeights([{ name: 'f', shape: [4], dtype: 'float32' }], bin), /too short/);
});

test('hwioToOihw moves [kh,kw,cin,cout] to [cout,cin,kh,kw]', () => {
  // value encodes its own indices: y*1000 + x*100 + i*10 + o
  const kh = 2, kw = 3, ci = 2, co = 4;
  const data = new Float32Array(kh * kw * ci * co);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) data[((y * kw + x) * ci + i) * co + o] = y * 1000 + x * 100 + i * 10 + o;
  const r = hwioToOihw({ shape: [kh, kw, ci, co], data });
  assert.deepEqual(r.shape, [co, ci, kh, kw]);
  for (let o = 0; o < co; o++) for (let i = 0; i < ci; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) assert.equal(r.data[((o * ci + i) * kh + y) * kw + x], y * 1000 + x * 100 + i * 10 + o);
});

test('depthwiseToOnnx moves [kh,kw,c,1] to [c,1,kh,kw]; scaleOutputChannels scales per output channel', () => {
  const data = new Float32Array(3 * 3 * 2);
  for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) for (let c = 0; c < 2; c++) data[(y * 3 + x) * 2 + c] = c * 100 + y * 10 + x;
  const r = depthwiseToOnnx({ shape: [3, 3, 2, 1], data });
  assert.deepEqual(r.shape, [2, 1, 3, 3]);
  assert.equal(r.data[9 + 2 * 3 + 1], 121);
  const s = scaleOutputChannels(r, [1, 2]);
  assert.equal(s.data[9 + 2 * 3 + 1], 242);
  assert.equal(s.data[4], 11);
});

test('tfPads puts the extra SAME pixel at the end, like TensorFlow', () => {
  assert.deepEqual(tfPads(512, 3, 2, 'same'), [0, 1, 256]);
  assert.deepEqual(tfPads(7, 3, 1, 'same'), [1, 1, 7]);
  assert.deepEqual(tfPads(150, 7, 2, 'valid'), [0, 0, 72]);
});

test('a graph written by the protobuf writer runs in onnxruntime with TF SAME padding', async () => {
  const g = new GraphBuilder('t');
  g.setShape('input', { c: 1, h: 4, w: 4 });
  // 3x3 all-ones filter, stride 2, SAME on 4x4: one pad pixel, at the bottom/right (TF), none at the top/left
  const conv = g.conv('input', { shape: [1, 1, 3, 3], data: new Float32Array(9).fill(1) }, new Float32Array([0.5]), 2, 'same');
  const graph = g.build([{ name: 'input', elemType: TensorType.FLOAT, shape: ['N', 1, 4, 4] }], [{ name: 'y', elemType: TensorType.FLOAT, shape: ['N', 1, 2, 2] }], { [conv]: 'y' });
  const s = await ort.InferenceSession.create(encodeModel(graph));
  const x = Float32Array.from({ length: 16 }, (_, i) => i);
  const y = (await s.run({ input: new ort.Tensor('float32', x, [1, 1, 4, 4]) })).y!.data as Float32Array;
  // rows/cols 0-2: 45; rows 0-2, cols 2-3 (+pad): 39; rows 2-3 (+pad), cols 0-2: 66; rows/cols 2-3: 50.
  // Symmetric padding (pad before) would give 10 at [0,0].
  assert.deepEqual(Array.from(y), [45.5, 39.5, 66.5, 50.5]);
});

test('the package weights have the layouts the converters expect', () => {
  const src = faceApiModelDir();
  const rec = loadWeightMap(src, SOURCE_NETS.recognition);
  assert.deepEqual(rec.get('conv32_down/conv/filters')!.shape, [7, 7, 3, 32]);
  assert.deepEqual(rec.get('fc')!.shape, [256, 128]);
  const lm = loadWeightMap(src, SOURCE_NETS.landmarks);
  assert.deepEqual(lm.get('fc/weights')!.shape, [256, 136]);
  const ssd = loadWeightMap(src, SOURCE_NETS.detector);
  assert.deepEqual(ssd.get('Output/extra_dim')!.shape, [1, 5118, 4]);
});

test('ensureModels builds once, then reuses the cache keyed by the weights hash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-models-'));
  try {
    const a = ensureModels(dir);
    assert.equal(a.built, true);
    assert.ok(statSync(a.recognition).size > 20_000_000);
    const b = ensureModels(dir);
    assert.equal(b.built, false);
    assert.equal(b.dir, a.dir);
    assert.equal(ensureModels(dir, { force: true }).built, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
