import { createHash } from 'node:crypto';

export interface User {
  readonly id: number;
  readonly name: string;
  readonly email: string | null;
  readonly roles: readonly string[];
}

export interface UserInput {
  readonly name: string;
  readonly email?: string | null;
  readonly roles?: readonly string[];
}

/** Upper bound on stored users, so a runaway client cannot exhaust memory. */
export const MAX_USERS = 10000;

const SEED: readonly Omit<User, 'id'>[] = [
  { name: 'Ann', email: 'ann@example.com', roles: ['admin', 'user'] },
  { name: 'Bob', email: 'bob@example.com', roles: ['user'] },
  { name: 'Cid', email: 'cid@example.com', roles: ['user', 'auditor'] },
];

/** Strong ETag derived from the user's JSON representation. */
export function userEtag(user: User): string {
  const hash = createHash('sha1').update(JSON.stringify(user)).digest('base64url').slice(0, 16);
  return `"${hash}"`;
}

/**
 * Validates an untrusted JSON value as user input; returns an error message or the input.
 */
export function parseUserInput(value: unknown): UserInput | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'body must be a JSON object';
  }
  const obj = value as Record<string, unknown>;
  const { name, email, roles } = obj;
  if (typeof name !== 'string' || name.trim() === '') return 'name is required (non-empty string)';
  if (name.length > 200) return 'name is too long (max 200)';
  if (email !== undefined && email !== null && typeof email !== 'string') return 'email must be a string';
  if (typeof email === 'string' && email.length > 320) return 'email is too long';
  if (roles !== undefined) {
    if (!Array.isArray(roles) || roles.length > 50 || !roles.every((r) => typeof r === 'string')) {
      return 'roles must be an array of at most 50 strings';
    }
  }
  return {
    name,
    email: typeof email === 'string' ? email : null,
    roles: Array.isArray(roles) ? (roles as string[]) : ['user'],
  };
}

/** In-memory users collection, seeded with Ann, Bob and Cid. */
export class UsersStore {
  private readonly users = new Map<number, User>();
  private nextId = 1;

  constructor() {
    for (const seed of SEED) this.insert(seed);
  }

  get size(): number {
    return this.users.size;
  }

  list(): User[] {
    return [...this.users.values()];
  }

  get(id: number): User | undefined {
    return this.users.get(id);
  }

  /** Creates a user; returns undefined when the store is full. */
  create(input: UserInput): User | undefined {
    if (this.users.size >= MAX_USERS) return undefined;
    return this.insert({ name: input.name, email: input.email ?? null, roles: input.roles ?? ['user'] });
  }

  /** Replaces an existing user; returns undefined when it does not exist. */
  replace(id: number, input: UserInput): User | undefined {
    if (!this.users.has(id)) return undefined;
    const user: User = { id, name: input.name, email: input.email ?? null, roles: input.roles ?? ['user'] };
    this.users.set(id, user);
    return user;
  }

  delete(id: number): boolean {
    return this.users.delete(id);
  }

  private insert(data: Omit<User, 'id'>): User {
    const user: User = { id: this.nextId++, ...data };
    this.users.set(user.id, user);
    return user;
  }
}
