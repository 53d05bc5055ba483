/** A real HTTP receiver on loopback for webhook tests: records every request, can be stopped and started on the same port. */
import { createServer, type Server } from 'node:http';

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class Receiver {
  readonly requests: Received[] = [];
  private server: Server | undefined;
  /** HTTP status answered to POSTs. */
  status = 200;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'POST') this.requests.push({ headers: req.headers, body });
        res.writeHead(req.method === 'POST' ? this.status : 204).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
