import { describe, expect, it } from 'vitest';
import { groupByNode } from './node-groups';
import { processColourVar } from './process-colours';

describe('groupByNode', () => {
  it('groups by node in the order of first appearance and marks a node whose processes are all unreachable', () => {
    const groups = groupByNode([
      { id: 'web@a', node: 'a', status: 'running' as const },
      { id: 'db@b', node: 'b', status: 'unreachable' as const },
      { id: 'job@a', node: 'a', status: 'exited' as const },
    ]);
    expect(groups.map((g) => [g.node, g.gone, g.processes.map((p) => p.id)])).toEqual([
      ['a', false, ['web@a', 'job@a']],
      ['b', true, ['db@b']],
    ]);
  });

  it('is one unnamed group on a single machine', () => {
    expect(groupByNode([{ id: 'web', status: 'running' as const }]).map((g) => g.node)).toEqual([undefined]);
  });
});

describe('processColourVar', () => {
  it('names a qualified process with a property var() can parse', () => {
    expect(processColourVar('web')).toBe('--proc-web');
    expect(processColourVar('web@build-1.example')).toBe('--proc-web_40_build-1_2e_example');
  });
});
