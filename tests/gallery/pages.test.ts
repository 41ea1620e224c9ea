import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Work } from '../../shared/protocol.ts';
import { escapeMarkup } from '../../server/gallery/markup.ts';
import { renderPage, workPage } from '../../server/gallery/work-page.ts';
import { api, startServer } from '../helpers/server.ts';
import { studio } from './helpers.ts';

const HOSTILE_TITLE = `<script>alert("pwned")</script> & "quotes" 'apostrophes' $& $' </title>`;
const HOSTILE_DESCRIPTION = `</p><img src=x onerror=alert(1)> & more "here"`;
const HOSTILE_PROMPT = `a "fox" & <b>hound</b> ]]> <!-- -->`;

function metaContent(html: string, attr: 'property' | 'name', key: string): string | undefined {
  const match = new RegExp(`<meta ${attr}="${key.replace(/[:]/g, '\\$&')}" content="([^"]*)" />`).exec(html);
  return match?.[1];
}
const unescapeEntities = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

async function hostileWork() {
  const server = await startServer({ PUBLIC_URL: 'https://atelier.example/' });
  const ann = await studio(server, `Ann <b>"the bold"</b>`);
  ann.doc.getText(ROOTS.prompt).delete(0, ann.doc.getText(ROOTS.prompt).length);
  ann.doc.getText(ROOTS.prompt).insert(0, HOSTILE_PROMPT);
  const work = await ann.publish(HOSTILE_TITLE, HOSTILE_DESCRIPTION);
  return { server, http: api(server.url), work };
}

describe('user-written text is escaped', () => {
  it('and characters XML cannot carry are dropped (works stored before free text refused them)', () => {
    expect(escapeMarkup('bell\u0007 <b>\ud800 \uffff"x"')).toBe('bell &lt;b&gt; &quot;x&quot;');
  });

  it('in the JSON API: returned exactly as written', async () => {
    const { http, work } = await hostileWork();
    const got = await http.json<Work>('GET', `/api/works/${work.id}`);
    expect(got.title).toBe(HOSTILE_TITLE.trim());
    expect(got.description).toBe(HOSTILE_DESCRIPTION.trim());
    expect(got.prompt).toBe(HOSTILE_PROMPT);
    expect(got.authors[0]!.name).toBe(`Ann <b>"the bold"</b>`);
  });

  it('in the work page: OpenGraph and Twitter tags with absolute URLs, and readable content', async () => {
    const { http, work } = await hostileWork();
    const res = await http.request('GET', `/g/${work.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;apostrophes&#39; $&amp; $&#39; &lt;/title&gt;',
    );
    expect(unescapeEntities(metaContent(html, 'property', 'og:title')!)).toBe(HOSTILE_TITLE.trim());
    expect(unescapeEntities(metaContent(html, 'name', 'twitter:title')!)).toBe(HOSTILE_TITLE.trim());
    expect(unescapeEntities(metaContent(html, 'property', 'og:description')!)).toBe(HOSTILE_DESCRIPTION.trim());
    expect(metaContent(html, 'property', 'og:image')).toBe(`https://atelier.example${work.imageUrl}`);
    expect(metaContent(html, 'name', 'twitter:image')).toBe(`https://atelier.example${work.imageUrl}`);
    expect(metaContent(html, 'name', 'twitter:card')).toBe('summary_large_image');
    expect(metaContent(html, 'property', 'og:url')).toBe(`https://atelier.example/g/${work.id}`);
    expect(html).toMatch(/<title>&lt;script&gt;alert.* · Atelier<\/title>/);
    expect(html.match(/<title>/g)).toHaveLength(1);
    // The fallback content: title, image, prompt, authors.
    expect(html).toContain(`<img src="${work.imageUrl}" width="64" height="64"`);
    expect(html).toContain(
      '<blockquote class="prompt">a &quot;fox&quot; &amp; &lt;b&gt;hound&lt;/b&gt; ]]&gt; &lt;!-- --&gt;</blockquote>',
    );
    // Each author's name links to their profile.
    expect(html).toContain(`By <a class="author" href="/u/${work.authors[0]!.id}">Ann &lt;b&gt;&quot;the bold&quot;&lt;/b&gt;</a>`);
    // The work's JSON for the client, which cannot close its script element.
    const json = /<script type="application\/json" id="atelier-work">([^<]*)<\/script>/.exec(html);
    expect(JSON.parse(json![1]!)).toEqual(work);
  });

  it('in the Atom feed: valid XML whose text reads back exactly', async () => {
    const { http, work } = await hostileWork();
    const res = await http.request('GET', '/gallery.atom');
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = new XMLParser({
      htmlEntities: true,
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      textNodeName: '#text',
      isArray: (name) => ['entry', 'link', 'author'].includes(name),
    }).parse(xml).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('https://atelier.example/gallery.atom');
    expect(feed.updated).toBe(work.createdAt);
    expect(feed.link.map((l: Record<string, string>) => l['@rel'])).toEqual(['self', 'alternate']);
    const [entry] = feed.entry;
    expect(feed.entry).toHaveLength(1);
    expect(entry.id).toBe(`https://atelier.example/g/${work.id}`);
    expect(entry.title['#text']).toBe(HOSTILE_TITLE.trim());
    expect(entry.summary['#text']).toBe(HOSTILE_DESCRIPTION.trim());
    expect(entry.author[0].name).toBe(`Ann <b>"the bold"</b>`);
    expect(entry.link.find((l: Record<string, string>) => l['@rel'] === 'enclosure')['@href']).toBe(
      `https://atelier.example${work.imageUrl}`,
    );
    expect(new Date(entry.updated).toISOString()).toBe(work.createdAt);
    // The entry's HTML content is itself escaped HTML.
    const content: string = entry.content['#text'];
    expect(content).toContain('&lt;script&gt;');
    expect(content).not.toContain('<script>');
  });
});

describe('gallery pages', () => {
  it('use the request origin without PUBLIC_URL; unknown works get a 404 page; an empty feed is still valid Atom', async () => {
    const server = await startServer();
    const http = api(server.url);
    const atom = await (await http.request('GET', '/gallery.atom')).text();
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(atom).not.toContain('<entry>');
    const ann = await studio(server, 'Ann');
    const work = await ann.publish('Plain');
    const html = await (await http.request('GET', `/g/${work.id}`)).text();
    expect(metaContent(html, 'property', 'og:image')).toBe(`${server.url}${work.imageUrl}`);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('</html>');
    for (const id of ['x'.repeat(22), 'not-an-id', '%3Cscript%3E']) {
      const missing = await http.request('GET', `/g/${id}`);
      expect(missing.status).toBe(404);
      const text = await missing.text();
      expect(text).toContain('no such work');
      expect(text).not.toContain('<script>');
    }
  });

  it('inject tags and content into the client shell when there is one', () => {
    const shell = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Atelier</title>
    <script type="module" src="/assets/main-abc.js"></script>
  </head>
  <body>
    <main id="app"><p>Loading…</p></main>
  </body>
</html>`;
    const work: Work = {
      id: 'a'.repeat(22),
      title: 'T $& $1 <i>',
      description: '',
      imageUrl: `/media/${'f'.repeat(64)}.png`,
      thumbUrl: `/media/${'f'.repeat(64)}.webp`,
      placeholder: '#102030',
      width: 100,
      height: 50,
      prompt: 'p',
      authors: [{ id: 'u', name: 'N', color: '#000000' }],
      publishedBy: 'u',
      roomId: 'r'.repeat(22),
      remixOf: null,
      remixOfWork: null,
      likes: 1,
      tags: [],
      allowRemix: true,
      hidePrompt: false,
      createdAt: '2025-01-02T03:04:05.000Z',
    };
    const html = renderPage(shell, workPage(work, 'https://x.example'));
    expect(html).toContain('<title>T $&amp; $1 &lt;i&gt; · Atelier</title>');
    expect(html).not.toContain('<p>Loading…</p>');
    expect(html).toContain('<script type="module" src="/assets/main-abc.js"></script>');
    expect(html.indexOf('og:title')).toBeLessThan(html.indexOf('</head>'));
    expect(html).toMatch(/<main id="app">\s*<article class="work"/);
    expect(metaContent(html, 'property', 'og:description')).toBe('p'); // no description: the prompt
  });
});
