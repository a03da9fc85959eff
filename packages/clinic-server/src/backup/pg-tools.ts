import { spawn } from 'node:child_process';
import { BackupError } from './errors.js';

/**
 * The URL without its password, and the password for PGPASSWORD: a password on the command line
 * of pg_dump would be readable by every user of the machine in the process list.
 */
export function splitPassword(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** Runs one of PostgreSQL's client programs; a missing program names the Debian package. */
export function runPgTool(program: 'pg_dump' | 'pg_restore', args: string[], dbUrl: string): Promise<void> {
  const { url, env } = splitPassword(dbUrl);
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args, `--dbname=${url}`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new BackupError(
              'BACKUP_TOOL_MISSING',
              `${program} is not installed: install PostgreSQL's client programs (Debian: apt-get install postgresql-client), of the same or a newer major version than the server`,
            )
          : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(new BackupError('BACKUP_TOOL_FAILED', `${program} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}
