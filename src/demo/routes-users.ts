import { HttpError, readBody, sendEmpty, sendJson, tryParseJson } from './http-utils.js';
import { parseIntParam } from './params.js';
import type { Route, RouteContext } from './router.js';
import { parseUserInput, userEtag, type User, type UserInput } from './users-store.js';

function userId(ctx: RouteContext): number {
  return parseIntParam('id', ctx.params['id'], { def: 0, min: 1, max: Number.MAX_SAFE_INTEGER });
}

function notFound(id: number): HttpError {
  return new HttpError(404, 'user not found', { id });
}

async function readUserInput(ctx: RouteContext): Promise<UserInput> {
  const body = await readBody(ctx.req, 64 * 1024);
  const value = tryParseJson(body);
  if (value === undefined) throw new HttpError(400, 'body must be JSON');
  const input = parseUserInput(value);
  if (typeof input === 'string') throw new HttpError(400, input);
  return input;
}

function sendUser(ctx: RouteContext, status: number, user: User, extra: Record<string, string> = {}): void {
  sendJson(ctx.res, status, user, { etag: userEtag(user), ...extra });
}

function getUser(ctx: RouteContext): void {
  const id = userId(ctx);
  const user = ctx.state.users.get(id);
  if (!user) throw notFound(id);
  const etag = userEtag(user);
  const ifNoneMatch = ctx.req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    sendEmpty(ctx.res, 304, { etag });
    return;
  }
  sendUser(ctx, 200, user);
}

async function createUser(ctx: RouteContext): Promise<void> {
  const input = await readUserInput(ctx);
  const user = ctx.state.users.create(input);
  if (!user) throw new HttpError(507, 'users store is full');
  sendUser(ctx, 201, user, { location: `/users/${user.id}` });
}

async function replaceUser(ctx: RouteContext): Promise<void> {
  const id = userId(ctx);
  const input = await readUserInput(ctx);
  const user = ctx.state.users.replace(id, input);
  if (!user) throw notFound(id);
  sendUser(ctx, 200, user);
}

function deleteUser(ctx: RouteContext): void {
  const id = userId(ctx);
  if (!ctx.state.users.delete(id)) throw notFound(id);
  sendEmpty(ctx.res, 204);
}

/** In-memory users resource: list, get, create, replace, delete. */
export function usersRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/users',
      description: 'Lists all users (seeded with Ann, Bob, Cid)',
      example: 'GET /users',
      handler: (ctx) => sendJson(ctx.res, 200, ctx.state.users.list()),
    },
    {
      method: 'POST',
      pattern: '/users',
      description: 'Creates a user from {name, email?, roles?}; 201 with Location and ETag',
      example: 'POST /users {"name":"Dee","email":"dee@example.com"}',
      handler: createUser,
    },
    {
      method: 'GET',
      pattern: '/users/:id',
      description: 'One user with ETag (If-None-Match gives 304); 404 when missing',
      example: 'GET /users/1',
      handler: getUser,
    },
    {
      method: 'PUT',
      pattern: '/users/:id',
      description: 'Replaces a user from {name, email?, roles?}; 404 when missing',
      example: 'PUT /users/2 {"name":"Bobby"}',
      handler: replaceUser,
    },
    {
      method: 'DELETE',
      pattern: '/users/:id',
      description: 'Deletes a user (204); 404 when missing',
      example: 'DELETE /users/3',
      handler: deleteUser,
    },
  ];
}
