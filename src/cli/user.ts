/**
 * `faceidx user add|list|remove|passwd|role`: the users of the review page (`faceidx serve`).
 * Passwords are never taken from the command line (they would sit in the shell history and in
 * `ps`): they are typed twice at a terminal (not echoed), or read from stdin with
 * --password-stdin (one line). Only an scrypt hash is stored (src/access/passwords.ts). A
 * running `faceidx serve` ends the sessions of a user whose password or role changed or who was
 * removed, at their next request.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ExitCode, FaceidxError } from '../errors.js';
import { hashPassword, passwordProblem } from '../access/passwords.js';
import { ROLES, type Role, type Store } from '../store/index.js';
import { openConfiguredStore } from '../runtime/store-target.js';
import { busyTimeoutMs } from './context.js';
import { addConfigOption, configPath, exitCodesHelp, formatTable, isoTime, printJson, printNote, printText, tableTime, usage, type ConfigOption } from './output.js';

interface PasswordOptions extends ConfigOption {
  passwordStdin?: boolean;
}

/** A user name: 1-64 of letters, digits, ".", "_", "-", "@". */
export function checkUserName(name: string): string {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw usage(`"${name}" is not a usable user name`, 'use 1-64 letters, digits, ".", "_", "-" or "@", e.g. alice');
  return name;
}

export function parseRole(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw usage(`"${value}" is not a role`, `use one of ${ROLES.join(', ')}`);
  return role;
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Reads a line at the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let text = '';
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(usage('cancelled'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The new password: from stdin with --password-stdin, else typed twice at the terminal. */
async function newPassword(opts: PasswordOptions): Promise<string> {
  let password: string;
  if (opts.passwordStdin) password = await readStdinLine();
  else if (process.stdin.isTTY) {
    password = await promptHidden('password: ');
    const problem = passwordProblem(password);
    if (problem) throw usage(problem, 'run the command again');
    if ((await promptHidden('again: ')) !== password) throw usage('the two passwords differ', 'run the command again');
  } else {
    throw usage('no terminal to type the password at', 'pipe it in with --password-stdin (e.g. from a password manager), never as an argument');
  }
  const problem = passwordProblem(password);
  if (problem) throw usage(problem, 'choose a longer password');
  return password;
}

async function withUsers<T>(opts: ConfigOption, fn: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig(configPath(opts), { allowMissingEnv: true });
  // Created when missing: users may come before the daemon ever ran.
  const store = await openConfiguredStore(config, { busyTimeoutMs: busyTimeoutMs() });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const noUser = (name: string) => new FaceidxError('FACEIDX_NOT_FOUND', `no user "${name}"`, 'see the users with faceidx user list');

export function registerUserCommands(program: Command, setExit: (code: number) => void): void {
  const user = program.command('user').description('Users of the review page (faceidx serve): name, role (admin | reviewer | read-only) and a password hash.');
  addConfigOption(
    user
      .command('add')
      .description('Add a user. The password is typed twice (not shown), or read from stdin with --password-stdin; at least 10 characters.')
      .argument('<name>', 'user name (letters, digits, . _ - @)')
      .option('--role <role>', 'admin: everything; reviewer: look and change (label, merge, not, watch add, undo); read-only: look', parseRole, 'reviewer' as Role)
      .option('--password-stdin', 'read the password from stdin (one line)'),
  )
    .addHelpText('after', exitCodesHelp([1, 75, 78]))
    .action(async (name: string, opts: PasswordOptions & { role: Role }) => {
      checkUserName(name);
      const taken = () => usage(`there is already a user "${name}"`, `change the password with faceidx user passwd ${name}`);
      // Asked for the password only when the name is free.
      if (await withUsers(opts, async (store) => (await store.users.get(name)) !== undefined)) throw taken();
      const hash = await hashPassword(await newPassword(opts));
      await withUsers(opts, async (store) => {
        if ((await store.users.add(name, opts.role, hash)) === null) throw taken();
      });
      printNote(`user "${name}" added (${opts.role})`);
      setExit(ExitCode.OK);
    });
  addConfigOption(user.command('list').description('The users: name, role, when added and last changed.').option('--json', 'print JSON: [{name, role, created, updated}]'))
    .addHelpText('after', exitCodesHelp([75, 78]))
    .action(async (opts: ConfigOption & { json?: boolean }) => {
      const users = await withUsers(opts, (store) => store.users.list());
      if (opts.json) printJson(users.map((u) => ({ name: u.name, role: u.role, created: isoTime(u.createdAt), updated: isoTime(u.updatedAt) })));
      else if (users.length === 0) printNote('no users yet: add one with faceidx user add <name> --role admin');
      else printText(formatTable(['NAME', 'ROLE', 'ADDED', 'CHANGED'], users.map((u) => [u.name, u.role, tableTime(u.createdAt), tableTime(u.updatedAt)])));
      setExit(ExitCode.OK);
    });
  addConfigOption(user.command('remove').description('Remove a user; their sessions end at their next request.').argument('<name>', 'user name'))
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (name: string, opts: ConfigOption) => {
      await withUsers(opts, async (store) => {
        if (!(await store.users.remove(name))) throw noUser(name);
      });
      printNote(`user "${name}" removed`);
      setExit(ExitCode.OK);
    });
  addConfigOption(
    user
      .command('passwd')
      .description("Set a user's password (typed twice, or --password-stdin); their open sessions end.")
      .argument('<name>', 'user name')
      .option('--password-stdin', 'read the password from stdin (one line)'),
  )
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (name: string, opts: PasswordOptions) => {
      await withUsers(opts, async (store) => {
        if (!(await store.users.get(name))) throw noUser(name);
        if (!(await store.users.setPassword(name, await hashPassword(await newPassword(opts))))) throw noUser(name);
      });
      printNote(`password of "${name}" changed`);
      setExit(ExitCode.OK);
    });
  addConfigOption(user.command('role').description("Change a user's role; their open sessions end.").argument('<name>', 'user name').argument('<role>', 'admin | reviewer | read-only', parseRole))
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (name: string, role: Role, opts: ConfigOption) => {
      await withUsers(opts, async (store) => {
        if (!(await store.users.setRole(name, role))) throw noUser(name);
      });
      printNote(`"${name}" is now ${role}`);
      setExit(ExitCode.OK);
    });
}
