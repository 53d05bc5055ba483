/**
 * Starts a worker thread from a module next to the caller: the built `.js` file, or the `.ts`
 * source through tsx when running from source (loader hooks are not inherited by worker threads,
 * so a small bootstrap registers tsx in the worker first).
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

export function startModuleWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!fileURLToPath(callerUrl).endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
