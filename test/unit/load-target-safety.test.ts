import { describe, expect, test } from '@jest/globals';
import { isLocalAddress, isLocalTarget } from '../../src/load/target-safety.js';

describe('load target safety', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.1.1', true],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['8.8.8.8', false],
    ['2606:4700::1111', false],
    ['example.com', false],
  ])('%s local: %p', (address, local) => {
    expect(isLocalAddress(address)).toBe(local);
  });

  test('names: localhost is local; others by every address they resolve to; unresolvable is not local', async () => {
    const resolve = async (host: string): Promise<string[]> => {
      if (host === 'db.internal') return ['10.0.0.5', '10.0.0.6'];
      if (host === 'mixed.example') return ['10.0.0.5', '93.184.216.34'];
      throw new Error('ENOTFOUND');
    };
    expect(await isLocalTarget('http://localhost:3000/x', resolve)).toBe(true);
    expect(await isLocalTarget('http://api.localhost/x', resolve)).toBe(true);
    expect(await isLocalTarget('http://localhost.:3000/x', resolve)).toBe(true);
    expect(await isLocalTarget('http://[::1]:3000/', resolve)).toBe(true);
    expect(await isLocalTarget('http://db.internal/', resolve)).toBe(true);
    expect(await isLocalTarget('http://mixed.example/', resolve)).toBe(false);
    expect(await isLocalTarget('https://nowhere.invalid/', resolve)).toBe(false);
    expect(await isLocalTarget('https://1.1.1.1/', resolve)).toBe(false);
  });
});
