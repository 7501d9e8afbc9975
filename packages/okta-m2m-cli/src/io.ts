/**
 * The two output streams of a command: data on stdout, diagnostics and progress on stderr. Commands write
 * through an {@link Io} so that nothing else prints, and tests can read exactly what a user would see.
 */

/**
 * Where a command writes.
 * @example
 * io.out('done\n'); io.err('fetching...\n');
 */
export interface Io {
  /** Data: tables, JSON, CSV. */
  out(text: string): void;
  /** Diagnostics, narration of side effects, warnings. */
  err(text: string): void;
  /** A progress line on stderr, redrawn in place; only when stderr is a terminal. */
  progress(text: string): void;
  /** Ends a progress line, if one is shown. */
  endProgress(): void;
  /** True when stderr is a terminal. */
  readonly stderrIsTTY: boolean;
}

/**
 * The process's streams.
 * @example
 * const io = processIo();
 */
export function processIo(): Io {
  const tty = process.stderr.isTTY === true;
  let showing = false;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    progress: (text) => {
      if (!tty) return;
      showing = true;
      process.stderr.write(`\r\x1b[2K${text}`);
    },
    endProgress: () => {
      if (showing) process.stderr.write('\n');
      showing = false;
    },
    stderrIsTTY: tty,
  };
}

/**
 * Pretty JSON with a trailing newline, the form of every `--json` output.
 * @example
 * io.out(jsonText({ ok: true }));
 */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
