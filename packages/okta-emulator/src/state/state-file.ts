/**
 * The state file (`--state FILE`): read a saved snapshot, write one atomically with mode 0600, and save
 * after changes at most every few milliseconds.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EmulatorSnapshot } from './snapshot.js';

/**
 * Reads a saved emulator state. Returns undefined when the file does not exist; throws an Error naming the
 * file and the problem when it exists but is not a state file.
 */
export function loadSnapshot(path: string): EmulatorSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(
      `Cannot read the state file ${path}: ${(err as Error).message}. Delete it or pass another --state path.`,
    );
  }
  const snap = parsed as Partial<EmulatorSnapshot> | null;
  if (!snap || snap.kind !== 'okta-emulator-state' || snap.version !== 1) {
    throw new Error(`${path} is not an okta-emulator state file. Delete it or pass another --state path.`);
  }
  return snap as EmulatorSnapshot;
}

/**
 * Writes a snapshot atomically (temp file + rename) with mode 0600: it holds the emulator's private
 * signing key and the admin API token.
 */
export function saveSnapshot(path: string, snapshot: EmulatorSnapshot): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(snapshot), { mode: 0o600 });
  renameSync(tmp, path);
}

/** Debounced saving: `schedule()` after each change, `flush()` on shutdown. */
export interface StateSaver {
  schedule(): void;
  flush(): void;
}

/** Creates a saver that writes `snapshot()` to `path` at most every `delayMs` and on `flush()`. */
export function createStateSaver(path: string, snapshot: () => EmulatorSnapshot, delayMs = 100): StateSaver {
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  const write = () => {
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    saveSnapshot(path, snapshot());
  };
  return {
    schedule() {
      dirty = true;
      if (!timer) {
        timer = setTimeout(write, delayMs);
        timer.unref();
      }
    },
    flush() {
      if (timer) clearTimeout(timer);
      dirty = true;
      write();
    },
  };
}
