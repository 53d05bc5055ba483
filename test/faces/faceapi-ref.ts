/** Runs face-api itself (tfjs wasm backend) for parity tests and the bench. Dev dependency only. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RgbImage } from '../../src/faces/index.js';

const require = createRequire(import.meta.url);

export interface RefFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: Array<[number, number]>;
  descriptor: Float32Array;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

export interface FaceApiRef {
  tf: Any;
  faceapi: Any;
  analyze(img: RgbImage, minScore?: number): Promise<RefFace[]>;
  descriptor(chip: Float32Array, size: number): Promise<Float32Array>;
}

let cached: Promise<FaceApiRef> | undefined;

export function faceApiModelFolder(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

async function init(): Promise<FaceApiRef> {
  const tf = require('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`, false);
  await tf.setBackend('wasm');
  await tf.ready();
  const dir = faceApiModelFolder();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(dir);
  return {
    tf,
    faceapi,
    async analyze(img, minScore = 0.5) {
      const t = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
      try {
        const res = await faceapi
          .detectAllFaces(t, new faceapi.SsdMobilenetv1Options({ minConfidence: minScore }))
          .withFaceLandmarks()
          .withFaceDescriptors();
        return res.map((r: Any) => ({
          box: { x: r.detection.box.x, y: r.detection.box.y, width: r.detection.box.width, height: r.detection.box.height },
          score: r.detection.score,
          landmarks: r.landmarks.positions.map((p: Any) => [p.x, p.y]),
          descriptor: r.descriptor,
        }));
      } finally {
        t.dispose();
      }
    },
    async descriptor(chip, size) {
      const t = tf.tensor3d(chip, [size, size, 3], 'float32');
      try {
        return await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(t);
      } finally {
        t.dispose();
      }
    },
  };
}

export function faceApiRef(): Promise<FaceApiRef> {
  cached ??= init();
  return cached;
}
