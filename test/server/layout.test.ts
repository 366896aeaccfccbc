/** Grid geometry (a pure function): 1-8 tiles in three box shapes; a portrait box is filled. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gridGeometry } from '../../src/ui/layout.js';

const SHAPES = { wide: [1280, 640], square: [700, 700] } as const;
const GAP = 8;

describe('grid geometry', () => {
  for (const [shape, [w, h]] of Object.entries(SHAPES)) {
    it(`${shape} box (${w}×${h}): every count from 1 to 8 fits, without an empty row or column, with the largest tiles`, () => {
      for (let n = 1; n <= 8; n++) {
        const g = gridGeometry(n, w, h, GAP);
        assert.ok(g.columns * g.rows >= n, `${n}: room for all`);
        assert.ok((g.columns - 1) * g.rows < n && g.columns * (g.rows - 1) < n, `${n}: no empty row or column`);
        assert.ok(g.columns * g.width + (g.columns - 1) * GAP <= w, `${n}: fits the width`);
        assert.ok(g.rows * g.height + (g.rows - 1) * GAP <= h, `${n}: fits the height`);
        assert.ok(g.width > 0);
        // No other column count gives bigger tiles.
        for (let c = 1; c <= n; c++) {
          const rows = Math.ceil(n / c);
          const width = Math.min((w - GAP * (c - 1)) / c, ((h - GAP * (rows - 1)) / rows) * (16 / 9));
          assert.ok(Math.floor(width) <= g.width, `${n}: ${c} columns would be bigger`);
        }
      }
    });
  }

  it('five in a wide box are 3 + 2, not 3×3', () => {
    assert.deepEqual([gridGeometry(5, 1280, 640).columns, gridGeometry(5, 1280, 640).rows], [3, 2]);
    assert.equal(gridGeometry(1, 1280, 640).columns, 1);
  });

  it('a portrait box (390×700) is filled: one column for up to two, two columns above, nothing outside', () => {
    for (let n = 1; n <= 8; n++) {
      const g = gridGeometry(n, 390, 700, GAP);
      assert.equal(g.columns, n > 2 ? 2 : 1, `${n}: columns`);
      assert.equal(g.rows, Math.ceil(n / g.columns), `${n}: rows`);
      // The tiles take the whole box: less than one pixel per tile is left over.
      assert.ok(390 - (g.columns * g.width + (g.columns - 1) * GAP) < g.columns, `${n}: fills the width`);
      assert.ok(700 - (g.rows * g.height + (g.rows - 1) * GAP) < g.rows, `${n}: fills the height`);
      assert.ok(g.columns * g.width + (g.columns - 1) * GAP <= 390 && g.rows * g.height + (g.rows - 1) * GAP <= 700);
    }
  });
});
