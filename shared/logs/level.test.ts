import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS, type Level } from '../protocol/payloads/logs';
import { detectLevel, LEVEL_SCAN_CHARS, LEVEL_TEXT_HEAD, levelFromNumber } from './level';
import { stripAnsi } from './ansi';

function expectLevels(cases: Array<[string, Level | undefined]>): void {
  for (const [line, level] of cases) expect({ line, level: detectLevel(line) }).toEqual({ line, level });
}

describe('detectLevel: JSON lines', () => {
  it('reads pino numbers', () => {
    expectLevels([
      ['{"level":30,"time":1531171074631,"pid":657,"hostname":"box","msg":"hello world"}', 'info'],
      ['{"level":10,"time":1,"msg":"x"}', 'trace'],
      ['{"level":20,"time":1,"msg":"x"}', 'debug'],
      ['{"level":40,"time":1,"msg":"x"}', 'warn'],
      ['{"level":50,"time":1,"msg":"x"}', 'error'],
      ['{"level":60,"time":1,"msg":"x"}', 'error'],
      ['{"level":"warn","time":1,"msg":"pino with formatters.level"}', 'warn'],
    ]);
  });

  it('reads bunyan, winston, Serilog, Go slog JSON, journald export', () => {
    expectLevels([
      ['{"name":"myapp","hostname":"banana.local","pid":40161,"level":50,"msg":"oh no","time":"2013-01-04T18:46:23.851Z","v":0}', 'error'],
      ['{"message":"started","level":"info","timestamp":"2024-01-01T00:00:00Z"}', 'info'],
      ['{"@t":"2020-04-01T00:00:00Z","@mt":"Hello {User}","@l":"Warning","User":"x"}', 'warn'],
      ['{"time":"2023-10-12T10:00:00.000+02:00","level":"WARN","msg":"disk low","free":12}', 'warn'],
      ['{"time":"2023-10-12T10:00:00.000+02:00","level":"ERROR+2","msg":"x"}', 'error'],
      ['{"time":"2023-10-12T10:00:00.000+02:00","level":"DEBUG-4","msg":"x"}', 'debug'],
      ['{"severity":"CRITICAL","message":"GCP style"}', 'error'],
      ['{"lvl":"dbug","msg":"log15"}', 'debug'],
      ['{"__CURSOR":"s=abc;i=1","__REALTIME_TIMESTAMP":"1","PRIORITY":"3","MESSAGE":"x"}', 'error'],
      ['  {"level" : "info" , "msg":"spaces"}', 'info'],
    ]);
  });

  it('never reads a level out of a string value or a nested object', () => {
    expectLevels([
      ['{"msg":"error: everything failed","status":500}', undefined],
      ['{"msg":"has \\"level\\":\\"error\\" inside","level":"info"}', 'info'],
      ['{"msg":"ERROR ERROR","level":30}', 'info'],
      ['{"req":{"level":"error","q":[1,{"level":50}]},"level":"debug"}', 'debug'],
      ['{"data":{"level":50}}', undefined],
      ['{"level":"none of these"}', undefined],
      ['{not json at all, level: error}', undefined],
      ['{"priority":3,"msg":"a task priority, not journald"}', undefined],
    ]);
  });
});

describe('detectLevel: logfmt and Go', () => {
  it('reads level= and its relatives', () => {
    expectLevels([
      ['level=info msg="hello"', 'info'],
      ['time=2023-10-12T10:00:00.000+02:00 level=WARN msg="disk low" free=12', 'warn'],
      ['time=2023-10-12T10:00:00.000+02:00 level=INFO+2 msg=x', 'info'],
      ['time="2015-03-26T01:27:38-04:00" level=error msg="Started observing beach" animal=walrus', 'error'],
      ['ts=1697097600 caller=main.go:12 level="debug" msg=x', 'debug'],
      ['2024-01-01T00:00:00Z level=info msg=x', 'info'],
      ['at=error code=H12 desc="Request timeout" method=GET', 'error'],
    ]);
  });

  it('ignores level words in other keys and values', () => {
    expectLevels([
      ['msg="level=error inside a value" level=debug', 'debug'],
      ['foo=bar msg="an error happened"', undefined],
      ['error=true msg=x', undefined],
    ]);
  });

  it('reads Go log/slog text and glog', () => {
    expectLevels([
      ['2023/10/12 10:00:00 INFO hello count=3', 'info'],
      ['2023/10/12 10:00:00 WARN disk low', 'warn'],
      ['2023/10/12 10:00:00 listening on :8080', undefined],
      ['E1012 10:00:00.123456    1234 main.go:12] failed to sync', 'error'],
      ['I1012 10:00:00.123456    1234 main.go:12] synced', 'info'],
      ['W1012 10:00:00.123456    1234 main.go:12] slow', 'warn'],
    ]);
  });
});

describe('detectLevel: plain text prefixes', () => {
  it('reads Python logging', () => {
    expectLevels([
      ['WARNING:root:disk low', 'warn'],
      ['ERROR:myapp.db:connection refused', 'error'],
      ['DEBUG:asyncio:Using selector: EpollSelector', 'debug'],
      ['2024-01-01 12:00:00,123 - myapp - INFO - started', 'info'],
      ['2024-01-01 12:00:00,123 - my.module.name - CRITICAL - x', 'error'],
      ['[2024-01-01 12:00:00,123] ERROR in app: Exception on / [GET]', 'error'],
      ['INFO:     127.0.0.1:8000 - "GET / HTTP/1.1" 200 OK', 'info'],
      ['[2024-01-01 12:00:00,123: WARNING/MainProcess] celery', 'warn'],
      ['[2024-01-01 12:00:00 +0000] [1234] [INFO] Starting gunicorn 21.2.0', 'info'],
    ]);
  });

  it("reads Ruby's Logger (Rails)", () => {
    expectLevels([
      ['I, [2024-01-01T12:00:00.123456 #1234]  INFO -- : Started GET "/" for ::1', 'info'],
      ['E, [2024-01-01T12:00:00.123456 #1234] ERROR -- : boom', 'error'],
      ['W, [2024-01-01T12:00:00.123456 #1234]  WARN -- : careful', 'warn'],
      ['D, [2024-01-01T12:00:00.123456 #1234] DEBUG -- : detail', 'debug'],
      ['F, [2024-01-01T12:00:00.123456 #1234] FATAL -- : dead', 'error'],
    ]);
  });

  it('reads a level word or a bracketed level near the start', () => {
    expectLevels([
      ['WARN: low disk', 'warn'],
      ['[WARN] low disk', 'warn'],
      ['[warn] low disk', 'warn'],
      ['WARNING: deprecated', 'warn'],
      ['Error: ENOENT: no such file or directory', 'error'],
      ['error[E0308]: mismatched types', 'error'],
      ['warning: unused variable: `x`', 'warn'],
      ['main.c:3:5: error: expected ";"', 'error'],
      ['(node:1234) Warning: Possible EventEmitter memory leak detected', 'warn'],
      ['npm ERR! code E404', 'error'],
      ['FAIL src/a.test.ts', 'error'],
      ['info: Microsoft.Hosting.Lifetime[0]', 'info'],
      ['fail: Microsoft.AspNetCore.Server[1]', 'error'],
      ['2024/01/01 12:00:00 [error] 123#0: *1 open() failed', 'error'],
      ['12:00:00.123 [info] Running MyApp.Endpoint', 'info'],
      ['2024-01-01 12:00:00.123 UTC [123] LOG:  database system is ready', 'info'],
      ['2024-01-01 12:00:00.123 UTC [123] ERROR:  relation "x" does not exist', 'error'],
      ['2024-01-01T12:00:00.123+00:00  INFO 1234 --- [main] o.s.b.StartupInfoLogger : Starting', 'info'],
      ['2024-01-01 12:00:00.123 [main] WARN  com.foo.Bar - slow', 'warn'],
      ['12:00:00.123 [pool-1-thread-3] ERROR c.f.B - x', 'error'],
      ['[2024-01-01 12:00:00] local.ERROR: Undefined variable', 'error'],
      ['[2024-01-01T12:00:00.000Z]  INFO: myapp/1234 on host: hi', 'info'],
      ['[12:00:00.000] INFO (1234): hello', 'info'],
      ['12:00AM INF hello', 'info'],
      ['12:00AM ERR failed', 'error'],
      ['INFO[0000] logrus tty', 'info'],
      ['web-1  | ERROR boom', 'error'],
      ['01-01 12:00:00.123  1234  1234 E Tag: msg', 'error'],
      ['E/AndroidRuntime: FATAL EXCEPTION', 'error'],
      ['Oct 12 10:00:00 ERROR after a syslog date', 'error'],
    ]);
  });

  it('reads journald and syslog priorities', () => {
    expectLevels([
      ['<3>something broke', 'error'],
      ['<4>careful', 'warn'],
      ['<6>started', 'info'],
      ['<7>detail', 'debug'],
      ['<134>1 2024-01-01T00:00:00Z host app - - - hi', 'info'],
      ['<error> angle brackets', 'error'],
    ]);
  });

  it('strips ANSI colours before looking', () => {
    expectLevels([
      ['\x1b[2m2024-01-01T12:00:00.123456Z\x1b[0m \x1b[33m WARN\x1b[0m \x1b[2mmyapp\x1b[0m: low', 'warn'],
      ['\x1b[31mERROR\x1b[39m boom', 'error'],
      ['\x1b]8;;http://x\x07WARN\x1b]8;;\x07 a hyperlinked level', 'warn'],
      ['\x1b[1;31m[error]\x1b[0m x', 'error'],
    ]);
    expect(stripAnsi('\x1b[1;31mred\x1b[0m \x1b]0;title\x1b\\done')).toBe('red done');
  });

  it('does not read a level from the middle of a message', () => {
    expectLevels([
      ['Connection failed with error 42', undefined],
      ['request failed with error: timeout', undefined],
      ['GET /error 500 12ms', undefined],
      ['127.0.0.1 - - [01/Jan/2024:12:00:00 +0000] "GET /error HTTP/1.1" 500 12', undefined],
      ['Processing 3 items, 1 warning', undefined],
      ['I think this works', undefined],
      ['Errors: 0', undefined],
      ['    at Object.<anonymous> (/app/error.js:1:1)', undefined],
      ['The server said ERROR after a long time', undefined],
      ['error-prone code ahead', undefined],
      ['', undefined],
    ]);
  });
});

describe('detectLevel: properties', () => {
  const levelWord = fc.constantFrom('ERROR', 'error', 'Error', 'WARN', 'warn', 'WARNING', 'INFO', 'info', 'DEBUG', 'TRACE', 'FATAL', '[ERROR]', 'error:', 'E,', 'level=error', '"level":"error"');
  // Words of a message that are not level words (letters only, never forming one).
  const plainWord = fc.stringMatching(/^[b-dg-hj-km-np-qs-uxyz]{2,9}$/);
  const noisyChar = fc.constantFrom('a', 'e', 'r', 'o', 'E', 'R', 'O', ' ', '{', '}', '"', ':', ',', '=', '[', ']', '<', '>', '\\', '\x1b', '3', '0', '\n', '\t', 'é', '\u{1F600}');
  const noisy = fc.array(fc.oneof(noisyChar, levelWord, fc.string({ maxLength: 8 })), { maxLength: 80 }).map((parts) => parts.join(''));

  it('never throws and answers a level or undefined, whatever the string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), noisy), (line) => {
        const level = detectLevel(line);
        expect(level === undefined || LEVELS.includes(level)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    // Not a string at all (a caller's bug) is still not a throw.
    expect(detectLevel(undefined as unknown as string)).toBeUndefined();
  });

  it(`depends only on the first ${LEVEL_SCAN_CHARS} characters`, () => {
    const long = fc.array(fc.oneof(noisy, levelWord, fc.constant(' ')), { minLength: 1, maxLength: 60 }).map((parts) => parts.join('').padEnd(LEVEL_SCAN_CHARS, ' x'));
    fc.assert(
      fc.property(long, levelWord, fc.string({ maxLength: 50 }), (head, word, tail) => {
        const base = detectLevel(head + tail);
        expect(detectLevel(`${head}${word} ${tail}`)).toBe(base);
      }),
      { numRuns: 500 },
    );
  });

  it(`ignores level words after the first ${LEVEL_TEXT_HEAD} characters of a plain message`, () => {
    fc.assert(
      fc.property(fc.array(plainWord, { minLength: 1, maxLength: 40 }), levelWord, fc.string({ maxLength: 30 }), (words, word, tail) => {
        const message = words.join(' ').padEnd(LEVEL_TEXT_HEAD, ' xyz');
        expect(detectLevel(`${message} ${word} ${tail}`)).toBeUndefined();
      }),
    );
  });

  it('ignores level words after the first three words of a message', () => {
    fc.assert(
      fc.property(fc.tuple(plainWord, plainWord, plainWord), fc.array(plainWord, { maxLength: 5 }), levelWord, (first, more, word) => {
        expect(detectLevel(`${[...first, ...more].join(' ')} ${word} happened`)).toBeUndefined();
      }),
    );
  });

  it("never reads a JSON line's level out of its message, and always reads the level key", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.oneof(levelWord, fc.string()), fc.constantFrom<[unknown, Level]>(['warn', 'warn'], [50, 'error'], ['INFO', 'info']), (msg, word, [value, level]) => {
        const text = `${word} ${msg} ${word}`;
        expect(detectLevel(JSON.stringify({ msg: text, nested: { level: 'error' } }))).toBeUndefined();
        expect(detectLevel(JSON.stringify({ msg: text, level: value }))).toBe(level);
        expect(detectLevel(JSON.stringify({ time: 1, level: value, msg: text }))).toBe(level);
      }),
    );
  });

  it('keeps a leading level word whatever follows it', () => {
    fc.assert(
      fc.property(fc.constantFrom<[string, Level]>(['ERROR', 'error'], ['WARN', 'warn'], ['[INFO]', 'info'], ['debug:', 'debug'], ['Warning:', 'warn']), fc.string({ maxLength: 200 }), ([word, level], tail) => {
        expect(detectLevel(`${word} ${tail}`)).toBe(level);
      }),
    );
  });

  it('maps the pino/bunyan scale', () => {
    expect([5, 10, 25, 30, 45, 50, 60, 101].map(levelFromNumber)).toEqual([undefined, 'trace', 'debug', 'info', 'warn', 'error', 'error', undefined]);
  });
});
