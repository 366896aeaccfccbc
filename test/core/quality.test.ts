/** The quality thresholds the README gives: poor above 400 ms RTT or 5 % loss, fair above 200 ms or 1 %. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { qualityLevel } from '../../src/core/peer-link.js';

describe('quality level', () => {
  it('follows the documented thresholds on both sides of each edge', () => {
    const cases: [number | undefined, number, string][] = [
      [undefined, 0, 'good'],
      [200, 1, 'good'],
      [201, 0, 'fair'],
      [0, 1.1, 'fair'],
      [400, 5, 'fair'],
      [401, 0, 'poor'],
      [0, 5.1, 'poor'],
      [undefined, 6, 'poor'],
    ];
    for (const [rtt, loss, level] of cases) assert.equal(qualityLevel(rtt, loss), level, `${rtt} ms, ${loss} %`);
  });
});
