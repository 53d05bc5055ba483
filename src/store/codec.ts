/** Descriptor <-> BLOB: 128 float32, little endian. */
export const DESCRIPTOR_LENGTH = 128;

export function encodeDescriptor(d: Float32Array | readonly number[]): Buffer {
  const f = d instanceof Float32Array ? d : Float32Array.from(d);
  const buf = Buffer.allocUnsafe(f.length * 4);
  for (let i = 0; i < f.length; i++) buf.writeFloatLE(f[i]!, i * 4);
  return buf;
}

export function decodeDescriptor(blob: Buffer | Uint8Array): Float32Array {
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob);
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}
