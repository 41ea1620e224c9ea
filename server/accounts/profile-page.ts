// The server-rendered profile page (`/u/:handle`): the client's SPA shell
// with the profile's OpenGraph and Twitter card tags, the profile's JSON for
// the client to start from, and readable content for link previews,
// crawlers and readers without JS. Every user-written string is escaped.
import type { ProfileResponse } from '../../shared/accounts.ts';
import type { GalleryPage } from '../../shared/protocol.ts';
import { escapeMarkup as e, excerpt, scriptJson } from '../gallery/markup.ts';
import type { PageParts } from '../gallery/work-page.ts';

const SITE = 'Atelier';
const DESCRIPTION_MAX = 300;

/** The path of a user's profile: by handle when they have one. */
export function profilePath(user: { id: string; handle?: string }): string {
  return `/u/${encodeURIComponent(user.handle ?? user.id)}`;
}

export function profilePage(profile: ProfileResponse, works: GalleryPage, base: string): PageParts {
  const { user, stats } = profile;
  const url = base + profilePath(user);
  const title = user.handle ? `${user.name} (@${user.handle})` : user.name;
  const counts = `${stats.works} ${stats.works === 1 ? 'work' : 'works'} · ${stats.likes} ${stats.likes === 1 ? 'like' : 'likes'}`;
  const description = excerpt(user.bio ?? `${user.name} on ${SITE}: ${counts}.`, DESCRIPTION_MAX);
  const latest = works.items[0];
  const image = user.avatarUrl ? base + user.avatarUrl : latest ? base + latest.thumbUrl : null;
  const meta = (attr: 'property' | 'name', key: string, value: string) => `<meta ${attr}="${key}" content="${e(value)}" />`;
  const head = [
    meta('name', 'description', description),
    `<link rel="canonical" href="${e(url)}" />`,
    meta('property', 'og:site_name', SITE),
    meta('property', 'og:type', 'profile'),
    meta('property', 'og:url', url),
    meta('property', 'og:title', title),
    meta('property', 'og:description', description),
    ...(user.handle ? [meta('property', 'profile:username', user.handle)] : []),
    ...(image
      ? [meta('property', 'og:image', image), meta('property', 'og:image:alt', latest && !user.avatarUrl ? latest.title : user.name)]
      : []),
    meta('name', 'twitter:card', 'summary'),
    meta('name', 'twitter:title', title),
    meta('name', 'twitter:description', description),
    ...(image ? [meta('name', 'twitter:image', image)] : []),
    `<script type="application/json" id="atelier-profile">${scriptJson({ profile, works })}</script>`,
  ].join('\n    ');
  const list = works.items
    .map(
      (w) =>
        `<li><a href="/g/${e(encodeURIComponent(w.id))}"><img src="${e(w.thumbUrl)}" alt="" width="160" loading="lazy" /> ${e(w.title)}</a></li>`,
    )
    .join('');
  const body = `
      <article class="profile" data-user-id="${e(user.id)}">
        <h1>${e(user.name)}</h1>
        ${user.handle ? `<p class="handle">@${e(user.handle)}</p>` : ''}
        ${user.bio ? `<p class="bio">${e(user.bio)}</p>` : ''}
        <p class="stats">${e(counts)}</p>
        ${list ? `<ul class="works">${list}</ul>` : '<p>No published works yet.</p>'}
        <p><a href="/">Back to the gallery</a></p>
      </article>
    `;
  return { title: `${title} · ${SITE}`, head, body };
}
