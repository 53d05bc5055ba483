/**
 * `faceidx serve`: the review site over the store of the config (serve.* settings), until
 * SIGTERM/SIGINT. It changes people the way the CLI does: through the running daemon when there
 * is one, else itself. See src/web/server.ts and README "Reviewing in the browser".
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ExitCode } from '../errors.js';
import { FaceEngine } from '../faces/index.js';
import { createLogger, type Logger } from '../log/logger.js';
import { openConfiguredStore } from '../runtime/store-target.js';
import type { WebDeps } from '../web/deps.js';
import { busyTimeoutMs } from './context.js';
import { addConfigOption, configPath, exitCodesHelp, parseIntOption, type ConfigOption } from './output.js';

interface ServeOptions extends ConfigOption {
  host?: string;
  port?: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** The face pipeline, made on first use (a search by photo) and kept. */
function lazyEngine(config: WebDeps['config'], log: Logger): { get: WebDeps['engine']; close(): Promise<void> } {
  let engine: Promise<FaceEngine> | undefined;
  return {
    get: () => {
      engine ??= FaceEngine.create({
        detector: config.detector,
        inference: config.inference,
        modelDir: config.inference.modelDir ?? join(config.storage.dir, 'models'),
        log: log.child({ module: 'faces' }),
      }).catch((err: unknown) => {
        engine = undefined;
        throw err;
      });
      return engine;
    },
    close: async () => {
      if (engine) await (await engine.catch(() => undefined))?.close();
    },
  };
}

export function registerServeCommand(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command('serve')
      .description('Serve the review site (people, faces, seen with, routes, watch list, alerts; review actions) on serve.host:serve.port. Log in with a user made by faceidx user add.')
      .addOption(new Option('--host <address>', 'listen on this address (default serve.host, 127.0.0.1)'))
      .addOption(new Option('--port <n>', 'listen on this port (default serve.port, 8090; 0: any free port)').argParser(parseIntOption('--port', 0))),
  )
    .addHelpText('after', `\nSignals: SIGTERM/SIGINT stop it (open pages lose their live updates).${exitCodesHelp([69, 75, 78])}`)
    .action(async (opts: ServeOptions) => {
      const config = loadConfig(configPath(opts), { allowMissingEnv: true });
      const log = createLogger({ level: config.logging.level }).child({ module: 'web' });
      const store = await openConfiguredStore(config, { busyTimeoutMs: busyTimeoutMs() });
      const engine = lazyEngine(config, log);
      try {
        // Loaded here: the other commands never need the web server's modules.
        const { buildSite, listen } = await import('../web/server.js');
        const site = await buildSite({ config, store, log, engine: engine.get });
        const host = opts.host ?? config.serve.host;
        if (!config.serve.tls && !LOOPBACK.test(host)) log.warn({ host }, 'serving without TLS on an address other machines reach: passwords and faces cross the network in clear; set serve.tls');
        if ((await store.users.count()) === 0) log.warn('no users yet: nobody can log in until one is added with faceidx user add NAME --role admin');
        const address = await listen(site, host, opts.port ?? config.serve.port);
        process.stderr.write(`faceidx: review site on ${address}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        await site.app.close();
      } finally {
        await engine.close();
        await store.close().catch(() => undefined);
      }
      setExit(ExitCode.OK);
    });
}
