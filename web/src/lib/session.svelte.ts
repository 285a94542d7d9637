// Who uses this page. A service without users needs nothing; once it has users, the page asks
// for a token (kept in this browser until signing out) and sends it with every request.

import type { components } from './schema';

export type Caller = components['schemas']['CallerView'];

/** The browser keeps the token under this key. */
export const TOKEN_KEY = 'testbay.token';

let token = $state<string | null>(typeof localStorage === 'undefined' ? null : localStorage.getItem(TOKEN_KEY));
let caller = $state<Caller | null>(null);
let signInNeeded = $state(false);

export const session = {
  get token(): string | null {
    return token;
  },
  /** Who the service says the page acts as; `null` until it has answered. */
  get caller(): Caller | null {
    return caller;
  },
  /** The service refused the page's token, or wants one. */
  get signInNeeded(): boolean {
    return signInNeeded;
  },
};

/** Whether the page may act for `user` (cancel a run, change a template of theirs); nobody's
 * (an owner-less template) is for admins only, once the service has users. */
export function actsFor(user: string | null | undefined): boolean {
  if (!caller || caller.kind !== 'user') return true;
  return caller.admin || (!!user && caller.name === user);
}

/** The address of an event stream, with the token: `EventSource` cannot send headers. */
export function streamUrl(path: string): string {
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
}

/** The headers that carry the token. */
export function authorization(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Notes that the service refused the page's requests for want of a valid token. */
export function refused(): void {
  signInNeeded = true;
}

/** Asks the service who the page is, with `candidate` (or the kept token). */
async function whoAmI(candidate: string | null): Promise<Caller | null> {
  const headers: Record<string, string> = candidate ? { Authorization: `Bearer ${candidate}` } : {};
  const response = await fetch('/api/me', { headers });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`the service answered ${response.status}`);
  return (await response.json()) as Caller;
}

/** Learns who the page is; asks for a token when the service wants one. */
export async function loadSession(): Promise<void> {
  const me = await whoAmI(token);
  caller = me;
  signInNeeded = me === null;
}

/** Signs in with `candidate`; `false` when the service does not take it. */
export async function signIn(candidate: string): Promise<boolean> {
  const me = await whoAmI(candidate.trim());
  if (!me || me.kind === 'anyone') return false;
  token = candidate.trim();
  localStorage.setItem(TOKEN_KEY, token);
  caller = me;
  signInNeeded = false;
  return true;
}

/** Forgets the token in this browser. */
export async function signOut(): Promise<void> {
  token = null;
  localStorage.removeItem(TOKEN_KEY);
  await loadSession();
}
