import { minifyHTMLLiterals } from 'minify-literals';
import { defineConfig, type Plugin } from 'vite';

/**
 * Minifies the html`` and css`` template literals of the element (whitespace,
 * comments, redundant quotes) with minify-literals, keeping the source map:
 * the source stays readable, the embed file carries no indentation.
 */
function minifyTemplates(): Plugin {
  return {
    name: 'minify-templates',
    async transform(code, id) {
      if (!/\/src\/.+\.ts$/.test(id) || !/(html|css)`/.test(code)) return null;
      const result = await minifyHTMLLiterals(code, { fileName: id });
      return result ? { code: result.code, map: result.map?.toString() } : null;
    },
  };
}

/**
 * Builds the self-contained embed file `dist/public/meeting-room.js` (Lit and
 * partysocket bundled in, with its source map), the small parts it loads on
 * demand beside it, and copies `demo/` there too; the server serves that folder.
 */
export default defineConfig({
  publicDir: 'demo',
  plugins: [minifyTemplates()],
  build: {
    outDir: 'dist/public',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: true,
    // Library mode keeps whitespace by default; the embed file is minified fully.
    rolldownOptions: {
      // The chunks import what they share with the embed file from it (Lit, strings, events) rather than
      // a third file the page would have to fetch before the element could run.
      preserveEntrySignatures: 'allow-extension',
      output: {
        minify: true,
        // The chunks fetched on demand carry a content hash (served as immutable); locales in their own folder.
        chunkFileNames: (chunk) =>
          chunk.facadeModuleId?.includes('/src/ui/locales/') ? 'locales/[name]-[hash].js' : '[name]-[hash].js',
      },
    },
    lib: {
      entry: 'src/embed.ts',
      formats: ['es'],
      fileName: () => 'meeting-room.js',
    },
  },
});
