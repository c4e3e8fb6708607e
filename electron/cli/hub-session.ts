/**
 * A command's connection to an instance: the operator token read from where the user said (or the
 * instance's token file), then shared/client's ReconnectingClient over ws, with calls typed by the
 * protocol's method map. Errors come out as one-line CliErrors naming the instance.
 */
import WebSocket from 'ws';
import { ReconnectingClient, type ClientError, requestArgs } from '../../shared/client/reconnecting-client';
import type { MethodName, ParamsOf, ResultOf } from '../../shared/protocol/method-map';
import { readPrivateFile } from '../platform/private-files';
import { CliError } from './cli-error';
import type { CliIo } from './cli-io';
import type { Instance } from './instance-finder';

/** How the user passed a token to a command (never on argv). */
export interface TokenOptions {
  /** `--token-file FILE`. */
  tokenFile?: string;
  /** `--token-stdin`. */
  tokenStdin?: boolean;
}

/** The token for an instance: `--token-stdin`, `--token-file`, the instance's token file, else `SWITCHYARD_TOKEN`. */
export function readToken(instance: Instance, options: TokenOptions, io: Pick<CliIo, 'readStdin' | 'env'>): string {
  if (options.tokenStdin) return firstLine(io.readStdin(), 'stdin (--token-stdin)');
  if (options.tokenFile) return firstLine(readTokenFile(options.tokenFile, '--token-file'), options.tokenFile);
  if (instance.tokenFile) {
    try {
      return firstLine(readPrivateFile(instance.tokenFile), instance.tokenFile);
    } catch (err) {
      if (!io.env.SWITCHYARD_TOKEN) throw new CliError(`cannot read the token file of the instance on port ${instance.port}: ${errorText(err)}`);
    }
  }
  if (io.env.SWITCHYARD_TOKEN) return io.env.SWITCHYARD_TOKEN;
  throw new CliError(`the instance on port ${instance.port} wrote no token file: give its token with --token-file FILE, --token-stdin or SWITCHYARD_TOKEN`);
}

/** An open connection to an instance. */
export interface HubSession {
  readonly client: ReconnectingClient;
  readonly instance: Instance;
  /** Call a method; rejects with a CliError whose message is the hub's reason. */
  call<M extends MethodName>(method: M, params?: ParamsOf<M>, timeoutMs?: number): Promise<ResultOf<M>>;
  close(): Promise<void>;
}

/** Options of {@link openSession}. */
export interface SessionOptions {
  /** Keep reconnecting (for `logs -f`) instead of giving up after a few tries. Default false. */
  persistent?: boolean;
}

/** Connect with the token; throws a CliError when the instance refuses or cannot be reached. */
export async function openSession(instance: Instance, token: string, options: SessionOptions = {}): Promise<HubSession> {
  const client = new ReconnectingClient({
    url: instance.hubUrl,
    WebSocket,
    token,
    tokenVia: 'header',
    maxRetries: options.persistent ? 0 : 2,
    initialDelayMs: 250,
    maxDelayMs: options.persistent ? 5000 : 1000,
    connectTimeoutMs: 5000,
  });
  client.start();
  try {
    await client.whenConnected();
  } catch (err) {
    await client.close();
    const e = err as ClientError;
    if (e.code === 'auth') throw new CliError(`the instance on port ${instance.port} refused the token (401): it is not this instance's token`);
    throw new CliError(`cannot connect to the instance on port ${instance.port}: ${e.message}`);
  }
  return {
    client,
    instance,
    async call(method, params, timeoutMs) {
      try {
        return await client.request(method, ...requestArgs<typeof method>(params, timeoutMs === undefined ? {} : { timeoutMs }));
      } catch (err) {
        throw new CliError(errorText(err), 1, (err as ClientError).code);
      }
    },
    close: () => client.close(),
  };
}

function readTokenFile(path: string, option: string): string {
  try {
    return readPrivateFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${option} ${path}: ${code === 'ENOENT' ? 'no such file' : errorText(err)}`);
  }
}

function firstLine(text: string, where: string): string {
  const line = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (!line) throw new CliError(`${where} holds no token`);
  return line;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
