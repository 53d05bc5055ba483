/** SSD MobileNetV1 (face-api's `ssd_mobilenetv1_model`) -> ONNX. See convert-nets.ts. */
import { GraphBuilder } from './graph-builder.js';
import { encodeModel, TensorType } from './onnx-proto.js';
import { depthwiseToOnnx, getWeight, hwioToOihw, scaleOutputChannels, type WeightMap } from './weights.js';

const BN_EPSILON = 0.0010000000474974513;
const STRIDE2_LAYERS = new Set([2, 4, 6, 12]);
export const SSD_ANCHORS = 5118;

function pointwise(g: GraphBuilder, wm: WeightMap, x: string, p: string, stride: number): string {
  const w = hwioToOihw(getWeight(wm, `${p}/weights`));
  return g.relu6(g.conv(x, w, getWeight(wm, `${p}/convolution_bn_offset`).data, stride, 'same'));
}

/** Depthwise conv with its batch norm folded in: W * gamma/sqrt(var+eps), beta - mean*gamma/sqrt(var+eps). */
function depthwise(g: GraphBuilder, wm: WeightMap, x: string, p: string, stride: number): string {
  const gamma = getWeight(wm, `${p}/BatchNorm/gamma`).data;
  const beta = getWeight(wm, `${p}/BatchNorm/beta`).data;
  const mean = getWeight(wm, `${p}/BatchNorm/moving_mean`).data;
  const variance = getWeight(wm, `${p}/BatchNorm/moving_variance`).data;
  const k = new Float32Array(gamma.length);
  const bias = new Float32Array(gamma.length);
  for (let i = 0; i < gamma.length; i++) {
    k[i] = gamma[i]! / Math.sqrt(variance[i]! + BN_EPSILON);
    bias[i] = beta[i]! - mean[i]! * k[i]!;
  }
  const w = scaleOutputChannels(depthwiseToOnnx(getWeight(wm, `${p}/depthwise_weights`)), k);
  return g.relu6(g.conv(x, w, bias, stride, 'same', w.shape[0]));
}

/** A head conv (1x1 + bias), moved to channels-last and reshaped to [N, anchors, per]. */
function head(g: GraphBuilder, wm: WeightMap, x: string, p: string, per: number): string {
  const w = hwioToOihw(getWeight(wm, `${p}/weights`));
  const y = g.conv(x, w, getWeight(wm, `${p}/biases`).data, 1, 'same');
  const t = g.op('Transpose', [y], { perm: [0, 2, 3, 1] });
  return g.op('Reshape', [t, g.constInt64([0, -1, per])]);
}

export function buildDetectorGraph(wm: WeightMap): Uint8Array {
  const g = new GraphBuilder('faceidx_ssd_mobilenetv1');
  g.setShape('input', { c: 3, h: 512, w: 512 });
  let x = pointwise(g, wm, 'input', 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11 = '';
  for (let i = 1; i <= 13; i++) {
    x = depthwise(g, wm, x, `MobilenetV1/Conv2d_${i}_depthwise`, STRIDE2_LAYERS.has(i) ? 2 : 1);
    x = pointwise(g, wm, x, `MobilenetV1/Conv2d_${i}_pointwise`, 1);
    if (i === 11) conv11 = x;
  }
  const c: string[] = [];
  let y = x;
  for (let i = 0; i < 8; i++) {
    y = pointwise(g, wm, y, `Prediction/Conv2d_${i}_pointwise`, i % 2 === 1 ? 2 : 1);
    c.push(y);
  }
  const sources = [conv11, x, c[1]!, c[3]!, c[5]!, c[7]!];
  const boxes = sources.map((s, i) => head(g, wm, s, `Prediction/BoxPredictor_${i}/BoxEncodingPredictor`, 4));
  const logits = sources.map((s, i) => head(g, wm, s, `Prediction/BoxPredictor_${i}/ClassPredictor`, 3));
  const allBoxes = g.op('Concat', boxes, { axis: 1 });
  const allLogits = g.op('Concat', logits, { axis: 1 });
  const anchors = getWeight(wm, 'Output/extra_dim');
  const graph = g.build(
    [{ name: 'input', elemType: TensorType.FLOAT, shape: ['N', 3, 512, 512] }],
    [
      { name: 'boxes', elemType: TensorType.FLOAT, shape: ['N', SSD_ANCHORS, 4] },
      { name: 'logits', elemType: TensorType.FLOAT, shape: ['N', SSD_ANCHORS, 3] },
    ],
    { [allBoxes]: 'boxes', [allLogits]: 'logits' },
  );
  if (anchors.data.length !== SSD_ANCHORS * 4) throw new Error(`expected ${SSD_ANCHORS} anchors, got ${anchors.data.length / 4}`);
  return encodeModel(graph);
}

/** The anchors `[ymin, xmin, ymax, xmax]` (0..1) stored in the manifest as Output/extra_dim. */
export function ssdAnchors(wm: WeightMap): Float32Array {
  return Float32Array.from(getWeight(wm, 'Output/extra_dim').data);
}
