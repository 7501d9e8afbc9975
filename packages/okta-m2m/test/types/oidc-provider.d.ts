// Minimal typings for the parts of oidc-provider 8.x (an untyped ESM package) the interop tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface KoaContext {
    method: string;
    path: string;
    status: number;
    body: unknown;
    get(name: string): string;
    set(name: string, value: string): void;
    req: IncomingMessage;
    response: { get(name: string): string };
    oidc?: { route?: string; body?: Record<string, unknown> } | undefined;
  }

  export type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

  export interface ClientCredentialsToken {
    clientId: string;
    scope?: string | undefined;
    jkt?: string | undefined;
    tokenType: string;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: Middleware): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    ClientCredentials: { find(value: string): Promise<ClientCredentialsToken | undefined> };
    proxy: boolean;
  }
}
