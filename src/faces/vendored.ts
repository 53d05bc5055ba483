/**
 * Model files vendored in the repository (`models/`), checked by sha256 before use: nothing is
 * downloaded at run time, and a missing or damaged file stops the engine with FACEIDX_MODEL
 * (exit 69) naming the file and the fix, instead of odd detections.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceidxError } from '../errors.js';

/** YuNet-n (libfacedetection.train, onnx/, commit 0047ac24), Apache-2.0: models/yunet/. */
export const YUNET_FILE = 'yunet/yunet_n_dynamic.onnx';
export const YUNET_SHA256 = '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12';

/**
 * The repository's `models/` folder (from src/faces or dist/faces alike); FACEIDX_VENDORED_DIR
 * points elsewhere (a packager's layout, or the tests' damaged copy).
 */
export function vendoredDir(): string {
  return process.env.FACEIDX_VENDORED_DIR || resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
}

const FIX = 'restore the file from the faceidx repository (`git checkout -- models/`) or reinstall faceidx; it is never downloaded';

/** Reads a vendored model and checks its sha256; FACEIDX_MODEL when missing or different. */
export function readVendored(path: string, sha256: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new FaceidxError('FACEIDX_MODEL', `the vendored face model ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, FIX, { cause: err });
  }
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== sha256) {
    throw new FaceidxError('FACEIDX_MODEL', `the vendored face model ${path} is damaged (sha256 ${got.slice(0, 16)}..., expected ${sha256.slice(0, 16)}...)`, FIX);
  }
  return bytes;
}

/** The YuNet model bytes; `dir` overrides the models folder (tests). */
export function readYunet(dir = vendoredDir()): Uint8Array {
  return readVendored(join(dir, YUNET_FILE), YUNET_SHA256);
}
