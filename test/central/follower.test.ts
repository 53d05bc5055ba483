/** The follower's pure parts: frames are never cut between two calls of the people core, one alert update per track. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameChunks, toPeopleFace, trackUpdatesOf } from '../../src/central/follower.js';
import type { ClusterFace } from '../../src/store/index.js';

const face = (id: number, ts: number, trackId: number | null, clusterable = true): ClusterFace => ({
  id, cameraId: 'cam', ts, framePos: ts / 1000, clusterable, trackId, descriptor: new Float32Array([id]), trackDescriptor: trackId === 7 ? new Float32Array([70]) : undefined,
});

test('chunks close at a frame boundary: a frame\'s faces stay together however small the chunk', () => {
  const faces = [face(1, 1000, 1), face(2, 1000, 2), face(3, 1000, 3), face(4, 2000, 1), face(5, 3000, 1), face(6, 3000, 2)];
  assert.deepEqual(frameChunks(faces, 2).map((c) => c.map((f) => f.id)), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(frameChunks(faces, 1).map((c) => c.map((f) => f.id)), [[1, 2, 3], [4], [5, 6]]);
  assert.deepEqual(frameChunks([], 5), []);
  assert.equal(toPeopleFace(faces[0]!).frame, 'cam@1000@1');
  assert.equal(toPeopleFace(faces[0]!).frame, toPeopleFace(faces[1]!).frame);
});

test('one alert update per track with a clusterable face: its newest face, with the track\'s aggregate when known', () => {
  const updates = trackUpdatesOf([face(1, 1000, 7), face(2, 1000, 8), face(3, 2000, 7), face(4, 2000, 8, false), face(5, 3000, null)]);
  assert.deepEqual(updates.map((u) => [u.trackId, u.faceId, u.descriptor[0]]), [[7, 3, 70], [8, 2, 2]]);
});
