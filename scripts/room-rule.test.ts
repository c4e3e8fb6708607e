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
    ['shared/protocol/x.ts', "import '../../electron/hub/types';\n"],
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
  ])('%s: %s is allowed', async (file, code) => {
    expect(await roomErrors(file, code)).toEqual([]);
  });
});
