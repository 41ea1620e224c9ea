// The server-rendered page of a work (`/g/:workId`): the client's SPA shell
// with the work's OpenGraph and Twitter card tags in <head>, the work's JSON
// for the client to start from, and readable content for anyone without JS
// (link previews, crawlers, readers). Every user-written string is escaped.
import type { Work } from '../../shared/protocol.ts';
import { escapeMarkup as e, excerpt, scriptJson } from './markup.ts';

const SITE = 'Atelier';
const DESCRIPTION_MAX = 300;
/** Where the SPA mounts; the fallback content goes inside it so the app replaces it. */
const APP_ROOT = /(<main\b[^>]*\bid=["']app["'][^>]*>)[\s\S]*?(<\/main>)/i;

export interface PageParts {
  title: string;
  /** Tags for <head> (besides <title>). */
  head: string;
  body: string;
}

export function workPage(work: Work, base: string): PageParts {
  const url = `${base}/g/${encodeURIComponent(work.id)}`;
  const image = base + work.imageUrl;
  const description = excerpt(work.description || work.prompt || `A work by ${authorNames(work)}`, DESCRIPTION_MAX);
  const meta = (attr: 'property' | 'name', key: string, value: string) => `<meta ${attr}="${key}" content="${e(value)}" />`;
  const head = [
    meta('name', 'description', description),
    `<link rel="canonical" href="${e(url)}" />`,
    `<link rel="alternate" type="application/atom+xml" title="${SITE} gallery" href="${e(base)}/gallery.atom" />`,
    meta('property', 'og:site_name', SITE),
    meta('property', 'og:type', 'article'),
    meta('property', 'og:url', url),
    meta('property', 'og:title', work.title),
    meta('property', 'og:description', description),
    meta('property', 'og:image', image),
    meta('property', 'og:image:type', 'image/png'),
    meta('property', 'og:image:width', String(work.width)),
    meta('property', 'og:image:height', String(work.height)),
    meta('property', 'og:image:alt', work.title),
    meta('name', 'twitter:card', 'summary_large_image'),
    meta('name', 'twitter:title', work.title),
    meta('name', 'twitter:description', description),
    meta('name', 'twitter:image', image),
    `<script type="application/json" id="atelier-work">${scriptJson(work)}</script>`,
  ].join('\n    ');
  const lineage =
    work.remixOfWork === null
      ? ''
      : work.remixOfWork.deleted
        ? '<p class="lineage">A remix of a work its author has since deleted.</p>'
        : `<p class="lineage">A remix of <a href="/g/${e(encodeURIComponent(work.remixOfWork.id))}">${e(work.remixOfWork.title)}</a>.</p>`;
  const body = `
      <article class="work" data-work-id="${e(work.id)}">
        <h1>${e(work.title)}</h1>
        <img src="${e(work.imageUrl)}" width="${work.width}" height="${work.height}" alt="${e(work.title)}" style="max-width:100%;height:auto;background:${e(work.placeholder)}" />
        ${work.description ? `<p class="description">${e(work.description)}</p>` : ''}
        <h2>Prompt</h2>
        <blockquote class="prompt">${e(work.prompt) || '<em>(no prompt)</em>'}</blockquote>
        <p class="authors">By ${work.authors.map((a) => `<a class="author" href="/u/${e(encodeURIComponent(a.handle ?? a.id))}">${e(a.name)}</a>`).join(', ')}</p>
        ${lineage}
        <p class="meta">${work.likes} ${work.likes === 1 ? 'like' : 'likes'} · published <time datetime="${e(work.createdAt)}">${e(work.createdAt.slice(0, 10))}</time></p>
        <p><a href="/">Back to the gallery</a></p>
      </article>
    `;
  return { title: `${work.title} · ${SITE}`, head, body };
}

export function missingPage(message: string): PageParts {
  return {
    title: `Not found · ${SITE}`,
    head: '<meta name="robots" content="noindex" />',
    body: `<article class="missing"><h1>${e(message)}</h1><p><a href="/">Back to the gallery</a></p></article>`,
  };
}

/** The page in the client's shell when there is one, else as a complete document of its own. */
export function renderPage(shell: string | null, parts: PageParts): string {
  const title = `<title>${e(parts.title)}</title>`;
  if (shell === null) {
    return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    ${title}
    ${parts.head}
  </head>
  <body>
    <main id="app">${parts.body}</main>
  </body>
</html>
`;
  }
  // Replacer functions, never replacement strings: `$&` in a title must stay text.
  let html = /<title>[\s\S]*?<\/title>/i.test(shell)
    ? shell.replace(/<title>[\s\S]*?<\/title>/i, () => `${title}\n    ${parts.head}`)
    : shell.replace(/<\/head>/i, () => `    ${title}\n    ${parts.head}\n  </head>`);
  html = APP_ROOT.test(html)
    ? html.replace(APP_ROOT, (_m, open: string, close: string) => open + parts.body + close)
    : html.replace(/<body\b[^>]*>/i, (open) => `${open}\n<main id="app">${parts.body}</main>`);
  return html;
}

function authorNames(work: Work): string {
  return work.authors.map((a) => a.name).join(', ') || SITE;
}
