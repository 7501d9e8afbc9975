// A compact test reporter for people: a dot per passing test while the run goes (an F for a failure, shown in
// full at once), then one line per test file (its counts and time), every failure again in full (name, file,
// the assertion's message with expected/actual, the stack), and a summary. It ends with the TAP-style
// `# pass N` / `# fail N` lines that CI reads.
import { relative } from 'node:path';
import { inspect } from 'node:util';

const root = process.cwd();

export default async function* compactReporter(source) {
  const files = new Map();
  const failures = [];
  const totals = { pass: 0, fail: 0, skip: 0, todo: 0 };
  const started = Date.now();
  let column = 0;
  const progress = (mark) => {
    column = (column + 1) % 80;
    return column === 0 ? `${mark}\n` : mark;
  };
  const fileOf = (data) => (data.file ? relative(root, data.file) : '(unknown file)');
  const entry = (file) => {
    let e = files.get(file);
    if (!e) files.set(file, (e = { pass: 0, fail: 0, skip: 0, ms: 0 }));
    return e;
  };
  for await (const event of source) {
    const data = event.data ?? {};
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      const isSuite = data.details?.type === 'suite';
      const file = fileOf(data);
      const e = entry(file);
      if (data.nesting === 0) e.ms += data.details?.duration_ms ?? 0;
      if (isSuite && event.type === 'test:pass') continue;
      // A failed suite whose tests failed is reported by those tests; a suite that failed by itself (a hook,
      // a load error) is reported here.
      if (isSuite && data.details?.error?.failureType === 'subtestsFailed') continue;
      if (data.skip) {
        totals.skip++;
        e.skip++;
      } else if (data.todo) {
        totals.todo++;
      } else if (event.type === 'test:pass') {
        totals.pass++;
        e.pass++;
        yield progress('.');
      } else {
        totals.fail++;
        e.fail++;
        const failure = { name: data.name, file, error: data.details?.error };
        failures.push(failure);
        column = 0;
        yield `F\n✖ ${file} › ${failure.name}\n${indent(describe(failure.error))}\n`;
      }
    } else if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      // Output of passing files is noise; it is kept for failing ones in the error itself.
    } else if (event.type === 'test:diagnostic' && /^(Error|Warning)/.test(data.message ?? '')) {
      yield `${data.message}\n`;
    }
  }
  yield '\n\n';
  for (const [file, e] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const mark = e.fail > 0 ? '✖' : '✔';
    const skipped = e.skip > 0 ? `, ${e.skip} skipped` : '';
    yield `${mark} ${file}  ${e.pass} passed${e.fail ? `, ${e.fail} failed` : ''}${skipped}  (${(e.ms / 1000).toFixed(1)}s)\n`;
  }
  if (failures.length > 0) {
    yield `\n${failures.length} failure${failures.length === 1 ? '' : 's'}:\n`;
    for (const [i, f] of failures.entries()) {
      yield `\n${i + 1}) ${f.file} › ${f.name}\n${indent(describe(f.error))}\n`;
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  yield `\n${totals.pass} passed, ${totals.fail} failed, ${totals.skip} skipped, ${totals.todo} todo (${files.size} files, ${seconds}s)\n`;
  yield `# pass ${totals.pass}\n# fail ${totals.fail}\n`;
  // scripts/test.mjs watches for this: a runner still alive well after its summary is killed and fails the run.
  process.send?.({ type: 'test-run-summary', failed: totals.fail });
}

function describe(error) {
  if (error === undefined) return '(no error details)';
  const cause = error.cause ?? error;
  const lines = [];
  if (cause && typeof cause === 'object' && 'message' in cause) {
    lines.push(cause.stack ?? `${cause.name ?? 'Error'}: ${cause.message}`);
    if ('expected' in cause || 'actual' in cause) {
      lines.push(
        `expected: ${inspect(cause.expected, { depth: 4 })}`,
        `actual:   ${inspect(cause.actual, { depth: 4 })}`,
      );
    }
  } else {
    lines.push(inspect(cause, { depth: 4 }));
  }
  return lines.join('\n');
}

function indent(text) {
  return text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}
