/** `npm run analyze` (and the docs check in `npm test`): custom-elements.json from the element's JSDoc. */
export default {
  globs: ['src/news-comments.ts', 'src/count.ts'],
  litelement: true,
  outdir: '.',
  // package.json names custom-elements.json itself; the docs check writes to a temporary folder and must not repoint it.
  packagejson: false,
};
