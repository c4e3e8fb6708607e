// The house's room rule, checked through the project's real ESLint config: a wrong import
// between rooms is an error whose message names the rule.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function roomErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.message.includes('room rule')).map((m) => m.message);
}

describe('room rule', () => {
  it.each([
    ['electron/hub/x.ts', "import '../renderer/x';\n"],
    ['electron/hub/x.ts', "import { a } from '../../renderer/src/app';\nexport const b = a;\n"],
    ['renderer/src/x.ts', "import '../../electron/hub/hub';\n"],
    ['renderer/src/x.ts', "import 'node:fs';\n"],
    ['renderer/src/x.ts', "import 'electron';\n"],
    ['shared/protocol/x.ts', "import 'node:fs';\n"],
    ['shared/protocol/x.ts', "import 'ws';\n"],
    ['shared/protocol/x.ts', "import 'react';\n"],
    ['shared/protocol/x.ts', "import 'fs';\n"],
    ['shared/protocol/x.ts', "import '../../electron/hub/hub';\n"],
    // The layer table inside electron/: lower rooms never import higher ones, nor neighbours.
    ['electron/hub/x.ts', "import '../supervisor/supervisor';\n"],
    ['electron/hub/x.ts', "import '../http/http-front';\n"],
    ['electron/supervisor/x.ts', "import '../core/switchyard-app';\n"],
    ['electron/supervisor/x.ts', "import '../http/metrics';\n"],
    ['electron/http/x.ts', "import '../core/switchyard-app';\n"],
    ['electron/core/x.ts', "import '../serve/index';\n"],
    ['electron/serve/x.ts', "import '../main/desktop-app';\n"],
    ['electron/main/x.ts', "import '../cli/commands';\n"],
    ['electron/preload/x.ts', "import '../hub/hub';\n"],
    // Several machines: the node router knows no engine; the Redis room knows no supervisor.
    ['electron/hub/x.ts', "import '../nodes/node-router';\n"],
    ['electron/nodes/x.ts', "import '../engines/redis';\n"],
    ['electron/engines/redis/x.ts', "import '../../supervisor/supervisor';\n"],
    ['shared/protocol/x.ts', "import '../../renderer/src/app';\n"],
    ['shared/protocol/x.ts', 'export const w = window.innerWidth;\n'],
    ['shared/protocol/x.ts', 'export const d = document.title;\n'],
  ])('%s: %s fails lint', async (file, code) => {
    expect(await roomErrors(file, code)).not.toEqual([]);
  });

  it.each([
    ['electron/hub/x.ts', "import '../../shared/protocol';\nimport 'node:fs';\n"],
    ['renderer/src/x.ts', "import '../../shared/protocol';\n"],
    ['shared/client/x.ts', "import '../protocol';\n"],
    ['electron/supervisor/x.ts', "import '../hub/hub-api';\n"],
    ['electron/http/x.ts', "import '../hub/hub';\n"],
    ['electron/core/x.ts', "import '../http/http-front';\nimport '../supervisor/supervisor';\n"],
    ['electron/serve/x.ts', "import '../core/switchyard-app';\n"],
    ['electron/cli/x.ts', "import '../core/cli-options';\n"],
    ['electron/hub/x.test.ts', "import '../http/hub-server';\n"],
    ['electron/engines/redis/x.ts', "import '../../nodes/node-network';\nimport '../../hub/engine';\n"],
    ['electron/core/x.ts', "import '../engines/redis';\nimport '../nodes/node-router';\n"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await roomErrors(file, code)).toEqual([]);
  });
});
