import { defineConfig, type Plugin } from 'vite';
import { validateRequest } from './src/contract.js';

/** Until the reference server runs beside it, the demo posts to this stand-in: it checks and answers, storing nothing. */
const demoEndpoint = (): Plugin => ({
  name: 'news-comments-demo-endpoint',
  configureServer(server) {
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

export default defineConfig(({ command }) => ({
  // `npm start` serves demo/; the classic-script page loads the built IIFE from dist/.
  publicDir: command === 'serve' ? '../dist' : false,
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
}));
