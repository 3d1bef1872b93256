// The chapters are MDX files in book/. Their frontmatter is checked here, so a typo in a
// chapter's number or a missing summary fails the build instead of producing a broken page.
import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

const chapters = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './book' }),
  schema: z.object({
    title: z.string().min(1),
    chapter: z.number().int().positive(),
    summary: z.string().min(1),
    /** Words a reader might search for that the prose does not use literally. */
    keywords: z.array(z.string()).default([]),
  }),
});

export const collections = { chapters };
