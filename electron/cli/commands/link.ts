/** `switchyard link [--viewer]`: a fresh one-time login link (hub.loginLink). */
import type { CliIo } from '../cli-io';
import { withSession, type InstanceOptions } from './with-session';

/** Print the link on stdout (nothing else, so that `xdg-open "$(switchyard link)"` works). */
export async function runLink(options: InstanceOptions & { viewer?: boolean }, io: CliIo): Promise<number> {
  const { url } = await withSession(options, io, (session) => session.call('hub.loginLink', { role: options.viewer ? 'viewer' : 'operator' }));
  io.out(`${url}\n`);
  return 0;
}
