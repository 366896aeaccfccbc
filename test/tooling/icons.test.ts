/**
 * The icon renderer draws three lucide shapes with a fixed set of attributes
 * each (views/icons.ts). An icon added later with another shape or without
 * one of those attributes would draw wrong without an error: this fails instead.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as icons from '../../src/ui/views/icons.js';

const ATTRIBUTES: Record<string, string[]> = {
  path: ['d'],
  circle: ['cx', 'cy', 'r'],
  rect: ['x', 'y', 'width', 'height', 'rx'],
};

describe('icons', () => {
  it('every icon is made of the shapes the renderer draws, with every attribute it reads', () => {
    const nodes = Object.entries(icons).filter(([name]) => name !== 'icon') as [string, [string, object][]][];
    assert.ok(nodes.length >= 15, `${nodes.length} icons`);
    for (const [name, node] of nodes) {
      for (const [tag, attrs] of node) {
        assert.ok(tag in ATTRIBUTES, `${name}: a ${tag}`);
        for (const a of ATTRIBUTES[tag]!) assert.ok(a in attrs, `${name}: a ${tag} without ${a}`);
        for (const a of Object.keys(attrs)) assert.ok(ATTRIBUTES[tag]!.includes(a), `${name}: ${tag} ${a} is dropped`);
      }
    }
  });
});
