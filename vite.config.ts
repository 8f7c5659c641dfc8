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
    return server ? html.replaceAll('http://127.0.0.1:8787/', `${server}/`) : html;
  },
});

/**
 * `vite build` writes the ES module with the language catalogues as chunks of their own (dist/locales/, stable
 * names); `vite build --mode classic` then writes the classic script, which loads those same files with `import()`
 * (relative to the script's own URL) instead of carrying every language inline.
 */
export default defineConfig(({ mode }) => {
  const classic = mode === 'classic';
  return {
    publicDir: false,
    plugins: [demoPages()],
    server: { host: '127.0.0.1', port: 5173 },
    build: {
      target: 'es2022',
      emptyOutDir: !classic,
      rolldownOptions: {
        external: classic ? [/\/locales\/\w+\.js$/] : [],
        // Vite leaves whitespace in ES library builds for bundlers to strip; ours is loaded as it is, so strip it.
        output: {
          minify: true,
          chunkFileNames: 'locales/[name].js',
          paths: (id: string) => (classic ? `./locales/${id.split('/').pop()}` : id),
        },
      },
      lib: {
        entry: 'src/define.ts',
        formats: [classic ? 'iife' : 'es'],
        name: 'NewsComments',
        fileName: () => (classic ? 'news-comments.iife.js' : 'news-comments.js'),
      },
    },
  };
});
