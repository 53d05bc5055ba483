/** Debian's headless Chromium for the report tests (puppeteer-core: no browser download). */
import { execFileSync } from 'node:child_process';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export type { Browser, Page };

/** The chromium binary on PATH; throws saying what to install when there is none. */
export function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not this name
    }
  }
  throw new Error('no chromium on PATH: the report tests need a headless Chromium; install it with sudo apt-get install -y --no-install-recommends chromium (Debian/Ubuntu; .ci/run does this)');
}

export function openBrowser(): Promise<Browser> {
  return puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--headless=new'] });
}
