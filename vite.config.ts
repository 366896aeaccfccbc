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
      if (!/\/src\/[^/]+\.ts$/.test(id) || !/(html|css)`/.test(code)) return null;
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
      output: {
        minify: true,
        // Parts loaded on demand: UI languages other than English, and the ice-servers attribute's parser.
        chunkFileNames: (chunk) =>
          chunk.facadeModuleId?.includes('/src/locales/') ? 'locales/[name].js' : '[name].js',
      },
    },
    lib: {
      entry: 'src/embed.ts',
      formats: ['es'],
      fileName: () => 'meeting-room.js',
    },
  },
});
