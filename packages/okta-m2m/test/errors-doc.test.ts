/**
 * docs/errors.md stays in step with the code: every code in ERROR_CODES has a section, the doc names no code that
 * does not exist, each section names the class that carries the code, and every OAuth error the library gives a
 * hint for is listed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as errors from '../src/errors.js';
import { ERROR_CODES, OktaM2MError } from '../src/errors.js';
import { OAUTH_HINT_RULES } from '../src/auth/oauth-hints.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');
const sections = new Map<string, string>();
{
  const parts = doc.split(/^### /m).slice(1);
  for (const part of parts) {
    const heading = /^`([A-Z0-9_]+)`/.exec(part);
    if (heading) sections.set(heading[1]!, part.split(/^## /m)[0]!);
  }
}

void test('every code in ERROR_CODES has a section in docs/errors.md', () => {
  const missing = ERROR_CODES.filter((code) => !sections.has(code));
  assert.deepEqual(missing, [], `codes without a section: ${missing.join(', ')}`);
});

void test('docs/errors.md names no code that does not exist', () => {
  const named = new Set(doc.match(/\bOKTA_M2M_[A-Z_]+\b/g) ?? []);
  const unknown = [...named].filter((code) => !(ERROR_CODES as readonly string[]).includes(code));
  assert.deepEqual(unknown, [], `unknown codes in the doc: ${unknown.join(', ')}`);
});

void test("each code's section names the error class whose instances carry that code", () => {
  const classes = Object.entries(errors).filter(
    ([, value]) => typeof value === 'function' && value.prototype instanceof OktaM2MError,
  );
  for (const code of ERROR_CODES) {
    const section = sections.get(code) ?? '';
    const classNames = /Class `([A-Za-z]+)`/.exec(section);
    assert.ok(classNames, `${code}: the section names its class`);
    const cls = classes.find(([name]) => name === classNames[1]);
    assert.ok(cls, `${code}: ${classNames[1]} is exported by errors.ts`);
    const source = readFileSync(fileURLToPath(new URL('../src/errors.ts', import.meta.url)), 'utf8');
    const body = source.slice(source.indexOf(`class ${classNames[1]} `));
    const end = body.indexOf('\n}\n');
    assert.ok(body.slice(0, end).includes(`'${code}'`), `${classNames[1]} uses ${code}`);
  }
});

void test('every OAuth error with a hint is listed in the OAuth table', () => {
  const table = doc.slice(doc.indexOf('## OAuth errors the library recognises'));
  for (const rule of OAUTH_HINT_RULES) {
    assert.ok(table.includes(`| \`${rule.error}\` |`), `${rule.error} is listed`);
    assert.ok(table.includes(rule.label), `${rule.error}: ${rule.label} is listed`);
  }
});
