/**
 * tfjs weights (manifest + .bin) -> named float32 arrays, and the layout changes ONNX needs.
 * Pure: the caller reads the files.
 */

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export type WeightMap = Map<string, WeightTensor>;

const BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2, float32: 4, int32: 4 };

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Decodes a weights manifest group (`[{paths, weights}]`) over the concatenated .bin bytes. */
export function decodeWeights(entries: ManifestEntry[], bin: Uint8Array): WeightMap {
  const out: WeightMap = new Map();
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let offset = 0;
  for (const e of entries) {
    const n = elementCount(e.shape);
    const q = e.quantization;
    const storedAs = q ? q.dtype : e.dtype;
    const size = n * (BYTES[storedAs] ?? 4);
    if (offset + size > bin.byteLength) {
      throw new Error(`weights file too short for ${e.name}: need ${offset + size} bytes, have ${bin.byteLength}`);
    }
    const data = new Float32Array(n);
    if (q && q.dtype === 'uint8') {
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      for (let i = 0; i < n; i++) data[i] = view.getUint8(offset + i) * scale + min;
    } else if (q && q.dtype === 'uint16') {
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      for (let i = 0; i < n; i++) data[i] = view.getUint16(offset + 2 * i, true) * scale + min;
    } else if (q) {
      throw new Error(`unsupported quantization ${q.dtype} for ${e.name}`);
    } else if (e.dtype === 'int32') {
      for (let i = 0; i < n; i++) data[i] = view.getInt32(offset + 4 * i, true);
    } else {
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(offset + 4 * i, true);
    }
    out.set(e.name, { shape: e.shape, data });
    offset += size;
  }
  if (offset !== bin.byteLength) throw new Error(`weights file has ${bin.byteLength - offset} unexpected trailing bytes`);
  return out;
}

/** A conv filter stored `[kh, kw, cin, cout]` (TensorFlow) as `[cout, cin, kh, kw]` (ONNX). */
export function hwioToOihw(w: WeightTensor): WeightTensor {
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = w.data[((y * kw + x) * ci + i) * co + o]!;
  return { shape: [co, ci, kh, kw], data: out };
}

/** A depthwise filter `[kh, kw, c, 1]` as an ONNX grouped conv filter `[c, 1, kh, kw]`. */
export function depthwiseToOnnx(w: WeightTensor): WeightTensor {
  const [kh, kw, c, m] = w.shape as [number, number, number, number];
  if (m !== 1) throw new Error(`depthwise multiplier ${m} is not supported`);
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < c; i++) out[(i * kh + y) * kw + x] = w.data[(y * kw + x) * c + i]!;
  return { shape: [c, 1, kh, kw], data: out };
}

/** Multiplies output channel o of an OIHW filter by scale[o] (folds a per-channel scale into a conv). */
export function scaleOutputChannels(w: WeightTensor, scale: ArrayLike<number>): WeightTensor {
  const co = w.shape[0]!;
  const per = w.data.length / co;
  const out = new Float32Array(w.data.length);
  for (let o = 0; o < co; o++) for (let i = 0; i < per; i++) out[o * per + i] = w.data[o * per + i]! * scale[o]!;
  return { shape: w.shape, data: out };
}

export function getWeight(map: WeightMap, name: string): WeightTensor {
  const w = map.get(name);
  if (!w) throw new Error(`weight ${name} is missing from the manifest`);
  return w;
}
