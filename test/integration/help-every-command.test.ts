/**
 * Every command and subcommand of the real binary prints its help (exit 0): their options register without a
 * conflict. A flag added to the shared request flags that another command already uses (batch's -c, load's -d)
 * throws when commander builds that command — an exit 70 for every use of it, caught here for all commands at once.
 */
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/run-cli.js';

/** The command names listed under "Commands:" in a help text (help itself left out). */
function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:\n/m)[1] ?? '';
  const names: string[] = [];
  for (const line of section.split('\n')) {
    if (line.trim() === '') break;
    const match = /^ {2}([a-z][a-z0-9-]*)\b/.exec(line);
    if (match?.[1] !== undefined && match[1] !== 'help') names.push(match[1]);
  }
  return names;
}

describe('--help of every command', () => {
  test('the program, each command and each subcommand: exit 0, usage on stdout, nothing on stderr', async () => {
    const root = await runCli(['--help']);
    expect(root.code).toBe(0);
    const commands = commandsOf(root.stdout);
    expect(commands).toEqual(expect.arrayContaining(['run', 'batch', 'webhook', 'auth', 'import', 'demo-server']));
    const seen: string[] = [];
    for (const command of commands) {
      const help = await runCli([command, '--help']);
      expect({ command, code: help.code, stderr: help.stderr }).toEqual({ command, code: 0, stderr: '' });
      expect(help.stdout).toContain(`Usage: apitest ${command}`);
      seen.push(command);
      for (const sub of commandsOf(help.stdout)) {
        const subHelp = await runCli([command, sub, '--help']);
        expect({ command: `${command} ${sub}`, code: subHelp.code, stderr: subHelp.stderr }).toEqual({ command: `${command} ${sub}`, code: 0, stderr: '' });
        seen.push(`${command} ${sub}`);
      }
    }
    expect(seen).toEqual(expect.arrayContaining(['webhook listen', 'webhook send', 'auth token', 'auth clear']));
  }, 120_000);
});
