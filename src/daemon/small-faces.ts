/**
 * The small-face pass per camera (src/faces/smallfaces.ts plans it): remembers each camera's
 * keyframe time and the faces of its last two analysed frames, and gives the regions YuNet sees
 * again for the next frame, and whether to check the whole-frame pass's weak small boxes
 * (candidates). The faces of two frames, so one frame that misses a small face does
 * not lose its window until the next keyframe.
 */
import type { Config } from '../config/schema.js';
import type { Rect } from '../faces/preprocess.js';
import { planSmallFaces, smallFacesApply, type SmallFaceState } from '../faces/smallfaces.js';
import type { DetectOptions } from '../faces/detectors.js';

/** What the faces stage is asked to look at again in one frame. */
export type SmallFacePass = { regions: NonNullable<DetectOptions['regions']>; candidates?: DetectOptions['candidates']; recheck?: DetectOptions['recheck'] };

interface CameraPlan {
  state: SmallFaceState;
  recent: Rect[][];
}

export class SmallFacePlanner {
  private readonly cameras = new Map<string, CameraPlan>();
  /** Keyframes and windows planned so far (not reported by `faceidx status`; tests read them). */
  readonly counters = { keyframes: 0, windows: 0 };

  constructor(private readonly detector: Pick<Config['detector'], 'inputWidth' | 'smallFaces' | 'model'>) {}

  /** The pass for this frame of the camera (nothing for SSD, small frames or mode off). */
  plan(frame: { cameraId: string; width: number; height: number; ts: number; still?: boolean | undefined }, signature?: Float32Array): SmallFacePass {
    if (this.detector.model !== 'yunet' || !smallFacesApply(frame.width, this.detector)) return { regions: [] };
    const cam = this.cameras.get(frame.cameraId) ?? { state: { frames: 0 }, recent: [] };
    // A still image has no tracks to follow: every image is a keyframe.
    const state = frame.still ? { frames: cam.state.frames } : cam.state;
    const seen = cam.recent.flat();
    const p = planSmallFaces(frame.width, frame.height, this.detector, seen, state, frame.ts, frame.still ? undefined : signature);
    cam.state = p.state;
    this.cameras.set(frame.cameraId, cam);
    if (p.keyframe) this.counters.keyframes++;
    else this.counters.windows += p.regions.length;
    const s = this.detector.smallFaces;
    // Candidates between keyframes (a keyframe's tiles see the whole frame again anyway).
    const candidates = s.mode === 'tracks' && s.candidateScore > 0 && !p.keyframe
      ? { minScore: s.candidateScore, maxHeight: s.maxHeight, margin: s.margin, maxWindows: s.maxWindows, scale: s.scale }
      : undefined;
    // Faces of the last two frames this frame's passes miss are looked for again (a keyframe too:
    // its tiles may skip a still region, and a face at a tile's seam is cut).
    const boxes = s.mode === 'tracks' && s.recheckHeight > 0 ? seen.filter((b) => b.height < s.recheckHeight) : [];
    const recheck = boxes.length > 0 ? { boxes, maxHeight: s.recheckHeight, margin: s.margin, maxWindows: s.maxWindows, scale: s.scale } : undefined;
    return { regions: p.regions, candidates, ...(recheck ? { recheck } : {}) };
  }

  /** The faces found in the camera's latest analysed frame. */
  saw(cameraId: string, boxes: Rect[]): void {
    const cam = this.cameras.get(cameraId);
    if (cam) cam.recent = [boxes, ...cam.recent].slice(0, 2);
  }

  forget(cameraId: string): void {
    this.cameras.delete(cameraId);
  }
}
