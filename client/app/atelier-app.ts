import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { describeError } from '../api/http.ts';
import { createRoom } from '../api/rooms.ts';
import { onSessionEnded } from '../api/session.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles, visuallyHidden } from '../ui/styles.ts';
import { interceptLinks, navigate, NAVIGATE_EVENT, parseRoute, type Route } from './router.ts';
import './user-menu.ts';
import '../social/notification-bell.ts';

type PageName = 'gallery' | 'room' | 'work' | 'profile' | 'settings' | 'tag' | 'search' | 'moderation' | 'live';

/** Each page is its own chunk: the gallery never loads the room's editor. */
const PAGE_MODULES: Record<PageName, () => Promise<unknown>> = {
  gallery: () => import('../gallery/gallery-page.ts'),
  room: () => import('../room/room-page.ts'),
  work: () => import('../work/work-page.ts'),
  profile: () => import('../profile/profile-page.ts'),
  settings: () => import('../account/settings-page.ts'),
  tag: () => import('../gallery/gallery-page.ts'),
  search: () => import('../social/search-page.ts'),
  moderation: () => import('../social/moderation-page.ts'),
  live: () => import('../live/live-page.ts'),
};

/** The app shell: routes, the top bar, and the page for the current URL. */
@customElement('atelier-app')
export class AtelierApp extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      /* Keyboard users skip the header's stops; the link shows only when focused. */
      .skip {
        position: absolute;
        left: 0.75rem;
        top: -4rem;
        z-index: 20;
        padding: 0.5rem 0.9rem;
        border-radius: var(--radius-sm);
        background: var(--ink);
        color: white;
        font-weight: 650;
        text-decoration: none;
      }
      .skip:focus {
        top: 0.6rem;
      }
      #content:focus {
        outline: none;
      }
      header {
        position: sticky;
        top: 0;
        z-index: 10;
        display: flex;
        align-items: center;
        gap: 1rem;
        padding: 0.7rem clamp(1rem, 3vw, 2rem);
        background: color-mix(in srgb, var(--bg) 88%, transparent);
        backdrop-filter: blur(10px);
        border-bottom: 1px solid var(--line);
      }
      .brand {
        display: inline-flex;
        align-items: center;
        gap: 0.55rem;
        color: var(--ink);
        text-decoration: none;
        font-weight: 700;
        font-size: 1.08rem;
        letter-spacing: -0.01em;
        border-radius: var(--radius-sm);
        min-height: var(--tap);
      }
      .logo {
        display: grid;
        place-items: center;
        width: 1.9rem;
        height: 1.9rem;
        border-radius: 8px;
        background: var(--accent);
        color: white;
      }
      .live-link {
        display: inline-flex;
        align-items: center;
        min-height: var(--tap);
        padding: 0.3rem 0.5rem;
        font-weight: 600;
        color: var(--ink);
        text-decoration: none;
      }
      .live-link::before {
        content: '';
        display: inline-block;
        width: 0.5rem;
        height: 0.5rem;
        margin-right: 0.35rem;
        border-radius: 50%;
        background: #dc2626;
      }
      .spacer {
        flex: 1;
      }
      .search {
        display: flex;
        align-items: center;
        max-width: 18rem;
        flex: 1;
      }
      .search input {
        border-radius: 999px;
        padding-left: 0.9rem;
      }
      @media (max-width: 640px) {
        .search {
          display: none;
        }
        .start-label {
          display: none;
        }
      }
      /* Phones: the bar's six finger-sized controls fit down to 320 px. */
      @media (max-width: 640px) {
        header {
          gap: 0.5rem;
          padding-inline: 0.75rem;
        }
      }
      /* Phones keep "Live" (the rooms being made now) and drop the brand's name beside its logo; the
         smallest keep its dot alone, read out as "Live". */
      @media (max-width: 419px) {
        .brand {
          min-width: var(--tap);
          justify-content: center;
        }
        .brand-name {
          ${visuallyHidden}
        }
      }
      @media (max-width: 359px) {
        header {
          gap: 0.25rem;
        }
        .live-link {
          min-width: var(--tap);
          justify-content: center;
          padding-inline: 0;
        }
        .live-link::before {
          margin-right: 0;
        }
        .live-label {
          ${visuallyHidden}
        }
      }
      .boot,
      .problem {
        padding: 20vh 1rem;
        text-align: center;
        color: var(--ink-3);
      }
      .problem h1 {
        color: var(--ink);
        font-size: 1.4rem;
      }
      .ended {
        position: fixed;
        inset: auto 1rem 1rem;
        z-index: 40;
        margin: 0 auto;
        max-width: 34rem;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.75rem;
        padding: 0.8rem 1rem;
        border-radius: var(--radius);
        background: var(--ink);
        color: white;
        box-shadow: var(--shadow-lg);
      }
      .ended p {
        flex: 1;
        margin: 0;
        min-width: 12rem;
      }
    `,
  ];

  @state() private route: Route = parseRoute(new URL(location.href));
  @state() private loaded = new Set<PageName>();
  @state() private loadError: string | null = null;
  @state() private starting = false;
  @state() private startError: string | null = null;
  /** The server no longer accepts this browser's session (signed out from another device). */
  @state() private sessionEnded = false;
  #stopLinks: (() => void) | null = null;
  #stopEnded: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.#onLocation);
    window.addEventListener(NAVIGATE_EVENT, this.#onLocation);
    this.#stopLinks = interceptLinks(this.renderRoot);
    this.#stopEnded = onSessionEnded(() => (this.sessionEnded = true));
    this.#load();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('popstate', this.#onLocation);
    window.removeEventListener(NAVIGATE_EVENT, this.#onLocation);
    this.#stopLinks?.();
    this.#stopEnded?.();
    super.disconnectedCallback();
  }

  #onLocation = (): void => {
    this.route = parseRoute(new URL(location.href));
    this.startError = null;
    this.#load();
  };

  #load(): void {
    const page = this.route.page;
    if (page === 'not-found' || this.loaded.has(page)) return;
    PAGE_MODULES[page]().then(
      () => {
        this.loaded = new Set([...this.loaded, page]);
        this.loadError = null;
      },
      (err: unknown) => {
        this.loadError = describeError(err);
      },
    );
  }

  async #startRoom(): Promise<void> {
    this.starting = true;
    this.startError = null;
    try {
      const { room } = await createRoom();
      navigate(`/r/${room.id}`);
    } catch (err) {
      this.startError = describeError(err);
    } finally {
      this.starting = false;
    }
  }

  #search(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const q = String(new FormData(form).get('q') ?? '').trim();
    if (!q) return;
    form.reset();
    navigate(`/search?${new URLSearchParams({ q })}`);
  }

  override render() {
    return html`${this.#shell()}${
      this.sessionEnded
        ? html`<div class="ended" role="alert"><p>You were signed out of this browser.</p><button class="btn" @click=${() => location.assign('/')}>Continue</button></div>`
        : nothing
    }`;
  }

  #shell() {
    const route = this.route;
    if (route.page === 'room') return this.#page(route.page);
    return html`
      <a class="skip" href="#content" @click=${(e: MouseEvent) => this.#skip(e)}>Skip to content</a>
      <header>
        <a class="brand" href="/"><span class="logo">${icons.sparkles}</span><span class="brand-name">Atelier</span></a>
        <span class="spacer"></span>
        <form class="search" role="search" @submit=${(e: SubmitEvent) => this.#search(e)}>
          <label class="visually-hidden" for="site-search">Search works and people</label>
          <input id="site-search" class="input" name="q" type="search" placeholder="Search" maxlength="200" />
        </form>
        <a class="icon-btn" href="/search" aria-label="Search" title="Search">${icons.search}</a>
        <a class="live-link" href="/live"><span class="live-label">Live</span></a>
        ${this.startError ? html`<span class="error-text" role="alert">${this.startError}</span>` : nothing}
        <button class="btn primary" ?disabled=${this.starting} @click=${() => this.#startRoom()} aria-label="Start a room">
          ${icons.plus} <span class="start-label">${this.starting ? 'Starting…' : 'Start a room'}</span>
        </button>
        <notification-bell></notification-bell>
        <user-menu></user-menu>
      </header>
      <div id="content" tabindex="-1">${
        route.page === 'not-found'
          ? html`<section class="problem"><h1>Nothing here</h1><p>There is no page at ${route.path}.</p><a class="btn" href="/">Go to the gallery</a></section>`
          : this.#page(route.page)
      }</div>
    `;
  }

  /** The page lives in this shadow root, where a `#content` fragment cannot reach: move focus by hand. */
  #skip(event: MouseEvent): void {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('#content')?.focus();
  }

  #page(page: PageName) {
    if (this.loadError) {
      return html`<section class="problem" role="alert">
        <h1>This page could not load</h1>
        <p>${this.loadError}</p>
        <button class="btn" @click=${() => location.reload()}>Reload</button>
      </section>`;
    }
    if (!this.loaded.has(page)) return html`<p class="boot">Loading…</p>`;
    const route = this.route;
    switch (route.page) {
      case 'gallery':
        document.title = 'Atelier — gallery';
        return html`<gallery-page @start-room=${() => this.#startRoom()}></gallery-page>`;
      case 'room':
        return keyed(
          `${route.roomId}?${route.invite ?? ''}`,
          html`<room-page .roomId=${route.roomId} .invite=${route.invite} .watch=${route.watch}></room-page>`,
        );
      case 'work':
        return keyed(route.workId, html`<work-page .workId=${route.workId}></work-page>`);
      case 'profile':
        return keyed(route.handle, html`<profile-page .handle=${route.handle}></profile-page>`);
      case 'settings':
        return html`<settings-page></settings-page>`;
      case 'tag':
        document.title = `#${route.tag} — Atelier`;
        return keyed(`tag:${route.tag}`, html`<gallery-page .tag=${route.tag} @start-room=${() => this.#startRoom()}></gallery-page>`);
      case 'search':
        return keyed(`${route.type}?${route.q}`, html`<search-page .q=${route.q} .type=${route.type}></search-page>`);
      case 'moderation':
        return html`<moderation-page></moderation-page>`;
      case 'live':
        return html`<live-page></live-page>`;
      default:
        return nothing;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'atelier-app': AtelierApp;
  }
}
