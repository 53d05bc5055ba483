/**
 * The small-face pass (pure): which regions of a frame YuNet sees again at a larger scale than
 * the whole-frame pass (detector.inputWidth), so faces too small for that pass are found
 * without paying full resolution on every frame. Measured in src/faces/NOTES.md ("Small faces
 * in 1080p crowds") with scripts/small-faces-study.ts.
 *
 * Contract (planSmallFaces):
 *  - Nothing when the mode is `off`, or the frame is at most 1.5 times detector.inputWidth wide
 *    (the whole-frame pass already sees it at two thirds of full size or more).
 *  - `tiles`: the whole frame in tiles at `tileScale` on every frame.
 *  - `tracks`: tiles at `tileScale` on a keyframe (the first frame, then once `every` ms of
 *    frame time and `minFrames` analysed frames have passed since the last keyframe): on the first and every FULL_EVERY-th keyframe all of them;
 *    on the others only the tiles where the scene moved since the camera's previous frame (a
 *    cell of the 64 x 36 grey signature, src/feed/scene.ts, changed by more than MOTION_DELTA,
 *    widened by one cell), since a person who walks into view moves; without signatures, all.
 *    On the other frames, a window at `scale`
 *    around each small face the camera's tracks saw last (box height under `maxHeight` frame
 *    pixels), `margin` face heights on each side (at least 48 px), overlapping windows merged,
 *    at most `maxWindows` (the smallest faces first). A person who enters far away is found at
 *    the next keyframe and followed from there; larger faces need no window (the whole-frame
 *    pass sees them).
 *  - Regions are whole pixels inside the frame. The state is per camera; the caller keeps it.
 */
import type { Config } from '../config/schema.js';
import type { Rect } from './preprocess.js';
import { SIGNATURE_COLS, SIGNATURE_ROWS } from '../feed/scene.js';
import { tileRegions, type YunetRegion } from './yunet.js';

export type SmallFaceSettings = Config['detector']['smallFaces'];

export interface SmallFaceState {
  /** Frame time (ms) of the last keyframe; undefined before the first. */
  lastKey?: number | undefined;
  frames: number;
  /** `frames` at the last keyframe. */
  keyFrame?: number;
  /** Keyframes so far (every FULL_EVERY-th one tiles the whole frame). */
  keyframes?: number;
  /** The scene signature of the camera's previous frame. */
  signature?: Float32Array | undefined;
}

export interface SmallFacePlan {
  regions: YunetRegion[];
  keyframe: boolean;
  state: SmallFaceState;
}

/** Input pixels per tile side: YuNet's cost grows with the pixels, tiles keep each run small. */
const TILE = 704;
/** A signature cell whose grey mean changed by more than this (0-255) has motion. */
export const MOTION_DELTA = 8;
/** Every this many keyframes, all tiles whatever moved (someone standing still far away). */
export const FULL_EVERY = 10;
/** Tiles overlap by this many frame pixels, more than the largest face the pass is for. */
const OVERLAP = 96;
const MIN_WINDOW_MARGIN = 48;

/** Is the pass worth running on frames of this width (see the contract)? */
export function smallFacesApply(width: number, detector: Pick<Config['detector'], 'inputWidth' | 'smallFaces'>): boolean {
  const mode = detector.smallFaces.mode;
  if (mode === 'off') return false;
  return detector.inputWidth > 0 && width > 1.5 * detector.inputWidth;
}

export function planSmallFaces(
  width: number,
  height: number,
  detector: Pick<Config['detector'], 'inputWidth' | 'smallFaces'>,
  faces: readonly Rect[],
  state: SmallFaceState,
  ts = 0,
  signature?: Float32Array,
): SmallFacePlan {
  const s = detector.smallFaces;
  const next: SmallFaceState = { ...state, frames: state.frames + 1, signature: signature ?? state.signature };
  if (!smallFacesApply(width, detector)) return { regions: [], keyframe: false, state: next };
  const since = state.frames - (state.keyFrame ?? 0);
  const keyframe = s.mode === 'tiles' || state.lastKey === undefined || ts < state.lastKey || (ts - state.lastKey >= s.every && since >= s.minFrames);
  if (!keyframe) return { regions: windowsAround(width, height, faces, s), keyframe, state: next };
  const count = state.keyframes ?? 0;
  let tiles = tileRegions(width, height, s.tileScale, TILE, OVERLAP);
  if (s.mode === 'tracks' && count % FULL_EVERY !== 0 && signature && state.signature) {
    const moved = motionCells(state.signature, signature);
    tiles = tiles.filter((t) => moved(t, width, height));
  }
  return { regions: tiles, keyframe, state: { ...next, lastKey: ts, keyFrame: state.frames, keyframes: count + 1 } };
}

/**
 * Cells of the signature grid whose grey mean changed by more than MOTION_DELTA, widened by one
 * cell; returns whether a region (frame pixels) touches any of them.
 */
export function motionCells(before: Float32Array, after: Float32Array): (r: Rect, width: number, height: number) => boolean {
  const cols = SIGNATURE_COLS, rows = SIGNATURE_ROWS;
  const moved = new Uint8Array(cols * rows);
  if (before.length !== after.length || before.length !== cols * rows) moved.fill(1);
  else {
    for (let i = 0; i < cols * rows; i++) {
      if (Math.abs(before[i]! - after[i]!) <= MOTION_DELTA) continue;
      const cx = i % cols, cy = (i - cx) / cols;
      for (let y = Math.max(0, cy - 1); y <= Math.min(rows - 1, cy + 1); y++) for (let x = Math.max(0, cx - 1); x <= Math.min(cols - 1, cx + 1); x++) moved[y * cols + x] = 1;
    }
  }
  return (r, width, height) => {
    const x0 = Math.floor((r.x / width) * cols), x1 = Math.min(cols - 1, Math.floor(((r.x + r.width - 1) / width) * cols));
    const y0 = Math.floor((r.y / height) * rows), y1 = Math.min(rows - 1, Math.floor(((r.y + r.height - 1) / height) * rows));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (moved[y * cols + x]) return true;
    return false;
  };
}

/** Windows around the small faces (see the contract), merged where they overlap. */
export function windowsAround(width: number, height: number, faces: readonly Rect[], s: Pick<SmallFaceSettings, 'maxHeight' | 'margin' | 'maxWindows' | 'scale'>): YunetRegion[] {
  const small = faces.filter((f) => f.height > 0 && f.height < s.maxHeight).sort((a, b) => a.height - b.height).slice(0, s.maxWindows);
  let boxes = small.map((f) => {
    const m = Math.max(MIN_WINDOW_MARGIN, s.margin * f.height);
    return clip({ x0: f.x - m, y0: f.y - m, x1: f.x + f.width + m, y1: f.y + f.height + m }, width, height);
  });
  // Merge overlapping windows until none overlap (a group of people gets one window).
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!, b = boxes[j]!;
        if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) {
          boxes[i] = { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
          boxes = boxes.filter((_, k) => k !== j);
          merged = true;
          break outer;
        }
      }
    }
  }
  return boxes.map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0, scale: s.scale }));
}

interface Corners { x0: number; y0: number; x1: number; y1: number }

function clip(b: Corners, width: number, height: number): Corners {
  return {
    x0: Math.max(0, Math.floor(b.x0)),
    y0: Math.max(0, Math.floor(b.y0)),
    x1: Math.min(width, Math.ceil(b.x1)),
    y1: Math.min(height, Math.ceil(b.y1)),
  };
}
