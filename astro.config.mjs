// The book's site: Astro + MDX, static output in dist/.
// BASE_PATH lets the same build live under a sub-path (e.g. BASE_PATH=/lightbeam/ for GitHub Pages);
// every internal link goes through src/lib/paths.ts, which honours it.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { rehypeShortCells } from './src/lib/tableCells.ts';

const base = process.env.BASE_PATH ?? '/';

export default defineConfig({
  base,
  site: process.env.SITE_URL,
  output: 'static',
  publicDir: './src/public',
  // Astro keeps its content data store in cacheDir (default node_modules/.astro). node_modules may
  // be shared by several checkouts (worktrees symlink it), and a shared store mixes their chapters
  // (a build here rendered another checkout's book/10-*.mdx), so each checkout keeps its own.
  cacheDir: './.astro/cache',
  trailingSlash: 'ignore',
  integrations: [mdx()],
  markdown: {
    // Short table cells stay on one line on a phone (src/lib/tableCells.ts).
    rehypePlugins: [rehypeShortCells],
    shikiConfig: {
      // Same pair of themes as src/lib/highlight.ts; dark colours are switched in by CSS.
      themes: { light: 'github-light', dark: 'github-dark' },
      defaultColor: 'light',
      wrap: false,
    },
  },
  devToolbar: { enabled: false },
  vite: {
    // The compiler's .ts imports name their extension (allowImportingTsExtensions); Vite resolves them as is.
    ssr: { external: ['koffi'] },
  },
});
