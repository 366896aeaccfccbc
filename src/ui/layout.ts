/**
 * Grid geometry: how many columns give the largest tiles for `count` tiles of
 * a fixed aspect in a box, so that every tile fits without scrolling (no
 * 3×3 for five people). A portrait box (a phone held upright) is filled
 * instead: one column for up to two people, two above, the tiles as tall as
 * the rows (the video is cropped to them). Pure: the view measures the box
 * (ResizeObserver) and applies the result.
 */
export interface GridGeometry {
  columns: number;
  rows: number;
  /** Tile size in CSS pixels (whole pixels, rounded down so that they fit). */
  width: number;
  height: number;
}

export function gridGeometry(
  count: number,
  boxWidth: number,
  boxHeight: number,
  gap = 8,
  aspect = 16 / 9,
): GridGeometry {
  const n = Math.max(1, count);
  if (boxHeight > boxWidth) {
    const columns = n > 2 ? 2 : 1;
    const rows = Math.ceil(n / columns);
    const fit = (size: number, k: number) => Math.floor(Math.max(0, (size - gap * (k - 1)) / k));
    return { columns, rows, width: fit(boxWidth, columns), height: fit(boxHeight, rows) };
  }
  let best: GridGeometry = { columns: 1, rows: n, width: 0, height: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    // A layout that leaves a whole row or column empty is never better than one with fewer.
    if ((columns - 1) * rows >= n) break;
    const byWidth = (boxWidth - gap * (columns - 1)) / columns;
    const byHeight = ((boxHeight - gap * (rows - 1)) / rows) * aspect;
    const width = Math.floor(Math.max(0, Math.min(byWidth, byHeight)));
    if (width > best.width) best = { columns, rows, width, height: Math.floor(width / aspect) };
  }
  return best;
}
