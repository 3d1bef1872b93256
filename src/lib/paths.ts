// Every internal link goes through here, so the site works under any base path (BASE_PATH).

/** Joins the site's base path and a path inside the site: withBase('/02-binary/') -> '/lightbeam/02-binary/'. */
export function withBase(path: string, base: string = import.meta.env.BASE_URL): string {
  const head = base.endsWith('/') ? base : base + '/';
  const tail = path.startsWith('/') ? path.slice(1) : path;
  return head + tail;
}

/** Where a chapter's page lives, relative to the base. */
export function chapterPath(id: string): string {
  return `/${id}/`;
}
