/**
 * False detections on single-person clips: samples each clip at 2 fps with ffmpeg and counts the
 * frames where the detector (the configured cascade) finds more than one face, and none.
 * Usage: node --import tsx scripts/false-detections.ts <clip.mp4...>   (FACEIDX_FPS, default 2)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { defaultModelDir, FaceEngine, loadImage } from '../src/faces/index.js';
import { createLogger } from '../src/log/logger.js';

const fps = Number(process.env.FACEIDX_FPS ?? 2);
const cfg = configSchema.parse({ storage: { dir: '.' }, inference: { device: 'cpu', workers: 0 } });
const engine = await FaceEngine.create({ detector: cfg.detector, inference: cfg.inference, modelDir: defaultModelDir(), log: createLogger({ level: 'warn', pretty: false, destination: process.stderr }) });
let frames = 0, several = 0, none = 0;
for (const clip of process.argv.slice(2)) {
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-fd-'));
  execFileSync('ffmpeg', ['-v', 'error', '-i', clip, '-vf', `fps=${fps}`, join(dir, '%05d.png')]);
  const counts: number[] = [];
  for (const f of readdirSync(dir).sort()) counts.push((await engine.detect(await loadImage(join(dir, f)))).length);
  rmSync(dir, { recursive: true, force: true });
  const s = counts.filter((c) => c > 1).length;
  const z = counts.filter((c) => c === 0).length;
  frames += counts.length; several += s; none += z;
  console.log(`${basename(clip).padEnd(28)} frames ${String(counts.length).padStart(4)}  more than one face ${String(s).padStart(3)}  no face ${String(z).padStart(3)}`);
}
console.log(`${'all'.padEnd(28)} frames ${String(frames).padStart(4)}  more than one face ${String(several).padStart(3)}  no face ${String(none).padStart(3)}`);
await engine.close();
