import { describe, expect, test } from '@jest/globals';
import chalk from 'chalk';
describe('smoke', () => { test('esm import works', () => { expect(typeof chalk.red).toBe('function'); }); });
