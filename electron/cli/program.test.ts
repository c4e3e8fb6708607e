// The command line's parser, in-process: every subcommand's --help, and bad options and arguments
// refused with a usage error (exit 2) that names what was wrong. No instance runs here: commands
// that need one say so in one line and exit 1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, recordingIo } from './test-io';
import { runCli } from './program';

const COMMANDS = ['up', 'link', 'ps', 'start', 'stop', 'restart', 'logs', 'down'];

describe('switchyard --help', () => {
  it('lists every command', async () => {
    const { code, io } = await cli(['--help']);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/^Usage: switchyard \[options\] \[command\]/);
    for (const name of COMMANDS) expect(io.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it.each(COMMANDS)('%s --help says what it does and takes', async (name) => {
    const { code, io } = await cli([name, '--help']);
    expect(code).toBe(0);
    expect(io.stderr).toBe('');
    expect(io.stdout).toMatch(new RegExp(`^Usage: switchyard ${name} `));
    expect(io.stdout).toMatch(/-h, --help/);
    if (name !== 'up') expect(io.stdout).toMatch(/--port <n>[\s\S]*--token-file <file>[\s\S]*--token-stdin/);
  });

  it('up --help has every serve option and its own', async () => {
    const { io } = await cli(['up', '--help']);
    for (const option of ['--procfile', '--config', '--host', '--port', '--token <t>', '--token-stdin', '--token-file', '--allow-host', '--allow-origin', '--demo', '--no-window', '--open']) {
      expect(io.stdout).toContain(option);
    }
  });

  it.each([
    [['link', '--help'], /--viewer/],
    [['ps', '--help'], /--json/],
    [['logs', '--help'], /-f, --follow[\s\S]*-n, --lines <n>[\s\S]*--since <time>[\s\S]*--grep <regex>[\s\S]*--audit[\s\S]*--json/],
    [['restart', '--help'], /<name\.\.\.>/],
  ])('%j shows its options', async (argv, pattern) => {
    expect((await cli(argv)).io.stdout).toMatch(pattern);
  });
});

describe('bad options and arguments: exit 2, the command and the cause named', () => {
  it.each([
    [['ps', '--bogus'], /^switchyard ps: unknown option '--bogus'/],
    [['ps', 'extra'], /^switchyard ps: too many arguments/],
    [['up', '--port', ''], /^switchyard up: option '--port <n>' argument '' is invalid\. Expected an integer from 0 to 65535\./],
    [['up', '--port=x'], /argument 'x' is invalid/],
    [['up', '--port', '70000'], /argument '70000' is invalid/],
    [['up', '--token', 'short'], /argument 'short' is invalid\. Expected at least 8 characters/],
    [['up', '--procfile'], /argument missing/],
    [['up', '--procfile', 'a', '--config', 'b'], /^switchyard: give --procfile or --config, not both/],
    [['up', '--demo', '--procfile', 'a'], /^switchyard: give --demo, or --procfile \/ --config, not both/],
    [['up', '--token', 'long-enough-token', '--token-stdin'], /give --token or --token-stdin, not both/],
    [['link', '--port', '0'], /^switchyard link: option '--port <n>' argument '0' is invalid\. Expected a port from 1 to 65535\./],
    [['link', '--port', ''], /argument '' is invalid/],
    [['link', '--role', 'viewer'], /unknown option '--role'/],
    [['start'], /^switchyard start: missing required argument 'name'/],
    [['stop'], /missing required argument 'name'/],
    [['restart'], /missing required argument 'name'/],
    [['logs', '-n', 'ten'], /^switchyard logs: option '-n, --lines <n>' argument 'ten' is invalid\. Expected a whole number of lines\./],
    [['logs', '--since', 'yesterday-ish'], /argument 'yesterday-ish' is invalid\. Expected a duration/],
    [['logs', '--since', '10'], /argument '10' is invalid/],
    [['logs', '--grep', '(unclosed'], /argument '\(unclosed' is invalid\. Not a regular expression/],
    [['down', '--force'], /^switchyard down: unknown option '--force'/],
  ])('%j', async (argv, message) => {
    const { code, io } = await cli(argv);
    expect(code).toBe(2);
    expect(io.stdout).toBe('');
    expect(io.stderr).toMatch(message);
  });

  it('a usage error points to the command\'s help', async () => {
    const { io } = await cli(['logs', '--bogus']);
    expect(io.stderr).toContain('(see `switchyard logs --help`)');
  });
});

describe('without a running instance', () => {
  it.each([['ps'], ['link'], ['logs'], ['down'], ['restart', 'web'], ['ps', '--json']])('%j says so in one line and exits 1', async (...argv) => {
    const { code, io } = await cli(argv);
    expect(code).toBe(1);
    expect(io.stdout).toBe('');
    expect(io.stderr.split('\n')).toEqual([expect.stringMatching(/^switchyard: no Switchyard instance runs from \/\S+ \(or a folder above it\): start one there with `switchyard`, or name one with --port N$/), '']);
  });

  it('--port N names the port that nothing answers on', async () => {
    const { code, io } = await cli(['ps', '--port', '1']);
    expect(code).toBe(1);
    expect(io.stderr).toBe('switchyard: no Switchyard instance answers on port 1\n');
  });
});

describe('up in a folder with no definitions', () => {
  it('says in one line what to create, and exits 1 (switchyard and switchyard up alike)', async () => {
    for (const argv of [[], ['up'], ['--no-window']]) {
      const io = recordingIo();
      const code = await runCli(argv, io);
      expect(code).toBe(1);
      expect(io.stdout).toBe('');
      expect(io.stderr).toBe(
        `switchyard: nothing to run in ${io.cwd}: create a Procfile (one "name: command" per line, e.g. "web: npm run dev") or a switchyard.yaml, or try \`switchyard --demo\`\n`,
      );
    }
  });

  it('a folder with a Procfile is not "nothing": a bad one is reported by serve, naming the file', async () => {
    const io = recordingIo();
    mkdirSync(join(io.cwd, 'p'));
    writeFileSync(join(io.cwd, 'p', 'Procfile'), 'not a procfile line\n');
    io.cwd = join(io.cwd, 'p');
    const code = await runCli(['--no-window', '--port', '0'], io);
    expect(code).toBe(1);
    expect(io.stderr).toContain(`${join(io.cwd, 'Procfile')}:1: expected "name: command"`);
  });
});
