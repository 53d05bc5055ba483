/**
 * Builds ONNX graphs in NCHW layout while tracking static spatial sizes, so TensorFlow's
 * "SAME" padding (extra pixel at bottom/right) becomes explicit Conv pads. Pure.
 */
import { TensorType, type Graph, type Node, type Tensor, type AttrValue } from './onnx-proto.js';
import type { WeightTensor } from './weights.js';

export interface Shape {
  c: number;
  h: number;
  w: number;
}

export type Padding = 'same' | 'valid';

function f32Bytes(data: Float32Array): Uint8Array {
  const copy = Float32Array.from(data);
  return new Uint8Array(copy.buffer);
}

/** TF padding for one axis: [before, after, outputSize]. */
export function tfPads(size: number, kernel: number, stride: number, padding: Padding): [number, number, number] {
  if (padding === 'valid') return [0, 0, Math.floor((size - kernel) / stride) + 1];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before, out];
}

export class GraphBuilder {
  private nodes: Node[] = [];
  private inits: Tensor[] = [];
  private shapes = new Map<string, Shape>();
  private counter = 0;

  constructor(readonly name: string) {}

  private id(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  shape(x: string): Shape {
    const s = this.shapes.get(x);
    if (!s) throw new Error(`unknown tensor ${x}`);
    return s;
  }

  setShape(x: string, s: Shape): void {
    this.shapes.set(x, s);
  }

  constFloat(dims: number[], data: Float32Array, prefix = 'const'): string {
    const name = this.id(prefix);
    this.inits.push({ name, dims, dataType: TensorType.FLOAT, raw: f32Bytes(data) });
    return name;
  }

  constInt64(values: number[], prefix = 'shape'): string {
    const name = this.id(prefix);
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.inits.push({ name, dims: [values.length], dataType: TensorType.INT64, raw: new Uint8Array(raw.buffer) });
    return name;
  }

  op(op: string, inputs: string[], attrs?: Record<string, AttrValue>, shape?: Shape): string {
    const out = this.id(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], name: out, ...(attrs ? { attrs } : {}) });
    if (shape) this.shapes.set(out, shape);
    return out;
  }

  /** Conv with OIHW filter (group = cin for depthwise), optional bias, TF padding. */
  conv(x: string, filter: WeightTensor, bias: Float32Array | null, stride: number, padding: Padding, group = 1): string {
    const s = this.shape(x);
    const [co, , kh, kw] = filter.shape as [number, number, number, number];
    const [pt, pb, oh] = tfPads(s.h, kh, stride, padding);
    const [pl, pr, ow] = tfPads(s.w, kw, stride, padding);
    const inputs = [x, this.constFloat(filter.shape, filter.data, 'w')];
    if (bias) inputs.push(this.constFloat([co], bias, 'b'));
    const attrs: Record<string, AttrValue> = { kernel_shape: [kh, kw], strides: [stride, stride], pads: [pt, pl, pb, pr] };
    if (group !== 1) attrs.group = group;
    return this.op('Conv', inputs, attrs, { c: co, h: oh, w: ow });
  }

  relu(x: string): string {
    return this.op('Relu', [x], undefined, this.shape(x));
  }

  relu6(x: string): string {
    const lo = this.constFloat([], new Float32Array([0]), 'lo');
    const hi = this.constFloat([], new Float32Array([6]), 'hi');
    return this.op('Clip', [x, lo, hi], undefined, this.shape(x));
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b], undefined, this.shape(a));
  }

  pool(op: 'MaxPool' | 'AveragePool', x: string, kernel: number, stride: number): string {
    const s = this.shape(x);
    const o = (n: number) => Math.floor((n - kernel) / stride) + 1;
    return this.op(op, [x], { kernel_shape: [kernel, kernel], strides: [stride, stride] }, { c: s.c, h: o(s.h), w: o(s.w) });
  }

  /** Zero-pads channels at the end and rows/columns at bottom/right. */
  padEnd(x: string, extraC: number, extraH: number, extraW: number): string {
    const s = this.shape(x);
    const pads = this.constInt64([0, 0, 0, 0, 0, extraC, extraH, extraW], 'pads');
    return this.op('Pad', [x, pads], undefined, { c: s.c + extraC, h: s.h + extraH, w: s.w + extraW });
  }

  build(inputs: Graph['inputs'], outputs: Graph['outputs'], rename: Record<string, string>): Graph {
    // Give the outputs their public names by appending Identity nodes.
    const nodes = [...this.nodes];
    for (const [from, to] of Object.entries(rename)) nodes.push({ op: 'Identity', inputs: [from], outputs: [to], name: to });
    return { name: this.name, nodes, initializers: this.inits, inputs, outputs };
  }
}
