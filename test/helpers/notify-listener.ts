/** A real unix datagram listener for NOTIFY_SOCKET tests (python3; systemd's own protocol). */
import { spawn, type ChildProcess } from 'node:child_process';
import { requireCommand } from './prerequisites.js';

/** A real unix datagram listener (python3), printing "MSG <payload>" per datagram. */
export const LISTENER = `
import socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('\\0' + path[1:] if path.startswith('@') else path)
print('LISTENING', flush=True)
while True:
    data = s.recv(65536)
    print('MSG ' + data.decode('utf-8', 'replace').replace('\\n', '|'), flush=True)
`;

export interface Listener {
  child: ChildProcess;
  messages: string[];
  stop(): void;
}

export async function listen(address: string): Promise<Listener> {
  const python = requireCommand('python3', 'python3', 'the systemd notification tests listen on a unix datagram socket with python3');
  const child = spawn(python, ['-c', LISTENER, address], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`listener exited (${code}); python3 is needed for this test`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'LISTENING') resolve();
        else if (line.startsWith('MSG ')) messages.push(line.slice(4));
      }
    });
  });
  return { child, messages, stop: () => void child.kill('SIGTERM') };
}

/** What the service manager would act on: everything but systemd-notify's own BARRIER=1 handshakes. */
export const payloads = (l: Listener) => l.messages.filter((m) => m !== 'BARRIER=1');
