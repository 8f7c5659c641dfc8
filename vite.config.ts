import { defineConfig, type Plugin } from 'vite';

/** `npm start` serves the demo article at /demo/; the site root redirects there. */
const demoRedirect = (): Plugin => ({
  name: 'news-comments-demo-redirect',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url !== '/') return next();
      res.writeHead(302, { Location: '/demo/' }).end();
    });
  },
});

export default defineConfig({
  publicDir: false,
  plugins: [demoRedirect()],
  server: { host: '127.0.0.1', port: 5173 },
  build: {
    target: 'es2022',
    // Vite leaves whitespace in ES library builds for bundlers to strip; ours is loaded as it is, so strip it here.
    // Language catalogues are chunks of their own (dist/locales/), loaded only on pages in that language.
    rolldownOptions: { output: { minify: true, chunkFileNames: 'locales/[name]-[hash].js' } },
    lib: {
      entry: 'src/define.ts',
      formats: ['es', 'iife'],
      name: 'NewsComments',
      fileName: (format) => (format === 'es' ? 'news-comments.js' : 'news-comments.iife.js'),
    },
  },
});
