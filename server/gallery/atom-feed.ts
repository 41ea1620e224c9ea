// `/gallery.atom`: the newest works as an Atom 1.0 feed (RFC 4287). Every
// user-written string is XML-escaped; an entry's HTML content is escaped HTML.
import type { Work } from '../../shared/protocol.ts';
import { escapeMarkup as e } from './markup.ts';

export const ATOM_ENTRIES = 50;
/** A feed with no works still needs an `updated`. */
const EPOCH = '1970-01-01T00:00:00.000Z';

export function atomFeed(works: readonly Work[], base: string): string {
  const updated = works[0]?.createdAt ?? EPOCH;
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${e(base)}/gallery.atom</id>
  <title>Atelier gallery</title>
  <subtitle>The newest works published on Atelier</subtitle>
  <updated>${e(updated)}</updated>
  <link rel="self" type="application/atom+xml" href="${e(base)}/gallery.atom"/>
  <link rel="alternate" type="text/html" href="${e(base)}/"/>
  <author><name>Atelier</name></author>
  <generator>Atelier</generator>
${works.map((work) => entry(work, base)).join('')}</feed>
`;
}

function entry(work: Work, base: string): string {
  const url = `${base}/g/${encodeURIComponent(work.id)}`;
  const image = base + work.imageUrl;
  const thumb = base + work.thumbUrl;
  // HTML for feed readers, which the XML then escapes as a whole.
  const html = [
    `<p><a href="${e(url)}"><img src="${e(thumb)}" alt="${e(work.title)}"/></a></p>`,
    work.description ? `<p>${e(work.description)}</p>` : '',
    work.prompt ? `<blockquote>${e(work.prompt)}</blockquote>` : '',
  ].join('');
  return `  <entry>
    <id>${e(url)}</id>
    <title type="text">${e(work.title)}</title>
    <published>${e(work.createdAt)}</published>
    <updated>${e(work.createdAt)}</updated>
    <link rel="alternate" type="text/html" href="${e(url)}"/>
    <link rel="enclosure" type="image/png" href="${e(image)}"/>
${work.authors.map((a) => `    <author><name>${e(a.name)}</name></author>\n`).join('')}    <summary type="text">${e(work.description || work.prompt)}</summary>
    <content type="html">${e(html)}</content>
  </entry>
`;
}
