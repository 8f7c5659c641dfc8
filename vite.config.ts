import { defineConfig, type Plugin } from 'vite';

/**
 * `npm start` serves the demo article at /demo/; the site root redirects there. The demo pages name the reference
 * server at its default address; when `npm start` runs it elsewhere (PORT), DEMO_SERVER points them there.
 */
const demoPages = (): Plugin => ({
  name: 'news-comments-demo',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url === '/') return void res.writeHead(302, { Location: '/demo/' }).end();
      // The demo has no icon; without this the browser's request for one is a 404 in the console.
      if (req.url === '/favicon.ico') return void res.writeHead(204).end();
      next();
    });
  },
  transformIndexHtml(html) {
    const server = process.env.DEMO_SERVER;
    const demo = process.env.DEMO_PORT;
    // The pages name the default ports; `npm start` may have moved both (their canonical links name the demo's).
    if (server) html = html.replaceAll('http://127.0.0.1:8787/', `${server}/`);
    if (demo) html = html.replaceAll('http://127.0.0.1:5173/', `http://127.0.0.1:${demo}/`);
    return html;
  },
});

/**
 * The element's stylesheet, minified: comments out, whitespace collapsed. Lit ships CSS as written, and every byte of
 * it is on the critical path. Only whitespace next to `{ } ; ,` and after a property's colon goes, so selectors keep their meaning.
 */
const minifyStyles = (): Plugin => ({
  name: 'news-comments-minify-styles',
  transform(code, id) {
    if (!id.endsWith('/src/styles.ts')) return undefined;
    return code.replace(/css`([^`]*)`/g, (_, sheet: string) => {
      const minified = sheet
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\s+/g, ' ')
        .replace(/\s*([{};,])\s*/g, '$1')
        .replace(/;}/g, '}')
        // A colon followed by a space ends a property name; in a selector (`:host`) none follows.
        .replace(/: /g, ':');
      return `css\`${minified.trim()}\``;
    });
  },
});

/**
 * The builds, run one after the other by `npm run build`:
 * - `vite build`: the ES module, with the language catalogues as chunks of their own (dist/locales/, stable names);
 * - `vite build --mode classic`: the classic script, which loads those same files with `import()` (relative to the
 *   script's own URL) instead of carrying every language inline;
 * - `vite build --mode chunks`: what both scripts load after the form is on screen, in dist/chunks/: `deferred.js`
 *   (the checks, sending, and their words) and `list.js` (the published comments), sharing zod in a chunk of their
 *   own. They never import the script that loads them, which is what lets the classic script load them too (they
 *   repeat the few lines of character counting they share with it);
 * - `vite build --mode count` and `--mode count-classic`: `<news-comments-count>`, on its own.
 */
export default defineConfig(({ mode }) => {
  const classic = mode === 'classic' || mode === 'count-classic';
  const chunks = mode === 'chunks';
  const count = mode.startsWith('count');
  const lateChunk = /\/(deferred|list)\.js$/;
  const external = (id: string) => lateChunk.test(id) || (classic && /\/locales\/\w+\.js$/.test(id));
  const entry: Record<string, string> = chunks
    ? { deferred: 'src/deferred.ts', list: 'src/list.ts' }
    : count
      ? { 'news-comments-count': 'src/count.ts' }
      : { 'news-comments': 'src/define.ts' };
  return {
    publicDir: false,
    plugins: [demoPages(), minifyStyles()],
    server: { host: '127.0.0.1', port: 5173 },
    build: {
      target: 'es2022',
      emptyOutDir: mode === 'production',
      rolldownOptions: {
        external: chunks ? [] : external,
        // Vite leaves whitespace in ES library builds for bundlers to strip; ours is loaded as it is, so strip it.
        output: {
          minify: true,
          // Pure annotations help a bundler downstream; our scripts are loaded as they are. (No comment was kept before.)
          comments: false,
          // What deferred.js and list.js share (zod and the contract) is one chunk beside them.
          chunkFileNames: chunks ? 'chunks/shared.js' : 'locales/[name].js',
          paths: (id: string) => {
            const late = lateChunk.exec(id);
            if (late) return `./chunks/${late[1]}.js`;
            return classic ? `./locales/${id.split('/').pop()}` : id;
          },
        },
      },
      lib: {
        entry,
        formats: [classic ? 'iife' : 'es'],
        name: count ? 'NewsCommentsCount' : 'NewsComments',
        fileName: (_format, name) => (chunks ? `chunks/${name}.js` : `${name}${classic ? '.iife' : ''}.js`),
      },
    },
  };
});
