import { defineConfig } from 'vite';

/**
 * Builds the self-contained embed file `dist/public/meeting-room.js` (Lit and
 * partysocket bundled in, with its source map) and copies `demo/` beside it;
 * the server serves that folder.
 */
export default defineConfig({
  publicDir: 'demo',
  build: {
    outDir: 'dist/public',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: true,
    // Library mode keeps whitespace by default; the embed file is minified fully.
    rolldownOptions: { output: { minify: true } },
    lib: {
      entry: 'src/define.ts',
      formats: ['es'],
      fileName: () => 'meeting-room.js',
    },
  },
});
