/** `faceidx embed <image...>`: faces, landmarks and descriptors of image files. */
import type { Command } from 'commander';
import { ExitCode, FaceidxError } from '../errors.js';
import { addEngineOptions, createCliEngine, type EngineCliOptions } from '../faces/cli-support.js';
import { loadImage, type FaceEngine, type FaceResult, type Alignment, type Rect } from '../faces/index.js';

export interface EmbeddedFace {
  box: Rect;
  score: number;
  landmarks: Array<[number, number]>;
  descriptor: number[];
}

export type EmbedResult = { file: string; width: number; height: number; faces: EmbeddedFace[] } | { file: string; error: string };

const r2 = (v: number) => Math.round(v * 100) / 100;

/** A face in original-image pixels (the loader may have downscaled by `scale`). */
export function toOutputFace(f: FaceResult, scale: number): EmbeddedFace {
  const s = 1 / scale;
  return {
    box: { x: r2(f.box.x * s), y: r2(f.box.y * s), width: r2(f.box.width * s), height: r2(f.box.height * s) },
    score: Math.round(f.score * 1e4) / 1e4,
    landmarks: f.landmarks.map(([x, y]) => [r2(x * s), r2(y * s)]),
    descriptor: Array.from(f.descriptor, (v) => Math.round(v * 1e6) / 1e6),
  };
}

export async function embedFile(engine: FaceEngine, file: string, align: Alignment, maxSide: number): Promise<EmbedResult> {
  try {
    const img = await loadImage(file, { maxSide });
    const faces = await engine.analyze(img, { align });
    return { file, width: img.originalWidth, height: img.originalHeight, faces: faces.map((f) => toOutputFace(f, img.scale)) };
  } catch (err) {
    if (err instanceof FaceidxError && err.code === 'FACEIDX_IMAGE') return { file, error: err.message };
    throw err;
  }
}

export function formatTable(results: EmbedResult[]): string {
  const lines = ['file                                      size        face  score   box (x,y,w,h)              |d|'];
  for (const r of results) {
    if ('error' in r) {
      lines.push(`${r.file}  error: ${r.error}`);
      continue;
    }
    const size = `${r.width}x${r.height}`;
    if (r.faces.length === 0) lines.push(`${r.file.padEnd(41)} ${size.padEnd(11)} -     (no face)`);
    r.faces.forEach((f, i) => {
      const norm = Math.sqrt(f.descriptor.reduce((a, v) => a + v * v, 0));
      const box = `${Math.round(f.box.x)},${Math.round(f.box.y)},${Math.round(f.box.width)},${Math.round(f.box.height)}`;
      lines.push(`${(i === 0 ? r.file : '').padEnd(41)} ${(i === 0 ? size : '').padEnd(11)} ${String(i + 1).padEnd(5)} ${f.score.toFixed(3)}   ${box.padEnd(26)} ${norm.toFixed(3)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

export function registerEmbedCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('embed')
    .description('Detect faces in images and print boxes, 68 landmarks and 128-d descriptors (original pixel coordinates).')
    .argument('<image...>', 'image files (JPEG, PNG, WebP, GIF, TIFF)')
    .option('--json', 'print a JSON array, one object per image: {file, width, height, faces:[{box, score, landmarks, descriptor}]} or {file, error}');
  addEngineOptions(cmd).action(async (files: string[], opts: EngineCliOptions & { json?: boolean }) => {
    const { engine, align, config } = await createCliEngine(opts, { batchWait: 0 });
    const results: EmbedResult[] = [];
    try {
      for (const f of files) results.push(await embedFile(engine, f, align, config.detector.maxImageSide));
    } finally {
      await engine.close();
    }
    process.stdout.write(opts.json ? `${JSON.stringify(results)}\n` : formatTable(results));
    const ok = results.some((r) => !('error' in r));
    for (const r of results) if ('error' in r && !opts.json) process.stderr.write(`faceidx: ${r.error}\n`);
    setExit(ok ? ExitCode.OK : ExitCode.FAILURE);
  });
}
