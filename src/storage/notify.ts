import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, Queryable } from './db.ts';

// NOTIFY after the commit, not inside the writing transaction. A transaction that both writes and
// NOTIFYs holds PostgreSQL's database-wide notification lock from its NOTIFY through its commit,
// WAL flush included, so such commits cannot share a flush and follow one another: measured with
// pgbench (20 clients, fsync on), a one-row insert ran at 6,200–11,800 commits/s alone and at
// 420–1,400/s with a pg_notify in the same statement, while a standalone pg_notify beside the
// inserts cost them nothing. So a write only asks for a NOTIFY (`notifyAfterCommit`), which this
// module sends on its own, from the pool, once the write's transaction (or autocommit statement)
// has committed, so a listener that wakes always finds what woke it. A NOTIFY is only a wake-up:
// what it announces is already in its table, and listeners poll as well (a lost NOTIFY delays,
// never loses, anything).

type Frame = { root: Db; channels: Map<string, Set<string>> };
const frames = new AsyncLocalStorage<Frame>();

/**
 * Makes `db.transaction` (not a transaction's own `transaction`, a savepoint inside it) send, after
 * it commits, the NOTIFYs its statements asked for. Applied once by storage/db.ts openDb.
 */
export function sendNotifiesAfterCommit(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn, config) => {
    // A new frame even inside another transaction's callback: this one commits on its own.
    const frame: Frame = { root: db, channels: new Map() };
    return frames.run(frame, async () => {
      const result = await transaction(fn, config);
      for (const [channel, payloads] of frame.channels) for (const payload of payloads) notifySoon(db, channel, payload);
      return result;
    });
  }) as Db['transaction'];
}

/**
 * A NOTIFY on `channel` once `db`'s write has committed: at once when `db` is not a transaction
 * (its statement has committed when it returns), else when the outermost transaction commits (none
 * if it rolls back). Repeats are folded, as PostgreSQL folds them within a transaction.
 */
export function notifyAfterCommit(db: Queryable, channel: string, payload = ''): void {
  if (!(db instanceof PgTransaction)) {
    notifySoon(db, channel, payload);
    return;
  }
  const frame = frames.getStore();
  if (!frame) throw new Error('notifyAfterCommit: a transaction that storage/notify.ts does not follow (open it with openDb)');
  let payloads = frame.channels.get(channel);
  if (!payloads) frame.channels.set(channel, (payloads = new Set()));
  payloads.add(payload);
}

// One NOTIFY in flight per pool and (channel, payload); asks made meanwhile are answered by one
// more NOTIFY after it, sent after their commits, so a burst of writes costs two statements.
const inFlight = new WeakMap<Db, Map<string, { again: boolean }>>();

function notifySoon(db: Db, channel: string, payload: string): void {
  let mine = inFlight.get(db);
  if (!mine) inFlight.set(db, (mine = new Map()));
  const key = `${channel}\n${payload}`;
  const running = mine.get(key);
  if (running) {
    running.again = true;
    return;
  }
  const state = { again: false };
  mine.set(key, state);
  const send = (): void => {
    state.again = false;
    db.execute(sql`select pg_notify(${channel}, ${payload})`).then(
      () => (state.again ? send() : mine.delete(key)),
      // The pool is closing or the database is away: listeners' polls find the work instead.
      () => mine.delete(key),
    );
  };
  send();
}
