import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoState } from './state.js';

/** Everything a route handler gets. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Upper-case request method (HEAD is routed like GET). */
  readonly method: string;
  /** Decoded-as-received path, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Named `:params` of the pattern, plus `*` for a trailing wildcard. */
  readonly params: Readonly<Record<string, string>>;
  /** Origin clients used to reach the server, e.g. `http://127.0.0.1:43121`. */
  readonly baseUrl: string;
  readonly state: DemoState;
  /** All registered routes (for the index). */
  readonly routes: readonly Route[];
}

export type Handler = (ctx: RouteContext) => void | Promise<void>;

/** `*` as method means any method. */
export interface Route {
  readonly method: string;
  /** Path pattern: literal segments, `:name` segments, optional trailing `/*`. */
  readonly pattern: string;
  readonly description: string;
  /** Example request line for docs and the index, e.g. `GET /users/1`. */
  readonly example: string;
  readonly handler: Handler;
}

interface CompiledRoute {
  readonly route: Route;
  readonly regex: RegExp;
  readonly names: readonly string[];
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  let source = '';
  let pattern = route.pattern;
  let wildcard = false;
  if (pattern.endsWith('/*')) {
    wildcard = true;
    pattern = pattern.slice(0, -2);
  }
  for (const segment of pattern.split('/').filter((s) => s !== '')) {
    if (segment.startsWith(':')) {
      names.push(segment.slice(1));
      source += '/([^/]+)';
    } else {
      source += `/${escapeRegex(segment)}`;
    }
  }
  if (wildcard) {
    names.push('*');
    source += '/(.*)';
  }
  return { route, regex: new RegExp(`^${source === '' ? '/' : source}/?$`), names };
}

/** A minimal first-match router over method + path patterns. */
export class Router {
  private readonly compiled: CompiledRoute[] = [];

  constructor(routes: readonly Route[] = []) {
    for (const route of routes) this.add(route);
  }

  add(route: Route): void {
    this.compiled.push(compile(route));
  }

  get routes(): readonly Route[] {
    return this.compiled.map((c) => c.route);
  }

  match(method: string, path: string): RouteMatch {
    const wanted = method === 'HEAD' ? 'GET' : method;
    const allow = new Set<string>();
    for (const { route, regex, names } of this.compiled) {
      const m = regex.exec(path);
      if (!m) continue;
      if (route.method !== '*' && route.method !== wanted) {
        allow.add(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const raw = m[i + 1] ?? '';
        params[name] = safeDecode(raw);
      });
      return { kind: 'found', route, params };
    }
    if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow] };
    return { kind: 'not-found' };
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
