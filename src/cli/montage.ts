/** `faceidx montage <id> --out file.jpg`: a grid of a person's stored face thumbnails (read-only). */
import { Option, type Command } from 'commander';
import sharp from 'sharp';
import { ExitCode, FaceidxError } from '../errors.js';
import { withContext } from './context.js';
import { montageLayout } from './montage-layout.js';
import { addConfigOption, configPath, exitCodesHelp, parseIntOption, parsePersonId, printNote, writeOutput, type ConfigOption } from './output.js';
import { resolvePerson } from './person.js';

export interface MontageOptions extends ConfigOption {
  out: string;
  max: number;
  size: number;
}

/** Composes JPEG/PNG tiles into one JPEG grid; each tile is scaled to size x size (cover). */
export async function composeMontage(tiles: readonly Buffer[], size: number): Promise<{ jpeg: Buffer; width: number; height: number; used: number }> {
  const resized: Buffer[] = [];
  for (const tile of tiles) {
    try {
      resized.push(await sharp(tile).resize(size, size, { fit: 'cover' }).removeAlpha().toBuffer());
    } catch {
      // A damaged thumbnail is skipped rather than failing the whole montage.
    }
  }
  if (resized.length === 0) throw new FaceidxError('FACEIDX_IMAGE', 'none of the stored thumbnails could be decoded');
  const layout = montageLayout(resized.length, size);
  const jpeg = await sharp({ create: { width: layout.width, height: layout.height, channels: 3, background: { r: 32, g: 32, b: 32 } } })
    .composite(resized.map((input, i) => ({ input, left: layout.cells[i]!.left, top: layout.cells[i]!.top })))
    .jpeg({ quality: 90 })
    .toBuffer();
  return { jpeg, width: layout.width, height: layout.height, used: resized.length };
}

export function registerMontageCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('montage')
    .description("Write a JPEG grid of a person's face thumbnails, newest first (needs storage.thumbnails: true).")
    .argument('<id>', 'person id (from faceidx people)')
    .requiredOption('-o, --out <file.jpg>', 'JPEG file to write')
    .addOption(new Option('--max <n>', 'at most n faces').argParser(parseIntOption('--max')).default(64))
    .addOption(new Option('--size <px>', 'tile size in pixels').argParser(parseIntOption('--size', 16)).default(112));
  addConfigOption(cmd).addHelpText('after', exitCodesHelp([1, 3, 73, 75, 78]));
  cmd.action(async (idArg: string, opts: MontageOptions) => {
    const id = parsePersonId(idArg);
    if (opts.size > 1024) throw new FaceidxError('FACEIDX_USAGE', `--size ${opts.size} is too large (at most 1024)`);
    const m = await withContext(configPath(opts), { readonly: true }, async ({ config, store }) => {
      const person = await resolvePerson(store.people, id);
      const thumbs = await store.faces.thumbnailsOfPerson(person.id, opts.max);
      if (thumbs.length === 0) {
        throw new FaceidxError(
          'FACEIDX_NOT_FOUND',
          `person ${person.id} has no stored thumbnails${config.storage.thumbnails ? '' : ' (storage.thumbnails is false in the config)'}`,
          'set storage.thumbnails: true; faces seen after that get thumbnails',
        );
      }
      return { person: person.id, ...(await composeMontage(thumbs.map((t) => t.thumbnail), opts.size)) };
    });
    if (!(await writeOutput(opts.out, m.jpeg))) return setExit(ExitCode.CANTCREAT);
    printNote(`${opts.out}: ${m.used} face${m.used === 1 ? '' : 's'} of person ${m.person}, ${m.width}x${m.height}`);
    setExit(ExitCode.OK);
  });
}
