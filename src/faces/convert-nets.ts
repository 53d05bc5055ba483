/**
 * Converters from face-api's tfjs weight maps to ONNX graphs. Every graph takes a
 * preprocessed NCHW float32 batch named `input` (see preprocess.ts) and has a dynamic batch.
 *  - recognition: [N,3,150,150] -> `descriptor` [N,128]
 *  - landmarks:   [N,3,112,112] -> `landmarks` [N,136] (x,y pairs, 0..1 of the input)
 *  - detector:    [N,3,512,512] -> `boxes` [N,5118,4] raw encodings, `logits` [N,5118,3]
 */
import { GraphBuilder, type Padding } from './graph-builder.js';
import { encodeModel, TensorType } from './onnx-proto.js';
import { depthwiseToOnnx, getWeight, hwioToOihw, scaleOutputChannels, type WeightMap } from './weights.js';

const F = TensorType.FLOAT;

function input(g: GraphBuilder, size: number): string {
  g.setShape('input', { c: 3, h: size, w: size });
  return 'input';
}

/* ---------------- recognition (dlib ResNet port) ---------------- */

/** conv + bias, then the per-channel scale layer folded in: W*s, b*s + t. */
function recConv(g: GraphBuilder, wm: WeightMap, x: string, prefix: string, stride: number, padding: Padding, relu: boolean): string {
  const scale = getWeight(wm, `${prefix}/scale/weights`).data;
  const shift = getWeight(wm, `${prefix}/scale/biases`).data;
  const filter = scaleOutputChannels(hwioToOihw(getWeight(wm, `${prefix}/conv/filters`)), scale);
  const b = getWeight(wm, `${prefix}/conv/bias`).data;
  const bias = new Float32Array(b.length);
  for (let i = 0; i < b.length; i++) bias[i] = b[i]! * scale[i]! + shift[i]!;
  const out = g.conv(x, filter, bias, stride, padding);
  return relu ? g.relu(out) : out;
}

function residual(g: GraphBuilder, wm: WeightMap, x: string, p: string): string {
  const a = recConv(g, wm, x, `${p}/conv1`, 1, 'same', true);
  const b = recConv(g, wm, a, `${p}/conv2`, 1, 'same', false);
  return g.relu(g.add(b, x));
}

function residualDown(g: GraphBuilder, wm: WeightMap, x: string, p: string): string {
  const a = recConv(g, wm, x, `${p}/conv1`, 2, 'valid', true);
  let b = recConv(g, wm, a, `${p}/conv2`, 1, 'same', false);
  let pooled = g.pool('AveragePool', x, 2, 2);
  const sb = g.shape(b);
  const sp = g.shape(pooled);
  if (sb.h !== sp.h || sb.w !== sp.w) b = g.padEnd(b, 0, sp.h - sb.h, sp.w - sb.w);
  if (sp.c !== sb.c) pooled = g.padEnd(pooled, sb.c - sp.c, 0, 0);
  return g.relu(g.add(pooled, b));
}

export function buildRecognitionGraph(wm: WeightMap): Uint8Array {
  const g = new GraphBuilder('faceidx_recognition');
  let x = recConv(g, wm, input(g, 150), 'conv32_down', 2, 'valid', true);
  x = g.pool('MaxPool', x, 3, 2);
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(g, wm, x, p);
  x = residualDown(g, wm, x, 'conv64_down');
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(g, wm, x, p);
  x = residualDown(g, wm, x, 'conv128_down');
  for (const p of ['conv128_1', 'conv128_2']) x = residual(g, wm, x, p);
  x = residualDown(g, wm, x, 'conv256_down');
  for (const p of ['conv256_1', 'conv256_2']) x = residual(g, wm, x, p);
  x = residualDown(g, wm, x, 'conv256_down_out');
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: 1 });
  const fc = getWeight(wm, 'fc');
  const out = g.op('MatMul', [pooled, g.constFloat(fc.shape, fc.data, 'fc')]);
  const graph = g.build(
    [{ name: 'input', elemType: F, shape: ['N', 3, 150, 150] }],
    [{ name: 'descriptor', elemType: F, shape: ['N', 128] }],
    { [out]: 'descriptor' },
  );
  return encodeModel(graph);
}

/* ---------------- 68-point landmarks ---------------- */

function separable(g: GraphBuilder, wm: WeightMap, x: string, p: string, stride: number): string {
  const dw = depthwiseToOnnx(getWeight(wm, `${p}/depthwise_filter`));
  const d = g.conv(x, dw, null, stride, 'same', dw.shape[0]);
  return g.conv(d, hwioToOihw(getWeight(wm, `${p}/pointwise_filter`)), getWeight(wm, `${p}/bias`).data, 1, 'same');
}

function denseBlock(g: GraphBuilder, wm: WeightMap, x: string, p: string, first: boolean): string {
  const c0 = first
    ? g.conv(x, hwioToOihw(getWeight(wm, `${p}/conv0/filters`)), getWeight(wm, `${p}/conv0/bias`).data, 2, 'same')
    : separable(g, wm, x, `${p}/conv0`, 2);
  const out1 = g.relu(c0);
  const out2 = separable(g, wm, out1, `${p}/conv1`, 1);
  const out3 = separable(g, wm, g.relu(g.add(out1, out2)), `${p}/conv2`, 1);
  const sum3 = g.add(out1, g.add(out2, out3));
  const out4 = separable(g, wm, g.relu(sum3), `${p}/conv3`, 1);
  return g.relu(g.add(out1, g.add(out2, g.add(out3, out4))));
}

export function buildLandmarkGraph(wm: WeightMap): Uint8Array {
  const g = new GraphBuilder('faceidx_landmarks68');
  let x = denseBlock(g, wm, input(g, 112), 'dense0', true);
  for (const p of ['dense1', 'dense2', 'dense3']) x = denseBlock(g, wm, x, p, false);
  x = g.pool('AveragePool', x, 7, 2);
  const flat = g.op('Flatten', [x], { axis: 1 });
  const w = getWeight(wm, 'fc/weights');
  const mm = g.op('MatMul', [flat, g.constFloat(w.shape, w.data, 'fc')]);
  const out = g.op('Add', [mm, g.constFloat([136], getWeight(wm, 'fc/bias').data, 'fcb')]);
  const graph = g.build(
    [{ name: 'input', elemType: F, shape: ['N', 3, 112, 112] }],
    [{ name: 'landmarks', elemType: F, shape: ['N', 136] }],
    { [out]: 'landmarks' },
  );
  return encodeModel(graph);
}

export { buildDetectorGraph } from './convert-ssd.js';
