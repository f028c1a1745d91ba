import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestDemo, withDemoServer, type DemoServer } from '../helpers/demo.js';

interface Item {
  id: number;
  name: string;
}

const MAX_PAGES = 50;

const demo = withDemoServer();

async function json<T = any>(path: string, init?: RequestInit): Promise<{ res: Response; body: T }> {
  const res = await fetch(`${demo.url}${path}`, init);
  const text = await res.text();
  return { res, body: (text === '' ? null : JSON.parse(text)) as T };
}

function parseLink(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(/,\s*(?=<)/)) {
    const m = /^<([^>]*)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[2]] = m[1];
  }
  return out;
}

function expectAllItems(items: Item[], total = 25): void {
  expect(items.map((i) => i.id)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  expect(items[0]).toEqual({ id: 1, name: 'item-1' });
}

describe('demo server basics', () => {
  test('index lists routes', async () => {
    const { res, body } = await json('/');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body.name).toBe('apitest demo API');
    expect(body.routes.length).toBeGreaterThan(30);
    expect(body.routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/users/:id' }));
  });

  test('unknown route is a JSON 404, wrong method a 405', async () => {
    const nf = await json('/no/such/route');
    expect(nf.res.status).toBe(404);
    expect(nf.body).toEqual({ error: 'not found', path: '/no/such/route' });
    const na = await json('/users', { method: 'PATCH' });
    expect(na.res.status).toBe(405);
    expect(na.res.headers.get('allow')).toBe('GET, POST');
  });

  test('bad numbers give 400 JSON', async () => {
    for (const path of ['/delay/abc', '/bytes/-1', '/pages/page?per_page=x', '/large-json?count=1e9', '/status/99']) {
      const { res, body } = await json(path);
      expect(res.status).toBe(400);
      expect(typeof body.error).toBe('string');
    }
  });

  test('users CRUD', async () => {
    const list = await json<{ name: string }[]>('/users');
    expect(list.body.map((u) => u.name)).toEqual(['Ann', 'Bob', 'Cid']);

    const one = await json('/users/2');
    expect(one.body).toMatchObject({ id: 2, name: 'Bob', email: 'bob@example.com' });
    const etag = one.res.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const cached = await fetch(`${demo.url}/users/2`, { headers: { 'if-none-match': etag ?? '' } });
    expect(cached.status).toBe(304);

    expect((await json('/users/999')).res.status).toBe(404);

    const created = await json('/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Dee', email: 'dee@example.com' }),
    });
    expect(created.res.status).toBe(201);
    expect(typeof created.body.id).toBe('number');
    expect(created.res.headers.get('location')).toBe(`/users/${created.body.id}`);
    expect(created.res.headers.get('etag')).toBeTruthy();

    expect((await json('/users', { method: 'POST', body: 'not json' })).res.status).toBe(400);
    expect((await json('/users', { method: 'POST', body: '{"email":"x@y"}' })).res.status).toBe(400);

    const put = await json(`/users/${created.body.id}`, { method: 'PUT', body: JSON.stringify({ name: 'Dora' }) });
    expect(put.res.status).toBe(200);
    expect(put.body.name).toBe('Dora');
    expect((await json('/users/999', { method: 'PUT', body: '{"name":"x"}' })).res.status).toBe(404);

    const del = await fetch(`${demo.url}/users/${created.body.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await json(`/users/${created.body.id}`)).res.status).toBe(404);
  });

  test('each server instance has its own state', async () => {
    const other = await startTestDemo();
    try {
      await json('/users', { method: 'POST', body: '{"name":"Eve"}' });
      const res = await fetch(`${other.url}/users`);
      expect(((await res.json()) as unknown[]).length).toBe(3);
    } finally {
      await other.close();
    }
  });

  test('echo reflects the request', async () => {
    const { body } = await json('/echo/sub/path?a=1&a=2&b=x', {
      method: 'POST',
      headers: { 'x-test': 'yes', 'content-type': 'application/json' },
      body: '{"hello":"world"}',
    });
    expect(body).toMatchObject({
      method: 'POST',
      path: '/echo/sub/path',
      query: { a: ['1', '2'], b: 'x' },
      body: '{"hello":"world"}',
      json: { hello: 'world' },
      bodyBytes: 17,
    });
    expect(body.headers['x-test']).toBe('yes');
    expect(Buffer.from(body.bodyBase64, 'base64').toString()).toBe('{"hello":"world"}');

    const raw = await json('/echo', { method: 'PUT', body: new Uint8Array([0, 255, 1]) });
    expect(raw.body).toMatchObject({ json: null, bodyBytes: 3, bodyBase64: 'AP8B' });
  });

  test('status codes', async () => {
    const teapot = await json('/status/418');
    expect(teapot.res.status).toBe(418);
    expect(teapot.body).toEqual({ status: 418, message: "I'm a Teapot" });
    const limited = await fetch(`${demo.url}/status/429`);
    expect(limited.headers.get('retry-after')).toBe('1');
    const empty = await fetch(`${demo.url}/status/204`, { method: 'POST' });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
    const moved = await fetch(`${demo.url}/status/301`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/echo');
  });

  test('content routes', async () => {
    const text = await fetch(`${demo.url}/text`);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await text.text()).split('\n').length).toBeGreaterThan(2);
    const html = await fetch(`${demo.url}/html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('<html');

    const n = 200_000;
    const bytes = await fetch(`${demo.url}/bytes/${n}`);
    expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
    expect(bytes.headers.get('content-length')).toBe(String(n));
    const buf = Buffer.from(await bytes.arrayBuffer());
    expect(buf.length).toBe(n);
    expect([buf[0], buf[255], buf[256], buf[n - 1]]).toEqual([0, 255, 0, (n - 1) % 256]);

    const large = await json('/large-json?count=3000');
    expect(large.body.items).toHaveLength(3000);
  });

  test('headers, cookies and redirects', async () => {
    const h = await fetch(`${demo.url}/headers?X-One=1&Cache-Control=no-store`);
    expect(h.headers.get('x-one')).toBe('1');
    expect(h.headers.get('cache-control')).toBe('no-store');
    const c = await fetch(`${demo.url}/cookies`);
    expect(c.headers.get('set-cookie')).toBe('session=secret-session-value; HttpOnly');

    const chain = await fetch(`${demo.url}/redirect/3`);
    expect(chain.status).toBe(200);
    expect(await chain.json()).toEqual({ redirected: true });
    const hop = await fetch(`${demo.url}/redirect/2`, { redirect: 'manual' });
    expect(hop.status).toBe(302);
    expect(hop.headers.get('location')).toBe('/redirect/1');
    const to = await fetch(`${demo.url}/redirect-to?url=${encodeURIComponent('http://example.invalid/x')}&status=307`, {
      redirect: 'manual',
    });
    expect(to.status).toBe(307);
    expect(to.headers.get('location')).toBe('http://example.invalid/x');
  });

  test('webhook receiver', async () => {
    await fetch(`${demo.url}/webhooks`, { method: 'DELETE' });
    const post = await json('/webhooks', { method: 'POST', body: '{"event":"ping"}', headers: { 'x-sig': 'abc' } });
    expect(post.body).toMatchObject({ received: true, size: 16 });
    const list = await json('/webhooks');
    expect(list.body.deliveries).toHaveLength(1);
    expect(list.body.deliveries[0].headers['x-sig']).toBe('abc');
    expect(Buffer.from(list.body.deliveries[0].bodyBase64, 'base64').toString()).toBe('{"event":"ping"}');
  });

  test('request log', async () => {
    expect((await fetch(`${demo.url}/__log`, { method: 'DELETE' })).status).toBe(204);
    await fetch(`${demo.url}/echo?x=1`, { headers: { 'x-marker': 'm1' } });
    const { body } = await json('/__log');
    expect(body.requests).toHaveLength(1);
    expect(body.requests[0]).toMatchObject({ method: 'GET', path: '/echo', query: { x: '1' } });
    expect(body.requests[0].headers['x-marker']).toBe('m1');
    const inProcess = demo.server.requests();
    expect(inProcess[inProcess.length - 1]?.path).toBe('/echo');
  });
});

describe('demo server pagination', () => {
  async function walkLinks(start: string): Promise<Item[]> {
    const items: Item[] = [];
    let url: string | undefined = `${demo.url}${start}`;
    for (let i = 0; url !== undefined && i < MAX_PAGES; i++) {
      const res: Response = await fetch(url);
      items.push(...((await res.json()) as Item[]));
      const next = parseLink(res.headers.get('link'))['next'];
      url = next === undefined ? undefined : new URL(next, url).toString();
    }
    return items;
  }

  test('Link header (absolute, quoted rel)', async () => {
    const res = await fetch(`${demo.url}/pages/link?total=25`);
    const links = parseLink(res.headers.get('link'));
    expect(links['next']).toBe(`${demo.url}/pages/link?total=25&page=2&per_page=10`);
    expect(links['last']).toContain('page=3');
    expect(links['first']).toContain('page=1');
    expect(links['prev']).toBeUndefined();
    expectAllItems(await walkLinks('/pages/link?total=25'));
  });

  test('Link header (relative, unquoted rel)', async () => {
    const res = await fetch(`${demo.url}/pages/link-relative?page=2`);
    expect(res.headers.get('link')).toContain('</pages/link-relative?page=3&per_page=10>; rel=next');
    expectAllItems(await walkLinks('/pages/link-relative'));
  });

  test('page numbers, limited and has_more', async () => {
    for (const route of ['/pages/page', '/pages/limited', '/pages/has-more']) {
      const items: Item[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const { res, body } = await json(`${route}?page=${page}&per_page=10`);
        items.push(...(body.data as Item[]));
        if (route === '/pages/limited') {
          expect(res.headers.get('x-ratelimit-remaining')).toBe(page % 2 === 0 ? '0' : '1');
          expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
        }
        if (route === '/pages/has-more' ? !body.has_more : body.data.length === 0) break;
      }
      expectAllItems(items);
    }
    const past = await json('/pages/page?page=9');
    expect(past.body).toEqual({ data: [], page: 9, per_page: 10, total: 25 });
  });

  test('has_more with starting_after', async () => {
    const items: Item[] = [];
    let after = 0;
    for (let i = 0; i < MAX_PAGES; i++) {
      const { body } = await json(`/pages/has-more?starting_after=${after}&limit=7`);
      items.push(...(body.data as Item[]));
      after = items[items.length - 1]?.id ?? 0;
      if (!body.has_more) break;
    }
    expectAllItems(items);
  });

  test('offset/limit', async () => {
    const items: Item[] = [];
    for (let offset = 0, i = 0; i < MAX_PAGES; i++) {
      const { body } = await json(`/pages/offset?offset=${offset}&limit=10`);
      expect(body.total).toBe(25);
      items.push(...(body.items as Item[]));
      offset += body.limit;
      if (offset >= body.total) break;
    }
    expectAllItems(items);
  });

  test('cursor styles', async () => {
    const styles: [string, (b: any) => { data: Item[]; next: string | null }][] = [
      ['/pages/cursor', (b) => ({ data: b.data, next: b.next_cursor })],
      ['/pages/cursor-meta', (b) => ({ data: b.results, next: b.meta.next })],
    ];
    for (const [route, read] of styles) {
      const items: Item[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < MAX_PAGES; i++) {
        const { body } = await json(`${route}?limit=10${cursor === null ? '' : `&cursor=${cursor}`}`);
        const page = read(body);
        items.push(...page.data);
        cursor = page.next;
        if (cursor === null) break;
      }
      expectAllItems(items);
    }

    const items: Item[] = [];
    let next: string | null = `${demo.url}/pages/cursor-url?total=25&limit=10`;
    for (let i = 0; next !== null && i < MAX_PAGES; i++) {
      const res: Response = await fetch(next);
      const body = (await res.json()) as { data: Item[]; next: string | null };
      items.push(...body.data);
      next = body.next;
      if (next !== null) expect(next.startsWith(demo.url)).toBe(true);
    }
    expectAllItems(items);
    expect((await json('/pages/cursor?cursor=bogus')).res.status).toBe(400);
  });

  test('loop route links to itself', async () => {
    const res = await fetch(`${demo.url}/pages/loop`);
    expect(parseLink(res.headers.get('link'))['next']).toBe('/pages/loop');
    expect(((await res.json()) as Item[]).length).toBeGreaterThan(0);
  });
});

describe('demo server rate limits', () => {
  test('header families', async () => {
    const x = await fetch(`${demo.url}/ratelimit/x?limit=60&remaining=59&reset=100`);
    expect(x.headers.get('x-ratelimit-limit')).toBe('60');
    expect(x.headers.get('x-ratelimit-remaining')).toBe('59');
    expect(x.headers.get('x-ratelimit-used')).toBe('1');
    expect(x.headers.get('x-ratelimit-resource')).toBe('core');
    const reset = Number(x.headers.get('x-ratelimit-reset'));
    expect(reset - Date.now() / 1000).toBeGreaterThan(98);
    expect(reset - Date.now() / 1000).toBeLessThan(102);

    const secs = await fetch(`${demo.url}/ratelimit/x-seconds`);
    expect(secs.headers.get('x-ratelimit-reset')).toBe('30');
    const ietf = await fetch(`${demo.url}/ratelimit/ietf`);
    expect(ietf.headers.get('ratelimit-limit')).toBe('5');
    expect(ietf.headers.get('ratelimit-remaining')).toBe('4');
    expect(ietf.headers.get('ratelimit-reset')).toBe('30');
    expect(ietf.headers.get('ratelimit-policy')).toBe('5;w=30');
    const sf = await fetch(`${demo.url}/ratelimit/structured?remaining=2&reset=9`);
    expect(sf.headers.get('ratelimit')).toBe('"default";r=2;t=9');
    expect(sf.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');

    const ra = await fetch(`${demo.url}/ratelimit/retry-after?seconds=7`);
    expect(ra.status).toBe(429);
    expect(ra.headers.get('retry-after')).toBe('7');
    const rd = await fetch(`${demo.url}/ratelimit/retry-after?seconds=7&date=1`);
    const ahead = Date.parse(rd.headers.get('retry-after') ?? '') - Date.now();
    expect(ahead).toBeGreaterThan(6000);
    expect(ahead).toBeLessThanOrEqual(8000);
  });

  test('fixed-window limiter', async () => {
    const path = '/ratelimit/window?limit=2&window=2&key=win';
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await fetch(`${demo.url}${path}`);
      statuses.push(last.status);
      await last.text();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(['1', '2']).toContain(last?.headers.get('retry-after'));
    const resetAt = Number(last?.headers.get('x-ratelimit-reset')) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, resetAt - Date.now()) + 20));
    const again = await fetch(`${demo.url}${path}`);
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('1');
    const other = await fetch(`${demo.url}/ratelimit/window?limit=2&window=1&key=other`);
    expect(other.status).toBe(200);
  });
});

describe('demo server resilience', () => {
  test('flaky fails N times per key, then succeeds', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { res } = await json('/flaky?fail=2&status=502&key=f1');
      statuses.push(res.status);
    }
    expect(statuses).toEqual([502, 502, 200, 200]);
    expect((await json('/flaky?fail=2&key=f1')).body).toEqual({ ok: true, attempts: 5 });
    expect((await json('/flaky', { headers: { 'x-client-key': 'f2' } })).res.status).toBe(503);
    await json('/flaky/reset?key=f1');
    expect((await json('/flaky?fail=1&key=f1', { method: 'POST', body: 'x' })).res.status).toBe(503);
  });

  test('throttled answers 429 once and logs times', async () => {
    const first = await json('/throttled?after=1&key=t1');
    expect(first.res.status).toBe(429);
    expect(first.res.headers.get('retry-after')).toBe('1');
    expect((await json('/throttled?key=t1')).res.status).toBe(200);
    expect((await json('/throttled?key=t1')).res.status).toBe(200);
    const log = await json('/throttled/log?key=t1');
    expect(log.body.times).toHaveLength(3);
    await json('/throttled/reset?key=t1');
    expect((await json('/throttled?key=t1')).res.status).toBe(429);
  });

  test('delay waits', async () => {
    const start = Date.now();
    const { body } = await json('/delay/60');
    expect(body).toEqual({ delayedMs: 60 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(55);
  });

  test('drop and hang', async () => {
    await expect(fetch(`${demo.url}/drop`)).rejects.toThrow();
    await expect(fetch(`${demo.url}/hang`, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });
});

describe('demo server close()', () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startTestDemo();
  });
  afterAll(async () => {
    await server.close();
  });

  test('ends pending /hang and /delay requests promptly', async () => {
    const hang = fetch(`${server.url}/hang`).then(
      () => 'answered',
      () => 'failed',
    );
    const delay = fetch(`${server.url}/delay/20000`).then(
      () => 'answered',
      () => 'failed',
    );
    await fetch(`${server.url}/users`).then((r) => r.text());
    const start = Date.now();
    await server.close();
    expect(await hang).toBe('failed');
    expect(await delay).toBe('failed');
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
