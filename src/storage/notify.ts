import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, Queryable, Tx } from './db.ts';

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

type Frame = { channels: Map<string, Set<string>> };
// The frame of each transaction object, nested savepoints' included. Not AsyncLocalStorage: on
// node 20 it turns on promise hooks for every promise of the process (the webhook drain lost a
// quarter of its deliveries a second with it).
const frames = new WeakMap<object, Frame>();

/** Registers `tx` (and every savepoint opened on it) under `frame`. */
function follow(tx: Tx, frame: Frame): void {
  frames.set(tx, frame);
  const nested = tx.transaction.bind(tx);
  tx.transaction = ((fn: Parameters<Tx['transaction']>[0]) => nested((inner) => (follow(inner, frame), fn(inner)))) as Tx['transaction'];
}

/**
 * Makes `db.transaction` send, after it commits, the NOTIFYs its statements asked for (savepoints
 * inside it belong to it). Applied once by storage/db.ts openDb.
 */
export function sendNotifiesAfterCommit(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = (async (fn, config) => {
    const frame: Frame = { channels: new Map() };
    const result = await transaction((tx) => (follow(tx, frame), fn(tx)), config);
    for (const [channel, payloads] of frame.channels) for (const payload of payloads) notifySoon(db, channel, payload);
    return result;
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
  const frame = frames.get(db);
  if (!frame) throw new Error('notifyAfterCommit: a transaction that storage/notify.ts does not follow (open it with openDb)');
  let payloads = frame.channels.get(channel);
  if (!payloads) frame.channels.set(channel, (payloads = new Set()));
  payloads.add(payload);
}

// One NOTIFY in flight per pool and (channel, payload); asks made meanwhile are answered by one
// more NOTIFY after it, sent after their commits, so a burst of writes costs two statements. Under
// sustained writes that follow-up was due at once, every time: a NOTIFY per round trip, 0.6 per
// create at 10 connections, each a statement and a socket write, which on these machines costs
// more than all of the request's JavaScript (docs/benchmarks.md). So a follow-up waits until
// NOTIFY_GAP_MS after the one before it was sent: at most one a gap under load, while a write after
// a quiet moment still wakes the listeners at once. Measured (server on PostgreSQL, 10 connections
// of creates): 1.63 commits per create with no gap, 1.35 with 5 ms, 1.24 with 10 ms; server CPU
// per create 1,850 -> 1,510 µs with 5 ms.
const NOTIFY_GAP_MS = 5;
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
    const sentAt = performance.now();
    db.execute(sql`select pg_notify(${channel}, ${payload})`).then(
      () => {
        if (!state.again) return mine.delete(key);
        const wait = sentAt + NOTIFY_GAP_MS - performance.now();
        if (wait <= 0) return send();
        setTimeout(send, wait);
      },
      // The pool is closing or the database is away: listeners' polls find the work instead.
      () => mine.delete(key),
    );
  };
  send();
}
