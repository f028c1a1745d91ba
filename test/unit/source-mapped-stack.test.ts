import { describe, expect, test } from '@jest/globals';
import { sourceMappedStack } from '../../src/cli/source-mapped-stack.js';

describe('sourceMappedStack', () => {
  test('frames it cannot map (no map beside the file, node internals) are kept as they are', () => {
    const stack = 'Error: x\n    at f (/nowhere/app.cjs:1:10)\n    at node:internal/process/task_queues:95:5\n    at /nowhere/other.js:3:4';
    expect(sourceMappedStack(stack)).toBe(stack);
  });
});
