/** The hub's own request methods: `hub.stats`, `hub.whoami`, `hub.loginLink`, `hub.disconnect`, `hub.revokeSessions`. */
import type { Hub } from './hub';
import { MethodError, type MethodRegistry } from './methods';

/** What the built-in methods need beyond the hub. */
export interface HubMethodOptions {
  /** Start of a login link; the ticket is appended. */
  loginUrlBase: () => string;
}

/** Register the hub's methods on its registry. */
export function registerHubMethods(hub: Hub, methods: MethodRegistry, options: HubMethodOptions): void {
  methods.registerMethod('hub.stats', () => hub.stats());

  // A page cannot see its own credentials: it asks who it is, to show or hide controls.
  methods.registerMethod('hub.whoami', (_params, ctx) => {
    const expires = hub.client(ctx.clientId)?.sessionExpiresAt;
    return { clientId: ctx.clientId, userId: ctx.userId, role: ctx.role, ...(expires ? { sessionExpiresAt: expires } : {}) };
  });

  methods.registerMethod('hub.loginLink', ({ role }) => {
    const { ticket, expiresAt } = hub.auth.issueTicketWithExpiry(role);
    return { url: options.loginUrlBase() + encodeURIComponent(ticket), expiresAt };
  });

  methods.registerMethod('hub.disconnect', ({ clientId }) => {
    if (!hub.disconnect(clientId)) throw new MethodError('not_found', `no client "${clientId.slice(0, 100)}"`);
    return { disconnected: clientId };
  });

  // Sessions end at once: their connections are closed too, so a stolen session stops working now.
  methods.registerMethod('hub.revokeSessions', (params) => {
    const revoked = hub.auth.revokeSessions(params?.role);
    hub.disconnectSessions(revoked);
    return { revoked: revoked.length };
  });
}
