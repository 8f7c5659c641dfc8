/** `npm run analyze` (and the docs check in `npm test`): custom-elements.json from the elements' JSDoc. */
export default {
  globs: ['src/news-comments.ts', 'src/count.ts'],
  litelement: true,
  outdir: '.',
  // package.json names custom-elements.json itself; the docs check writes to a temporary folder and must not repoint it.
  packagejson: false,
  plugins: [
    {
      // The manifest documents what a page can use: private members (`#…`, `private`) are the elements' own business,
      // and listing them would make every change inside the element a change of the documented surface.
      name: 'public-members-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (!declaration.members) continue;
            declaration.members = declaration.members.filter(
              (member) => member.privacy !== 'private' && member.privacy !== 'protected' && !member.name.startsWith('#'),
            );
          }
        }
      },
    },
  ],
};
