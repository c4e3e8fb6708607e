/** The hub's own request methods: `hub.stats`, `hub.whoami`, `hub.loginLink`, `hub.disconnect`. */
import type { Hub } from './hub';
import type { MethodRegistry } from './methods';
import { MethodError } from './types';

/** What the built-in methods need beyond the hub. */
export interface HubMethodOptions {
  /** Start of a login link; the ticket is appended. */
  loginUrlBase: () => string;
}

/** Register the hub's methods on its registry. */
export function registerHubMethods(hub: Hub, methods: MethodRegistry, options: HubMethodOptions): void {
  methods.register('hub.stats', () => hub.stats(), { role: 'viewer' });

  // A page cannot see its own credentials (an HttpOnly cookie): it asks who it is, to show or hide controls.
  methods.register('hub.whoami', (_params, ctx) => ({ clientId: ctx.clientId, userId: ctx.userId, role: ctx.role }), { role: 'viewer' });

  methods.register('hub.loginLink', (params) => {
    const role = field(params, 'role');
    if (role !== 'operator' && role !== 'viewer') throw new MethodError('bad_params', 'params.role must be "operator" or "viewer"');
    const url = options.loginUrlBase() + encodeURIComponent(hub.auth.issueTicket(role));
    return { url, expiresAt: new Date(Date.now() + hub.auth.ticketTtlMs).toISOString() };
  });

  methods.register('hub.disconnect', (params) => {
    const clientId = field(params, 'clientId');
    if (typeof clientId !== 'string') throw new MethodError('bad_params', 'params.clientId must be a string');
    if (!hub.disconnect(clientId)) throw new MethodError('not_found', `no client "${clientId.slice(0, 100)}"`);
    return { disconnected: clientId };
  });
}

function field(params: unknown, name: string): unknown {
  return typeof params === 'object' && params !== null ? (params as Record<string, unknown>)[name] : undefined;
}
