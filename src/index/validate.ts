/** Descriptor checks before anything reaches the index: right length, finite numbers. */
import { FaceidxError } from '../errors.js';

export const DIM = 128;

/** Throws FACEIDX_DESCRIPTOR unless `d` holds exactly 128 finite numbers. */
export function validateDescriptor(d: unknown, id?: number): asserts d is Float32Array | number[] {
  const who = id === undefined ? 'descriptor' : `descriptor of face ${id}`;
  const fix = 'pass the 128-value output of the face embedding model (dlib ResNet), as a Float32Array';
  if (!(d instanceof Float32Array || d instanceof Float64Array || Array.isArray(d))) {
    throw new FaceidxError('FACEIDX_DESCRIPTOR', `${who} is not an array of numbers`, fix);
  }
  if (d.length !== DIM) throw new FaceidxError('FACEIDX_DESCRIPTOR', `${who} has ${d.length} values, expected ${DIM}`, fix);
  for (let i = 0; i < DIM; i++) {
    const v = (d as ArrayLike<unknown>)[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new FaceidxError('FACEIDX_DESCRIPTOR', `${who} has a non-finite value (${String(v)}) at position ${i}`, `${fix}; a NaN usually means the face crop was empty`);
    }
  }
}
