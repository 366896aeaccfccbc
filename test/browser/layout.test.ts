/**
 * Layouts in the element: the grid fills the element's box (columns by the
 * largest tiles, nothing overflows), the speaker view for a share or a pin,
 * pinning by button, double-click and Escape, fullscreen of the element.
 */
import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { gridGeometry } from '../../src/ui/layout.js';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { joined } from './call-helpers.js';
import { parts, uniqueRoom, until } from './helpers.js';

const part = (el: MeetingRoom, name: string) => parts(el, name)[0];
const grid = (el: MeetingRoom) => part(el, 'grid')!;

async function click(element: HTMLElement): Promise<void> {
  element.scrollIntoView({ block: 'center' });
  const box = element.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
}

/** The tile in focus (the speaker view's large one): its aria-label. */
const focused = (el: MeetingRoom) => part(el, 'focus')?.getAttribute('aria-label');

describe('grid', () => {
  it('fills the box in three shapes: the best column count, every tile inside, no scrolling', async () => {
    const [ada, bob, cy] = (await joined(uniqueRoom('grid'), ['Ada', 'Bob', 'Cy'])) as MeetingRoom[];
    for (const el of [bob!, cy!]) el.style.height = '200px';
    for (const [w, h] of [
      [1100, 500],
      [400, 800],
      [700, 700],
    ] as const) {
      ada!.style.width = `${w}px`;
      ada!.style.height = `${h}px`;
      const g = grid(ada!);
      await until(
        () => {
          const style = getComputedStyle(g);
          const gap = parseFloat(style.columnGap);
          const padY = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
          const expected = gridGeometry(3, g.clientWidth - 2 * gap, g.clientHeight - padY, gap);
          const settled = g.scrollHeight <= g.clientHeight + 1 && g.scrollWidth <= g.clientWidth + 1;
          return g.dataset['columns'] === String(expected.columns) && settled;
          // Within a few frames of the resize (the box is watched), not at the next render for another reason.
        },
        `the columns for ${w}×${h}, and no scrolling once the box settled`,
        600,
      );
      const box = g.getBoundingClientRect();
      const tiles = [...g.querySelectorAll<HTMLElement>(':scope > [part~="tile"]')].map((t) =>
        t.getBoundingClientRect(),
      );
      expect(tiles).to.have.length(3);
      for (const t of tiles) {
        expect(t.left >= box.left - 0.5 && t.right <= box.right + 0.5, `inside horizontally at ${w}×${h}`).to.equal(
          true,
        );
        expect(t.top >= box.top - 0.5 && t.bottom <= box.bottom + 0.5, `inside vertically at ${w}×${h}`).to.equal(true);
        // 16:9 in a landscape or square box; a portrait box (a phone) is filled: 3 people are 2 + 1, taller than wide.
        if (h > w) expect(t.height, 'portrait: tall tiles').to.be.greaterThan(t.width);
        else expect(Math.round((t.width / t.height) * 9), '16:9').to.equal(16);
      }
      // The last row is centred: its tiles are as far from the left edge as from the right.
      const last = tiles.at(-1)!;
      const row = tiles.filter((t) => Math.abs(t.top - last.top) < 1);
      const left = row[0]!.left - box.left;
      const right = box.right - row.at(-1)!.right;
      expect(Math.abs(left - right), `the last row centred at ${w}×${h}`).to.be.below(2);
    }
  });
});

describe('resizing', () => {
  it('a call in a small box, then a large one: the grid follows, and the page gets no "ResizeObserver loop" error', async () => {
    const errors: string[] = [];
    const onError = (e: ErrorEvent) => {
      errors.push(e.message);
      if (/ResizeObserver/.test(e.message)) e.preventDefault(); // counted here, not a failure of the runner
    };
    window.addEventListener('error', onError);
    try {
      const [ada, bob] = await joined(uniqueRoom('resize'), ['Ada', 'Bob']);
      for (const el of [ada!, bob!]) el.style.cssText = 'display:block;width:320px;height:240px';
      await until(() => parts(ada!, 'tile').length === 2, 'two tiles');
      await new Promise((r) => setTimeout(r, 1500));
      ada!.style.cssText = 'display:block;width:780px;height:560px';
      const grid = parts(ada!, 'grid')[0]!;
      await until(() => parseFloat(grid.style.getPropertyValue('--_tile-w')) > 300, 'tiles sized for the large box');
      await new Promise((r) => setTimeout(r, 1500));
      expect(errors.filter((m) => /ResizeObserver/.test(m))).to.deep.equal([]);
    } finally {
      window.removeEventListener('error', onError);
    }
  });
});

describe('speaker view and pinning', () => {
  it('auto: a share is large (the width of the stage, the strip below); a pin wins; Escape unpins; double-click pins; layout="grid" stays a grid', async () => {
    const [ada, bob] = (await joined(uniqueRoom('speaker-view'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    expect(grid(ada).dataset['layout']).to.equal('grid');
    await click(part(bob, 'share-button')!);
    await until(() => focused(ada) === "Bob's screen", "Bob's screen large at Ada's");
    expect(grid(ada).dataset['layout']).to.equal('speaker');
    // Large means the width of the stage, with the strip below it in one row, nothing outside the box.
    const box = grid(ada).getBoundingClientRect();
    const large = part(ada, 'focus')!.getBoundingClientRect();
    expect(large.width, 'the large tile spans the stage').to.be.greaterThan(box.width * 0.9);
    const strip = parts(ada, 'tile').filter((t) => !t.matches('[part~="focus"]'));
    const tops = new Set(strip.map((t) => Math.round(t.getBoundingClientRect().top)));
    expect(tops.size, 'the strip is one row').to.equal(1);
    for (const t of strip) expect(t.getBoundingClientRect().top).to.be.greaterThan(large.bottom - 1);
    for (const t of [...strip, part(ada, 'focus')!])
      expect(t.getBoundingClientRect().bottom).to.be.at.most(box.bottom + 1);

    const bobTile = parts(ada, 'remote').find((t) => t.getAttribute('aria-label') === 'Bob')!;
    bobTile.querySelector<HTMLElement>('[part~="pin-button"]')!.click();
    await until(() => focused(ada) === 'Bob', 'the pinned tile large');
    expect(bobTile.querySelector('[part~="pin-button"]')!.getAttribute('aria-pressed')).to.equal('true');
    bobTile.querySelector<HTMLElement>('[part~="pin-button"]')!.focus();
    await sendKeys({ press: 'Escape' });
    await until(() => focused(ada) === "Bob's screen", 'Escape unpinned');

    const own = part(ada, 'local')!;
    own.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
    await until(() => focused(ada) === 'Ada (you)', 'double-click pinned');

    ada.layout = 'grid';
    await until(() => grid(ada).dataset['layout'] === 'grid', 'grid on request');
    expect(parts(ada, 'focus')).to.have.length(0);
    ada.layout = 'speaker';
    bob.stopShare();
    await until(() => grid(ada).dataset['layout'] === 'speaker' && focused(ada), 'speaker view without a share');
  });
});

describe('self-view', () => {
  it('float: our tile is a small overlay in the corner, outside the grid; hidden: not shown', async () => {
    const [ada, bob] = (await joined(uniqueRoom('self-view'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    ada.style.width = '900px';
    ada.style.height = '500px';
    ada.selfView = 'float';
    await until(() => part(ada, 'float'), 'the floating self-view');
    const own = part(ada, 'float')!.getBoundingClientRect();
    const stage = part(ada, 'stage')!.getBoundingClientRect();
    expect(own.width).to.be.below(stage.width / 3);
    expect(own.right <= stage.right && own.bottom <= stage.bottom, 'inside the stage').to.equal(true);
    expect(own.left > stage.left + stage.width / 2 && own.top > stage.top + stage.height / 2, 'in a corner').to.equal(
      true,
    );
    // The grid is sized for Bob alone: one column, his tile as large as the box allows.
    await until(() => grid(ada).dataset['columns'] === '1', 'one column for Bob');
    const bobTile = parts(ada, 'remote')[0]!.getBoundingClientRect();
    expect(bobTile.width).to.be.above(own.width * 3);

    ada.selfView = 'hidden';
    await until(() => parts(ada, 'local').length === 0, 'no self-view');
    expect(parts(bob, 'remote')).to.have.length(1);
  });
});

describe('fullscreen', () => {
  it('the control puts the element itself in fullscreen and back', async () => {
    const [ada] = (await joined(uniqueRoom('fullscreen'), ['Ada'])) as [MeetingRoom];
    const button = part(ada, 'fullscreen-button')!;
    await click(button);
    await until(() => document.fullscreenElement === ada, 'the element in fullscreen');
    await until(() => part(ada, 'fullscreen-button')!.getAttribute('aria-pressed') === 'true', 'pressed');
    await click(part(ada, 'fullscreen-button')!);
    await until(() => document.fullscreenElement === null, 'back');
  });
});
