/**
 * Feed stage benchmark: CPU-seconds per camera-second of a 1080p25 H.264 file (GOP 25) decoded
 * to exact rgb24 frames on a pipe, at 1, 2 and 5 fps kept, all frames vs keyframes only, with
 * the very ffmpeg arguments the feed uses; and how many such cameras this machine's cores sustain.
 * ffmpeg's CPU comes from /usr/bin/time (children's rusage); the reader's (this process cutting
 * frames off the pipe) from process.cpuUsage. Env: FACEIDX_BENCH_SECONDS (clip length, default 20).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cameraSchema } from '../src/config/schema.js';
import { decodeSpec } from '../src/feed/ffmpeg-args.js';
import { FrameAssembler, parseShowinfo } from '../src/feed/frame-assembler.js';

const seconds = Number(process.env.FACEIDX_BENCH_SECONDS ?? 20);
const clip = join(tmpdir(), `faceidx-bench-1080p25-gop25-${seconds}s.mp4`);

function makeClip(): void {
  if (existsSync(clip)) return;
  process.stdout.write(`generating ${clip} (1920x1080, 25 fps, ${seconds} s, H.264 GOP 25)...\n`);
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=25:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-b:v', '4M', `${clip}.part.mp4`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not generate the bench clip (is ffmpeg with libx264 installed?)');
  spawnSync('mv', [`${clip}.part.mp4`, clip]);
}

interface Result { fps: number; decode: string; frames: number; wallS: number; ffmpegCpuS: number; readerCpuS: number }

function measure(fps: number, decode: 'all' | 'keyframes'): Promise<Result> {
  const camera = cameraSchema.parse({ id: 'bench', url: clip, fps, decode });
  const spec = decodeSpec(camera, clip, { kind: 'file' });
  const args = ['-f', '%U %S', 'ffmpeg', ...spec.inputOptions, '-i', spec.input, ...spec.outputOptions, 'pipe:1'];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const child = spawn('/usr/bin/time', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const asm = new FrameAssembler();
    let frames = 0;
    let err = '';
    let lastLine = '';
    child.stdout.on('data', (c: Buffer) => (frames += asm.pushData(c).length));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      err += s;
      const lines = (lastLine + s).split('\n');
      lastLine = lines.pop() ?? '';
      for (const l of lines) {
        const info = parseShowinfo(l);
        if (info) frames += asm.pushInfo(info).length;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const cpu = process.cpuUsage(cpu0);
      const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`ffmpeg failed (${code}): ${err.slice(-500)}`));
      resolve({ fps, decode, frames, wallS: (performance.now() - t0) / 1000, ffmpegCpuS: Number(m[1]) + Number(m[2]), readerCpuS: (cpu.user + cpu.system) / 1e6 });
    });
  });
}

makeClip();
const cores = availableParallelism();
const rows: Array<Record<string, string | number>> = [];
for (const decode of ['all', 'keyframes'] as const) {
  for (const fps of [1, 2, 5]) {
    const r = await measure(fps, decode);
    const perCamSec = (r.ffmpegCpuS + r.readerCpuS) / seconds;
    rows.push({
      decode,
      fps,
      frames: r.frames,
      'wall s': r.wallS.toFixed(2),
      'ffmpeg cpu s': r.ffmpegCpuS.toFixed(2),
      'reader cpu s': r.readerCpuS.toFixed(2),
      'cpu-s per camera-s': perCamSec.toFixed(4),
      [`cameras on ${cores} cores`]: Math.floor(cores / perCamSec),
    });
  }
}
process.stdout.write(`\nfeed: ${seconds} s of 1920x1080 25 fps H.264 (GOP 25), rgb24 frames at full size on a pipe\n`);
console.table(rows);
const key1 = rows.find((r) => r.decode === 'keyframes' && r.fps === 1)!;
process.stdout.write(`keyframes at 1 fps: ${key1[`cameras on ${cores} cores`]} cameras on ${cores} cores (feed stage only; goal for the whole daemon: >= 12 on 2 cores)\n`);
