/**
 * `npm run moderator -- add NAME [--role admin]`, `remove NAME`, `password NAME`, `list`: the desk's accounts, in
 * the database the server uses (DATABASE_URL, else DATA_DIR), read from the same settings as `npm run serve`. A password is read from standard input: typed at a prompt
 * that does not show it on a terminal, or piped (`printf '%s\n' "$PASSWORD" | npm run moderator -- add asha`).
 */
import { hashPassword, isModeratorName, isRole, passwordProblem } from './auth.js';
import { openStore } from './server.js';
import { settingsFromEnvironment } from './settings.js';

const USAGE = `Usage:
  npm run moderator -- add NAME [--role moderator|admin]   add an account (moderator by default)
  npm run moderator -- password NAME                       set a new password (ends the account's sessions)
  npm run moderator -- remove NAME                         remove the account (ends its sessions)
  npm run moderator -- list                                the accounts and their roles
The password is read from standard input; the database is the server's: DATABASE_URL, else comments.db in DATA_DIR.`;

/** The first line of standard input, or what is typed at a prompt that shows nothing (on a terminal). */
async function readPassword(prompt: string): Promise<string> {
  const { stdin, stderr } = process;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += chunk;
    return text.split(/\r?\n/)[0];
  }
  return new Promise((resolve) => {
    stderr.write(prompt);
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (keys: string) => {
      for (const key of keys) {
        if (key === '\r' || key === '\n' || key === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          stderr.write('\n');
          resolve(typed);
          return;
        }
        if (key === '\u0003') {
          stdin.setRawMode(false);
          stderr.write('\n');
          process.exit(130);
        }
        if (key === '\u007f' || key === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += key;
      }
    };
    stdin.on('data', onData);
  });
}

async function newPassword(): Promise<string> {
  const password = await readPassword('Password: ');
  const problem = passwordProblem(password);
  if (problem) throw new Error(problem);
  if (process.stdin.isTTY && (await readPassword('Again: ')) !== password) throw new Error('The two passwords differ.');
  return password;
}

async function main(args: string[]): Promise<string> {
  const [command, name, ...rest] = args;
  if (command === 'list') {
    const store = await openStore(settingsFromEnvironment());
    try {
      const moderators = await store.moderators();
      return moderators.length ? moderators.map((m) => `${m.name}\t${m.role}\t${m.createdAt}`).join('\n') : 'No moderators yet.';
    } finally {
      await store.close();
    }
  }
  if (!['add', 'remove', 'password'].includes(command) || !name) throw new Error(USAGE);
  if (!isModeratorName(name)) throw new Error('A name is 1 to 64 letters, digits, dots, hyphens or underscores.');
  let role = 'moderator';
  if (command === 'add' && rest.length) {
    if (rest[0] !== '--role' || rest.length !== 2 || !isRole(rest[1])) throw new Error(USAGE);
    role = rest[1];
  } else if (rest.length) throw new Error(USAGE);
  // The password is asked before the database is opened, so that a typing pause holds no lock.
  const hash = command === 'remove' ? '' : await hashPassword(await newPassword());
  const store = await openStore(settingsFromEnvironment());
  try {
    if (command === 'add') {
      if (!(await store.addModerator(name, role as 'moderator' | 'admin', hash))) throw new Error(`${name} exists already.`);
      return `Added ${name} (${role}).`;
    }
    if (command === 'password') {
      if (!(await store.setPassword(name, hash))) throw new Error(`There is no moderator ${name}.`);
      return `New password for ${name}; their sessions have ended.`;
    }
    if (!(await store.removeModerator(name))) throw new Error(`There is no moderator ${name}.`);
    return `Removed ${name}; their sessions have ended.`;
  } finally {
    await store.close();
  }
}

try {
  console.log(await main(process.argv.slice(2)));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
