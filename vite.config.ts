import { defineConfig, type Plugin } from 'vite';
import { validateRequest } from './src/contract.js';

/**
 * `npm start`: the demo article at /demo/ (the site root redirects there), posting to a stand-in endpoint that checks
 * each comment with the contract and answers as a moderated server would, storing nothing.
 */
const demoEndpoint = (): Plugin => ({
  name: 'news-comments-demo-endpoint',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url !== '/') return next();
      res.writeHead(302, { Location: '/demo/' }).end();
    });
    server.middlewares.use('/api/comments', async (req, res) => {
      let text = '';
      for await (const chunk of req) text += chunk;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const errors = validateRequest(body);
      res.setHeader('Content-Type', 'application/json');
      res.statusCode = Object.keys(errors).length ? 400 : 201;
      res.end(JSON.stringify(res.statusCode === 201 ? { id: crypto.randomUUID(), status: 'pending' } : { errors }));
    });
  },
});

export default defineConfig({
  publicDir: false,
  plugins: [demoEndpoint()],
  server: { host: '127.0.0.1', port: 5173 },
  build: {
    target: 'es2022',
    // Vite leaves whitespace in ES library builds for bundlers to strip; ours is loaded as it is, so strip it here.
    rolldownOptions: { output: { minify: true } },
    lib: {
      entry: 'src/define.ts',
      formats: ['es', 'iife'],
      name: 'NewsComments',
      fileName: (format) => (format === 'es' ? 'news-comments.js' : 'news-comments.iife.js'),
    },
  },
});
