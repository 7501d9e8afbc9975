/**
 * Fault rules, the model: what a rule may say (validated, with errors that name the field and the fix), how
 * a path pattern matches, and which action a request meets (sequences advance per matching request,
 * probabilities draw from a PRNG seeded per rule). The fastify hooks that carry the actions out live in
 * `plugins/faults.ts`; the control endpoints in `routes/control-faults.ts`.
 */
import { SeededRandom } from '../lib/ids.js';

/** One injected failure. */
export type FaultAction =
  /** Answer with this status and an error body (Okta object; OAuth object on the token endpoint for 5xx). */
  | { type: 'status'; status: number; errorCode?: string; errorSummary?: string }
  /** Wait `ms`, then handle the request normally. */
  | { type: 'latency'; ms: number }
  /** Destroy the connection without answering. */
  | { type: 'reset' }
  /** Announce the full Content-Length, send half the body, then drop the connection. */
  | { type: 'truncate' }
  /** Send the real status with a body that is not valid JSON. */
  | { type: 'malformed-json' }
  /** 429 E0000047 with `X-Rate-Limit-*` headers, Remaining 0 and the reset `resetSeconds` ahead (default 60). */
  | { type: 'rate-limit'; resetSeconds?: number; limit?: number };

/** A sequence step: an action, `"ok"` (no fault), a bare status (`503`) or a bare action type (`"reset"`). */
export type FaultStep = FaultAction | 'ok' | number | 'reset' | 'truncate' | 'malformed-json' | 'rate-limit';

/** A fault rule as the control API and the programmatic API accept it. */
export interface FaultRuleInput {
  /** HTTP method, or `*` (default). */
  method?: string;
  /**
   * Path to match (no query): exact (`/oauth2/v1/token`), with `:param` segments (`/api/v1/users/:id`),
   * or ending in `*` for a prefix (`/api/v1/users*`).
   */
  path: string;
  /** Steps consumed one per matching request; after the last the rule passes requests through. */
  sequence?: FaultStep[];
  /** Repeat the sequence forever instead of passing through at its end. */
  repeat?: boolean;
  /** Fire `fault` with this probability per matching request (0..1), drawn from a PRNG seeded by `seed`. */
  probability?: number;
  seed?: number;
  fault?: FaultStep;
  /** Stop after firing this many times. */
  times?: number;
}

/** A stored rule with its counters. */
export interface FaultRuleView {
  id: string;
  method: string;
  path: string;
  sequence?: FaultStep[];
  repeat?: boolean;
  probability?: number;
  seed?: number;
  fault?: FaultStep;
  times?: number;
  /** Requests the rule matched. */
  matched: number;
  /** Faults it injected, in total and by action type. */
  fired: number;
  firedByType: Record<string, number>;
}

interface Rule {
  view: FaultRuleView;
  pattern: RegExp;
  steps: FaultAction[] | undefined;
  stepOk: boolean[] | undefined;
  position: number;
  random: SeededRandom | undefined;
  action: FaultAction | undefined;
}

/** Thrown for an invalid rule; the message names the field and the fix. */
export class FaultRuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FaultRuleError';
  }
}

const BARE_TYPES = new Set(['reset', 'truncate', 'malformed-json', 'rate-limit']);

function normalizeStep(step: unknown, field: string): FaultAction | 'ok' {
  if (step === 'ok') return 'ok';
  if (typeof step === 'number') return normalizeStep({ type: 'status', status: step }, field);
  if (typeof step === 'string' && BARE_TYPES.has(step)) return normalizeStep({ type: step }, field);
  if (typeof step !== 'object' || step === null) {
    throw new FaultRuleError(
      field,
      `${field} must be "ok", a status code, an action type or an action object such as {"type":"status","status":503}.`,
    );
  }
  const s = step as Record<string, unknown>;
  switch (s.type) {
    case 'status': {
      if (typeof s.status !== 'number' || !Number.isInteger(s.status) || s.status < 400 || s.status > 599) {
        throw new FaultRuleError(field, `${field}.status must be an HTTP error status between 400 and 599.`);
      }
      const out: FaultAction = { type: 'status', status: s.status };
      if (typeof s.errorCode === 'string') out.errorCode = s.errorCode;
      if (typeof s.errorSummary === 'string') out.errorSummary = s.errorSummary;
      return out;
    }
    case 'latency':
      if (typeof s.ms !== 'number' || !(s.ms >= 0) || s.ms > 600_000) {
        throw new FaultRuleError(field, `${field}.ms must be a number of milliseconds between 0 and 600000.`);
      }
      return { type: 'latency', ms: s.ms };
    case 'reset':
    case 'truncate':
    case 'malformed-json':
      return { type: s.type };
    case 'rate-limit': {
      const out: FaultAction = { type: 'rate-limit' };
      if (s.resetSeconds !== undefined) {
        if (typeof s.resetSeconds !== 'number' || !(s.resetSeconds >= 0)) {
          throw new FaultRuleError(field, `${field}.resetSeconds must be a non-negative number of seconds.`);
        }
        out.resetSeconds = s.resetSeconds;
      }
      if (s.limit !== undefined) {
        if (typeof s.limit !== 'number' || !Number.isInteger(s.limit) || s.limit < 0) {
          throw new FaultRuleError(field, `${field}.limit must be a non-negative integer.`);
        }
        out.limit = s.limit;
      }
      return out;
    }
    default:
      throw new FaultRuleError(
        field,
        `${field}.type must be one of status, latency, reset, truncate, malformed-json, rate-limit.`,
      );
  }
}

/** Compiles a path pattern once, when the rule is added (never per request). */
function compilePath(path: string): RegExp {
  const prefix = path.endsWith('*');
  const body = (prefix ? path.slice(0, -1) : path)
    .split('/')
    .map((seg) =>
      seg.startsWith(':') && seg.length > 1 ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${body}${prefix ? '' : '$'}`);
}

/**
 * Fault rules and their counters. Deterministic: sequences advance per matching request, probabilities
 * draw from a PRNG seeded per rule. Usable programmatically (`add`, `list`, `clear`) and through
 * `/__emulator/faults`.
 */
export class FaultsState {
  readonly #rules: Rule[] = [];
  #nextId = 1;

  /** True when no rule is installed (the hot path then costs one length check). */
  get empty(): boolean {
    return this.#rules.length === 0;
  }

  /**
   * Adds a rule; throws {@link FaultRuleError} naming the bad field.
   * @example faults.add({ method: 'POST', path: '/oauth2/v1/token', sequence: [503, 503, 'ok'] })
   */
  add(input: FaultRuleInput): FaultRuleView {
    if (typeof input !== 'object' || input === null)
      throw new FaultRuleError('rule', 'A fault rule must be a JSON object with at least "path".');
    const method = input.method === undefined ? '*' : String(input.method).toUpperCase();
    if (!/^(\*|[A-Z]+)$/.test(method))
      throw new FaultRuleError('method', 'method must be an HTTP method such as GET, or "*".');
    if (typeof input.path !== 'string' || !input.path.startsWith('/')) {
      throw new FaultRuleError(
        'path',
        'path must start with "/", e.g. "/api/v1/users/:id" or "/oauth2/v1/token".',
      );
    }
    if (input.path.startsWith('/__emulator'))
      throw new FaultRuleError('path', 'Faults cannot target the /__emulator control API.');
    const hasSequence = input.sequence !== undefined;
    const hasProbability = input.probability !== undefined;
    if (hasSequence === hasProbability) {
      throw new FaultRuleError(
        'sequence',
        'Give either "sequence" (e.g. [503, 503, "ok"]) or "probability" with "fault", not both or neither.',
      );
    }
    if (input.times !== undefined && (!Number.isInteger(input.times) || input.times < 1)) {
      throw new FaultRuleError('times', 'times must be a positive integer.');
    }
    const view: FaultRuleView = {
      id: `flt${this.#nextId++}`,
      method,
      path: input.path,
      matched: 0,
      fired: 0,
      firedByType: {},
    };
    const rule: Rule = {
      view,
      pattern: compilePath(input.path),
      steps: undefined,
      stepOk: undefined,
      position: 0,
      random: undefined,
      action: undefined,
    };
    if (hasSequence) {
      if (!Array.isArray(input.sequence) || input.sequence.length === 0 || input.sequence.length > 10_000) {
        throw new FaultRuleError(
          'sequence',
          'sequence must be a non-empty array of steps, e.g. [503, 503, "ok"].',
        );
      }
      const normalized = input.sequence.map((s, i) => normalizeStep(s, `sequence[${i}]`));
      rule.stepOk = normalized.map((s) => s === 'ok');
      rule.steps = normalized.map((s) => (s === 'ok' ? { type: 'latency', ms: 0 } : s));
      view.sequence = input.sequence;
      if (input.repeat === true) view.repeat = true;
    } else {
      if (typeof input.probability !== 'number' || !(input.probability >= 0 && input.probability <= 1)) {
        throw new FaultRuleError('probability', 'probability must be a number between 0 and 1.');
      }
      const action = normalizeStep(input.fault, 'fault');
      if (action === 'ok') throw new FaultRuleError('fault', 'fault must be an action, not "ok".');
      rule.action = action;
      const seed = input.seed ?? 1;
      if (!Number.isInteger(seed)) throw new FaultRuleError('seed', 'seed must be an integer.');
      rule.random = new SeededRandom(seed);
      view.probability = input.probability;
      view.seed = seed;
      view.fault = input.fault as FaultStep;
    }
    if (input.times !== undefined) view.times = input.times;
    this.#rules.push(rule);
    return { ...view, firedByType: { ...view.firedByType } };
  }

  /** Every rule with its counters. */
  list(): FaultRuleView[] {
    return this.#rules.map((r) => ({ ...r.view, firedByType: { ...r.view.firedByType } }));
  }

  /** Removes one rule; false when unknown. */
  remove(id: string): boolean {
    const at = this.#rules.findIndex((r) => r.view.id === id);
    if (at < 0) return false;
    this.#rules.splice(at, 1);
    return true;
  }

  /** Removes every rule. */
  clear(): void {
    this.#rules.length = 0;
  }

  /**
   * Decides the fault for one request: the first matching rule that fires wins; matching rules advance
   * their sequence or draw from their PRNG whether or not an earlier rule fired.
   */
  decide(method: string, path: string): FaultAction | undefined {
    let chosen: FaultAction | undefined;
    for (const rule of this.#rules) {
      const v = rule.view;
      if (v.method !== '*' && v.method !== method) continue;
      if (!rule.pattern.test(path)) continue;
      v.matched++;
      if (v.times !== undefined && v.fired >= v.times) continue;
      let action: FaultAction | undefined;
      if (rule.steps !== undefined) {
        const n = rule.steps.length;
        if (rule.position < n || v.repeat === true) {
          const i = rule.position % n;
          rule.position++;
          if (!rule.stepOk![i]) action = rule.steps[i];
        }
      } else if (rule.random !== undefined && rule.random.next() < (v.probability ?? 0)) {
        action = rule.action;
      }
      if (action !== undefined && chosen === undefined) {
        chosen = action;
        v.fired++;
        v.firedByType[action.type] = (v.firedByType[action.type] ?? 0) + 1;
      }
    }
    return chosen;
  }
}

/** Creates an empty fault table. */
export function createFaultsState(): FaultsState {
  return new FaultsState();
}
