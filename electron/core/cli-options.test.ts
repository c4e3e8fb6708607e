import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('has the contract defaults', () => {
    const o = parseCliOptions([]);
    expect(o).toMatchObject({ host: '127.0.0.1', port: DEFAULT_PORT, portExplicit: false, help: false });
    expect(o.token).toBeUndefined();
    expect(DEFAULT_PORT).toBe(7420);
  });

  it('reads every option, in both spellings', () => {
    const o = parseCliOptions(['--procfile', 'P', '--host=0.0.0.0', '--port', '0', '--token', 'secret-token', '--allow-host', 'Box.local', '--allow-origin', 'http://a.test/']);
    expect(o).toMatchObject({ procfile: 'P', host: '0.0.0.0', port: 0, portExplicit: true, token: 'secret-token', allowedHosts: ['box.local'], allowedOrigins: ['http://a.test'] });
  });

  it('knows where the token came from (the flag is warned about), and --token-stdin', () => {
    expect(parseCliOptions(['--token', 'from-flag-123']).tokenSource).toBe('flag');
    expect(parseCliOptions([], { SWITCHYARD_TOKEN: 'from-env-123' }).tokenSource).toBe('env');
    expect(parseCliOptions(['--token-stdin'])).toMatchObject({ tokenStdin: true });
    expect(parseCliOptions(['--token-stdin']).token).toBeUndefined();
  });

  it('--help', () => {
    expect(parseCliOptions(['--help']).help).toBe(true);
    expect(parseCliOptions(['-h']).help).toBe(true);
  });

  it('takes the token and token file from the environment, the flag winning', () => {
    expect(parseCliOptions([], { SWITCHYARD_TOKEN: 'from-env-123' }).token).toBe('from-env-123');
    expect(parseCliOptions(['--token', 'from-flag-123'], { SWITCHYARD_TOKEN: 'from-env-123' }).token).toBe('from-flag-123');
    expect(parseCliOptions([], { SWITCHYARD_TOKEN_FILE: '/x/t' }).tokenFile).toBe('/x/t');
  });

  it('takes the engine from --engine or SWITCHYARD_ENGINE, and --node only with an engine', () => {
    expect(parseCliOptions(['--engine', 'redis://r:6379', '--node', 'build-1'])).toMatchObject({ engine: 'redis://r:6379', node: 'build-1' });
    expect(parseCliOptions([], { SWITCHYARD_ENGINE: 'redis://:pw@r' }).engine).toBe('redis://:pw@r');
    expect(() => parseCliOptions(['--engine', 'redis://r', '--node', 'a@b'])).toThrow(/--node.*Expected 1 to 63/);
    expect(() => parseCliOptions(['--node', 'a'])).toThrow(/give --engine too/);
  });

  it.each([
    [['--port', 'abc'], /--port/],
    [['--port', '70000'], /--port/],
    [['--port', ''], /option '--port <n>' argument '' is invalid/],
    [['--port='], /argument '' is invalid/],
    [['--port', '-1'], /argument '-1' is invalid/],
    [['--port'], /argument missing/],
    [['--token', 'short'], /at least 8/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--procfile', 'a', '--config', 'b'], /not both/],
    [['--procfile='], /--procfile needs a value/],
    [['--token', 'long-enough-1', '--token-stdin'], /--token or --token-stdin, not both/],
    [['stray'], /too many arguments/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliOptions(argv)).toThrow(message);
  });
});

describe('parseCliOptions in the desktop app', () => {
  it("ignores Chromium's own switches but still checks ours", () => {
    expect(parseCliOptions(['--no-sandbox', '--port', '0'], {}, { ignoreUnknown: true }).port).toBe(0);
    expect(() => parseCliOptions(['--no-sandbox', '--port', 'x'], {}, { ignoreUnknown: true })).toThrow(/--port/);
    expect(parseCliOptions(['--enable-logging=stderr', '--allow-host=box', '--token-stdin', 'app-path'], {}, { ignoreUnknown: true })).toMatchObject({ allowedHosts: ['box'], tokenStdin: true });
  });
});
