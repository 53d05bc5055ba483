/** `faceidx search <image>`: the people nearest to each face in a photo, with distances (src/people/search.ts). */
import type { Command } from 'commander';
import { join } from 'node:path';
import { FaceEngine, loadImage, type Rect } from '../faces/index.js';
import { silentLogger } from '../log/logger.js';
import { searchPeople, type Match } from '../people/search.js';
import { withContext } from './context.js';
import { addConfigOption, configPath, exitCodesHelp, formatTable, parseIntOption, printJson, printText, type ConfigOption } from './output.js';

interface SearchOptions extends ConfigOption {
  json?: boolean;
  top: number;
}

export function registerSearchCommand(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command('search')
      .description('Find the people nearest to each face in a photo (Euclidean descriptor distance; under clustering.threshold is likely the same person).')
      .argument('<image>', 'a JPEG/PNG/WebP photo')
      .option('--top <n>', 'people listed per face', parseIntOption('--top'), 5)
      .option('--json', 'print JSON: {file, threshold, faces: [{box, score, matches: [{personId, label, distance, faceId}]}]}'),
  )
    .addHelpText('after', exitCodesHelp([1, 3, 69, 75, 78]))
    .action(async (image: string, opts: SearchOptions) => {
      await withContext(configPath(opts), { readonly: true }, async ({ config, store }) => {
        const img = await loadImage(image, { maxSide: config.detector.maxImageSide });
        const engine = await FaceEngine.create({
          detector: config.detector,
          inference: config.inference,
          modelDir: config.inference.modelDir ?? join(config.storage.dir, 'models'),
          log: silentLogger,
        });
        const faces = await engine.analyze(img).finally(() => engine.close());
        const found = await searchPeople(store, faces.map((f) => f.descriptor), opts.top);
        const result = [];
        for (const [i, f] of faces.entries()) {
          const matches = found[i]!;
          const s = img.scale;
          const box = { x: f.box.x / s, y: f.box.y / s, width: f.box.width / s, height: f.box.height / s };
          result.push({ box, score: f.score, matches });
        }
        const threshold = config.clustering.threshold;
        if (opts.json) printJson({ file: image, threshold, faces: result });
        else printText(formatSearch(image, threshold, result));
        setExit(faces.length === 0 ? 1 : 0);
      });
    });
}

function formatSearch(file: string, threshold: number, faces: Array<{ box: Rect; matches: Array<Match & { label: string | null }> }>): string {
  if (faces.length === 0) return `${file}: no face found\n`;
  return faces
    .map((f, i) => {
      const where = `face ${i + 1} at ${Math.round(f.box.x)},${Math.round(f.box.y)} (${Math.round(f.box.width)}x${Math.round(f.box.height)})`;
      if (f.matches.length === 0) return `${where}: no people stored yet\n`;
      const rows = f.matches.map((m) => [String(m.personId), m.label ?? '', m.distance.toFixed(3), m.distance < threshold ? 'likely' : '']);
      return `${where}\n${formatTable(['person', 'label', 'distance', `< ${threshold}`], rows)}\n`;
    })
    .join('\n');
}
