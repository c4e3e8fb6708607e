import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliOptions } from './cli-options';
import { TOKEN_FLAG_WARNING, resolveTokenInput } from './token-input';

const dir = () => mkdtempSync(join(tmpdir(), 'switchyard-token-input-'));

describe('resolveTokenInput', () => {
  it('warns about --token, not about the environment', () => {
    expect(resolveTokenInput(parseCliOptions(['--token', 'flag-token-123'])).warnings).toEqual([TOKEN_FLAG_WARNING]);
    expect(resolveTokenInput(parseCliOptions([], { SWITCHYARD_TOKEN: 'env-token-123' })).warnings).toEqual([]);
  });

  it('--token-stdin: the first line, trimmed; empty or short is refused', () => {
    const read = (text: string) => resolveTokenInput(parseCliOptions(['--token-stdin']), { readStdin: () => text });
    expect(read('stdin-token-123\r\nmore\n').options.token).toBe('stdin-token-123');
    expect(() => read('')).toThrow('--token-stdin: stdin holds no token');
    expect(() => read('short\n')).toThrow(/at least 8/);
  });

  it('an existing token file is read (and marked so) only when no token was given', () => {
    const file = join(dir(), 't');
    writeFileSync(file, 'file-token-123\n', { mode: 0o600 });
    expect(resolveTokenInput(parseCliOptions(['--token-file', file])).options).toMatchObject({ token: 'file-token-123', tokenFromFile: true });
    expect(resolveTokenInput(parseCliOptions(['--token-file', file], { SWITCHYARD_TOKEN: 'env-token-123' })).options).toMatchObject({ token: 'env-token-123' });
    expect(resolveTokenInput(parseCliOptions(['--token-file', join(dir(), 'missing')])).options.token).toBeUndefined();
  });

  it('refuses a token file others can read, and a symlink', () => {
    const d = dir();
    const file = join(d, 't');
    writeFileSync(file, 'file-token-123\n', { mode: 0o600 });
    chmodSync(file, 0o640);
    expect(() => resolveTokenInput(parseCliOptions(['--token-file', file]))).toThrow(`--token-file ${file}: ${file} is readable by other users (mode 640); run \`chmod 600 ${file}\``);
    chmodSync(file, 0o600);
    symlinkSync(file, join(d, 'link'));
    expect(() => resolveTokenInput(parseCliOptions(['--token-file', join(d, 'link')]))).toThrow(/is a symlink; refusing to follow it/);
  });
});
