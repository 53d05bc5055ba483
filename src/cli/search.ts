/** `faceidx search <image>`: the people nearest to each face in a photo, with distances and where and when each was seen. */
import type { Command } from 'commander';
import { join } from 'node:path';
import { FaceEngine, type Rect } from '../faces/index.js';
import { silentLogger } from '../log/logger.js';
import { searchPhoto, type SearchMatch } from '../review/search.js';
import { withContext } from './context.js';
import { sightingsText } from './search-sightings.js';
import { addConfigOption, configPath, exitCodesHelp, formatTable, parseIntOption, printJson, printText, type ConfigOption } from './output.js';

interface SearchOptions extends ConfigOption {
  json?: boolean;
  top: number;
  sightings: number;
}

export function registerSearchCommand(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command('search')
      .description('Find the people nearest to each face in a photo (Euclidean descriptor distance; under clustering.threshold is likely the same person).')
      .argument('<image>', 'a JPEG/PNG/WebP photo')
      .option('--top <n>', 'people listed per face', parseIntOption('--top'), 5)
      .option('--sightings <n>', 'sightings listed per person in --json (the table groups all of them into visits)', parseIntOption('--sightings', 0), 20)
      .option('--json', 'print JSON: {file, threshold, faces: [{box, score, matches: [{personId, label, distance, faceId, sightings: [{faceId, camera, time, framePos}], sightingsTotal, visits: [{camera, start, end, faces}]}]}]}'),
  )
    .addHelpText('after', exitCodesHelp([1, 3, 69, 75, 78]))
    .action(async (image: string, opts: SearchOptions) => {
      await withContext(configPath(opts), { readonly: true }, async ({ config, store }) => {
        const engine = await FaceEngine.create({
          detector: config.detector,
          inference: config.inference,
          modelDir: config.inference.modelDir ?? join(config.storage.dir, 'models'),
          log: silentLogger,
        });
        const { threshold, faces } = await searchPhoto({ config, store, engine }, image, opts).finally(() => engine.close());
        if (opts.json) printJson({ file: image, threshold, faces });
        else printText(formatSearch(image, threshold, faces));
        setExit(faces.length === 0 ? 1 : 0);
      });
    });
}

function formatSearch(file: string, threshold: number, faces: Array<{ box: Rect; matches: SearchMatch[] }>): string {
  if (faces.length === 0) return `${file}: no face found\n`;
  return faces
    .map((f, i) => {
      const where = `face ${i + 1} at ${Math.round(f.box.x)},${Math.round(f.box.y)} (${Math.round(f.box.width)}x${Math.round(f.box.height)})`;
      if (f.matches.length === 0) return `${where}: no people stored yet\n`;
      const rows = f.matches.map((m) => [String(m.personId), m.label ?? '', m.distance.toFixed(3), m.distance < threshold ? 'likely' : '']);
      const seen = f.matches.map((m) => sightingsText(m.personId, m.label, m)).join('');
      return `${where}\n${formatTable(['person', 'label', 'distance', `< ${threshold}`], rows)}${seen}\n`;
    })
    .join('\n');
}
