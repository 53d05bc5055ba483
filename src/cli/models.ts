/** `faceidx models build|path`: build the ONNX face models from the installed face-api weights. */
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { engineSettings } from '../faces/cli-support.js';
import { ensureModels, faceApiModelDir } from '../faces/models.js';

export function registerModelsCommands(program: Command, setExit: (code: number) => void): void {
  const models = program.command('models').description('Manage the ONNX face models built from @vladmandic/face-api\'s weights.');
  models
    .command('build')
    .description('Convert the detector, landmark and recognition nets to ONNX now (even if cached).')
    .option('-c, --config <file>', 'use inference.modelDir / storage.dir from this config')
    .option('--model-dir <dir>', 'model cache folder')
    .option('--json', 'print the result as JSON')
    .action((opts: { config?: string; modelDir?: string; json?: boolean }) => {
      const { modelDir } = engineSettings(opts);
      const t0 = Date.now();
      const files = ensureModels(modelDir, { force: true });
      const result = { source: faceApiModelDir(), dir: files.dir, hash: files.hash, ms: Date.now() - t0, files: [files.detector, files.landmarks, files.recognition, files.anchors] };
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `built ${result.files.length} files in ${result.dir} (${result.ms} ms) from ${result.source}\n`);
      setExit(ExitCode.OK);
    });
  models
    .command('path')
    .description('Print the folder of the cached models (building them if missing).')
    .option('-c, --config <file>', 'use inference.modelDir / storage.dir from this config')
    .option('--model-dir <dir>', 'model cache folder')
    .action((opts: { config?: string; modelDir?: string }) => {
      const { modelDir } = engineSettings(opts);
      process.stdout.write(`${ensureModels(modelDir).dir}\n`);
      setExit(ExitCode.OK);
    });
}
