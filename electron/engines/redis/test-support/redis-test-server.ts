/**
 * TEST SUPPORT: a real `redis-server` of this test's own, on a free loopback port, in a temp dir,
 * with no persistence unless told otherwise; stopped (or SIGKILLed) by its pid. Where Debian's
 * `redis-server` is missing, {@link REDIS_MISSING} says why, so that the tests are skipped with
 * the reason (`apt-get install redis-server`), never silently.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../platform/test-support/free-port';

/** Why the Redis tests cannot run here, or undefined when they can. */
export const REDIS_MISSING: string | undefined = (() => {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'redis-server not found (apt-get install redis-server)';
})();

/** Extra `redis-server` arguments that make it refuse-worthy or protected. */
export interface RedisServerOptions {
  /** Arguments after the defaults (`--save "" --appendonly no`), e.g. `['--save', '60 1']`. */
  args?: string[];
  /** A port to use (a restart on the same port). Default a free one. */
  port?: number;
}

/** A running test Redis. */
export class RedisTestServer {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'sy-redis-'));

  private constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  /** Start one and wait until it accepts connections. */
  static async start(options: RedisServerOptions = {}): Promise<RedisTestServer> {
    const server = new RedisTestServer(options.port ?? (await freePort()), options.args ?? []);
    await server.launch();
    return server;
  }

  /**
   * One that speaks TLS only, with a certificate for 127.0.0.1 signed by a CA of its own
   * (`ca`: give it to clients, e.g. NODE_EXTRA_CA_CERTS); undefined when openssl is missing.
   */
  static async startTls(args: string[] = []): Promise<{ server: RedisTestServer; ca: string } | undefined> {
    const dir = mkdtempSync(join(tmpdir(), 'sy-redis-tls-'));
    const run = (...a: string[]) => spawnSync('openssl', a, { cwd: dir, encoding: 'utf8' }).status === 0;
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    const made =
      run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=switchyard-test-ca') &&
      run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1') &&
      run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');
    if (!made) return undefined;
    const port = await freePort();
    const tls = ['--port', '0', '--tls-port', String(port), '--tls-cert-file', join(dir, 'srv.pem'), '--tls-key-file', join(dir, 'srv.key'), '--tls-ca-cert-file', join(dir, 'ca.pem'), '--tls-auth-clients', 'no'];
    const server = new RedisTestServer(port, [...tls, ...args]);
    await server.launch();
    return { server, ca: join(dir, 'ca.pem') };
  }

  /** `redis://127.0.0.1:PORT`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The server's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Run `redis-cli` against it; resolves with its output. */
  cli(...args: string[]): string {
    const run = spawnSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' });
    return `${run.stdout}${run.stderr}`.trim();
  }

  /** SIGKILL it (a crash: nothing saved). */
  async kill(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  /** Start it again on the same port (empty: it had no persistence). */
  async restart(): Promise<void> {
    await this.launch();
  }

  /** Stop it and remove its folder; safe to call twice. */
  async stop(): Promise<void> {
    await this.stopWith('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--daemonize', 'no', ...this.args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${this.port}:\n${out}`)), 10_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${out}`));
      });
    });
  }

  private async stopWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await gone;
  }
}
