import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** A round badge with a person's initials in their colour. */
@customElement('user-avatar')
export class UserAvatar extends LitElement {
  static override styles = css`
    :host {
      display: inline-grid;
      place-items: center;
      width: var(--avatar-size, 2rem);
      height: var(--avatar-size, 2rem);
      border-radius: 50%;
      color: white;
      font: 650 calc(var(--avatar-size, 2rem) * 0.4) / 1 var(--font);
      letter-spacing: 0.02em;
      box-shadow: 0 0 0 2px var(--avatar-ring, var(--surface));
      user-select: none;
      flex: none;
    }
  `;

  @property() name = '';
  @property() color = '#64748b';

  override render() {
    this.style.background = this.color;
    return html`<span aria-hidden="true">${initials(this.name)}</span>`;
  }
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const [first = '', ...rest] = words;
  const last = rest.at(-1) ?? '';
  return (first.charAt(0) + last.charAt(0)).toUpperCase();
}

declare global {
  interface HTMLElementTagNameMap {
    'user-avatar': UserAvatar;
  }
}
