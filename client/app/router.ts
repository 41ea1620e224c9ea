// The client's routes and in-page navigation (History API). Links inside
// shadow roots are followed too, through composedPath().
export type Route =
  | { page: 'gallery' }
  | { page: 'room'; roomId: string; invite: string | null; watch: boolean }
  | { page: 'live' }
  | { page: 'work'; workId: string }
  | { page: 'profile'; handle: string }
  | { page: 'settings' }
  | { page: 'tag'; tag: string }
  | { page: 'search'; q: string; type: 'works' | 'users' }
  | { page: 'moderation' }
  | { page: 'not-found'; path: string };

const ID = '[A-Za-z0-9_-]{1,64}';

export function parseRoute(url: URL): Route {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'gallery' };
  const roomId = new RegExp(`^/r/(${ID})$`).exec(path)?.[1];
  if (roomId) return { page: 'room', roomId, invite: url.searchParams.get('invite'), watch: url.searchParams.get('watch') === '1' };
  if (path === '/live') return { page: 'live' };
  const workId = new RegExp(`^/g/(${ID})$`).exec(path)?.[1];
  if (workId) return { page: 'work', workId };
  const handle = new RegExp(`^/u/(${ID})$`).exec(path)?.[1];
  if (handle) return { page: 'profile', handle };
  if (path === '/settings') return { page: 'settings' };
  const tag = /^\/t\/([A-Za-z0-9-]{1,32})$/.exec(path)?.[1];
  if (tag) return { page: 'tag', tag: tag.toLowerCase() };
  if (path === '/search')
    return { page: 'search', q: url.searchParams.get('q') ?? '', type: url.searchParams.get('type') === 'users' ? 'users' : 'works' };
  if (path === '/moderation') return { page: 'moderation' };
  return { page: 'not-found', path };
}

export const NAVIGATE_EVENT = 'atelier:navigate';

/** Goes to an in-app URL without reloading. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href);
  if (url.origin !== location.origin) {
    location.assign(url.href);
    return;
  }
  if (options.replace) history.replaceState(null, '', url.href);
  else history.pushState(null, '', url.href);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo(0, 0);
}

/** Turns plain clicks on same-origin links into in-app navigation. */
export function interceptLinks(root: EventTarget): () => void {
  const onClick = (event: Event) => {
    if (!(event instanceof MouseEvent) || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor?.href || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href);
    if (url.origin !== location.origin || parseRoute(url).page === 'not-found') return;
    event.preventDefault();
    navigate(url.href);
  };
  root.addEventListener('click', onClick);
  return () => root.removeEventListener('click', onClick);
}
