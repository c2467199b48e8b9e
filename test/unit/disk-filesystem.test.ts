import { describe, expect, it } from 'vitest';
import { deviceNumber, parseMountInfoLine } from '../../src/disk/filesystem.js';

describe('deviceNumber', () => {
  it('device number of vda', () => {
    expect(deviceNumber(0xfe00)).toBe('254:0');
  });

  it('device number of tmpfs', () => {
    expect(deviceNumber(0x25)).toBe('0:37');
  });

  it('device number with large minor', () => {
    // makedev(8, 300): the minor's high bits sit above the major.
    const dev = (300 & 0xff) | (8 << 8) | ((300 & ~0xff) << 12);
    expect(deviceNumber(dev)).toBe('8:300');
  });
});

describe('parseMountInfoLine', () => {
  it('mountinfo line of root', () => {
    const line = '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard';
    expect(parseMountInfoLine(line)).toEqual({
      device: '254:0',
      mount: '/',
      type: 'ext4',
      source: '/dev/vda',
    });
  });

  it('mountinfo line with optional fields', () => {
    const line = '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw';
    expect(parseMountInfoLine(line)).toMatchObject({ mount: '/mnt2', type: 'ext3' });
  });

  it('mountinfo line with escaped spaces', () => {
    const line = '50 27 0:45 / /srv/my\\040data rw - tmpfs tmp\\134fs rw';
    expect(parseMountInfoLine(line)).toMatchObject({ mount: '/srv/my data', source: 'tmp\\fs' });
  });

  it('mountinfo line without separator', () => {
    expect(parseMountInfoLine('27 1 254:0 / / rw ext4 /dev/vda')).toBeNull();
  });
});
