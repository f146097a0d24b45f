import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {}

// PGlite is one process's database: a second process opening the same files would corrupt them.
// A lock file with the holder's pid refuses the second opener with a message a person can act on.
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lock = lockFile(path.join(dir, 'motors.lock'));
  if (typeof lock === 'function') return lock;
  throw new DataDirLockedError(
    `The embedded database in ${path.resolve(dir)} is in use by another process (pid ${lock}). ` + `Stop that process first, or set DATABASE_URL to use PostgreSQL, which many processes can share.`,
  );
}

/** Takes the lock file for this process: its release, or the pid of the live process holding it. */
export function lockFile(lockPath: string): (() => void) | number {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) return holder;
      fs.rmSync(lockPath, { force: true }); // stale lock of a process that died
    }
  }
  throw new DataDirLockedError(`Could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
