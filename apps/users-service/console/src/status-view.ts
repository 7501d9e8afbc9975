/**
 * The token client panel: `GET /status` every few seconds while shown (type, expiry counting down each second,
 * granted scopes, cache hits and misses, a small chart of recent token fetch latencies, Okta responses by
 * class, retries, breaker state, rate-limit headroom). It never receives a token.
 */
import { api, describeError } from './api.js';
import { byId } from './dom.js';

/** What `GET /status` answers. */
export interface Status {
  caller: { name: string; scope: 'users:read' | 'users:write' };
  now: string;
  token: { type: string; expiresAt: string; scopes: string[] } | { error: string; hint?: string };
  tokenFetch: { count: number; errors: number; recentMs: number[] };
  cache: { hits: number; misses: number; refreshAhead: number };
  upstream: Record<'2xx' | '3xx' | '4xx' | '5xx' | 'failed', number>;
  retries: number;
  breaker: string;
  rateLimit: { limit: number | null; remaining: number | null; resetAt: string | null } | null;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A mounted status panel. */
export interface StatusView {
  refresh(): Promise<void>;
  start(): void;
  stop(): void;
}

/**
 * Wire the panel.
 * @example
 * const panel = mountStatusView(); panel.start();
 */
export function mountStatusView(): StatusView {
  let expiresAt: number | undefined;
  let skew = 0;
  let poll: number | undefined;
  let tick: number | undefined;
  const set = (id: string, text: string): void => {
    byId(id).textContent = text;
  };

  const countdown = (): void => {
    if (expiresAt === undefined) return;
    const seconds = Math.max(0, Math.round((expiresAt - (Date.now() + skew)) / 1000));
    set('st-expiry', `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`);
  };

  const chart = (values: number[]): void => {
    const svg = byId('st-chart');
    const width = 300;
    const height = 60;
    const max = Math.max(1, ...values);
    const bar = width / Math.max(values.length, 1);
    svg.replaceChildren(
      ...values.map((v, i) => {
        const rect = document.createElementNS(SVG, 'rect');
        const h = Math.max(1, Math.round((v / max) * (height - 4)));
        rect.setAttribute('x', String(Math.round(i * bar)));
        rect.setAttribute('y', String(height - h));
        rect.setAttribute('width', String(Math.max(1, Math.floor(bar) - 1)));
        rect.setAttribute('height', String(h));
        const title = document.createElementNS(SVG, 'title');
        title.textContent = `${v} ms`;
        rect.append(title);
        return rect;
      }),
    );
    const sorted = [...values].sort((a, b) => a - b);
    const last = values.at(-1);
    set(
      'st-latency',
      values.length === 0
        ? 'no fetch yet'
        : `last ${String(last)} ms, median ${String(sorted[Math.floor(sorted.length / 2)])} ms, max ${String(max)} ms`,
    );
  };

  const render = (s: Status): void => {
    skew = Date.parse(s.now) - Date.now();
    if ('type' in s.token) {
      set('st-type', s.token.type);
      set('st-scopes', s.token.scopes.join(' '));
      expiresAt = Date.parse(s.token.expiresAt);
      countdown();
    } else {
      expiresAt = undefined;
      set('st-type', `no token: ${s.token.error}`);
      set('st-expiry', '–');
      set('st-scopes', s.token.hint ?? '–');
    }
    set('st-hits', String(s.cache.hits));
    set('st-misses', String(s.cache.misses));
    set('st-fetches', String(s.tokenFetch.count));
    set('st-fetch-errors', String(s.tokenFetch.errors));
    chart(s.tokenFetch.recentMs);
    set(
      'st-classes',
      (['2xx', '3xx', '4xx', '5xx', 'failed'] as const).map((k) => `${k}: ${s.upstream[k]}`).join('   '),
    );
    set('st-retries', String(s.retries));
    const breaker = byId('st-breaker');
    breaker.textContent = s.breaker;
    breaker.classList.toggle('breaker-open', s.breaker !== 'closed');
    const rate = s.rateLimit;
    set(
      'st-rate',
      rate === null || rate.remaining === null
        ? 'no Okta response yet'
        : `${rate.remaining} of ${String(rate.limit)} left` +
            (rate.resetAt === null ? '' : `, resets ${new Date(rate.resetAt).toLocaleTimeString()}`),
    );
  };

  const refresh = async (): Promise<void> => {
    try {
      render(await api<Status>('GET', '/status'));
      set('status-error', '');
    } catch (e) {
      const { message, hint } = describeError(e);
      set('status-error', hint === '' ? message : `${message} — ${hint}`);
    }
  };

  return {
    refresh,
    start: () => {
      void refresh();
      poll ??= window.setInterval(() => void refresh(), 3000);
      tick ??= window.setInterval(countdown, 1000);
    },
    stop: () => {
      window.clearInterval(poll);
      window.clearInterval(tick);
      poll = undefined;
      tick = undefined;
    },
  };
}
