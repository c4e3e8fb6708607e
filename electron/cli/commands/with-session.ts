/** The steps every instance command starts with: find the instance, read the token, connect. */
import type { CliIo } from '../cli-io';
import { openSession, readToken, type HubSession, type SessionOptions, type TokenOptions } from '../hub-session';
import { findInstance, type Instance } from '../instance-finder';

/** The options every instance command takes. */
export interface InstanceOptions extends TokenOptions {
  /** `--port N`. */
  port?: number;
}

/** Find the instance (or fail in one line). */
export function locate(options: InstanceOptions, io: CliIo): Promise<Instance> {
  return findInstance({ cwd: io.cwd, env: io.env, ...(options.port === undefined ? {} : { port: options.port }) });
}

/** Run `work` with a session on the instance; the session is closed afterwards, whatever happens. */
export async function withSession<T>(options: InstanceOptions, io: CliIo, work: (session: HubSession) => Promise<T>, sessionOptions: SessionOptions = {}): Promise<T> {
  const instance = await locate(options, io);
  const session = await openSession(instance, readToken(instance, options, io), sessionOptions);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
