// The look of the settings page's sections: a card each, a heading, rows.
import { css } from 'lit';

export const sectionStyles = css`
  :host {
    display: block;
  }
  section {
    background: var(--surface);
    border: 1px solid var(--line);
    border-radius: var(--radius);
    padding: clamp(1rem, 3vw, 1.5rem);
    display: grid;
    gap: 1rem;
  }
  h2 {
    margin: 0;
    font-size: 1.05rem;
  }
  .lede {
    margin: -0.5rem 0 0;
    color: var(--ink-3);
    font-size: 0.88rem;
    line-height: 1.5;
  }
  ul.rows {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
  }
  ul.rows li {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: 0.7rem 0;
    border-top: 1px solid var(--line);
  }
  ul.rows li:first-child {
    border-top: none;
  }
  .row-main {
    flex: 1;
    min-width: 0;
    display: grid;
    gap: 0.15rem;
  }
  .row-main strong {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .row-main span {
    font-size: 0.8rem;
    color: var(--ink-3);
  }
  /* On a phone the buttons go under the text, which keeps the row's full width. */
  @media (max-width: 480px) {
    ul.rows li {
      flex-wrap: wrap;
    }
    .row-main {
      flex-basis: 100%;
    }
  }
  .badge {
    display: inline-block;
    padding: 0.05rem 0.45rem;
    margin-left: 0.35rem;
    border-radius: 999px;
    background: var(--accent-soft);
    color: var(--accent-strong);
    font-size: 0.72rem;
    font-weight: 650;
    vertical-align: 0.1em;
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  a:not(.btn) {
    color: var(--accent-strong);
  }
  .status {
    font-size: 0.85rem;
    color: var(--ok);
  }
  .empty {
    color: var(--ink-3);
    font-size: 0.9rem;
    margin: 0;
  }
`;

/** "3 days ago", "just now": how long ago an ISO time was. */
export function ago(iso: string | null): string {
  if (!iso) return 'never';
  const seconds = (Date.now() - Date.parse(iso)) / 1000;
  if (!Number.isFinite(seconds)) return '';
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const steps: Array<[number, Intl.RelativeTimeFormatUnit]> = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
  ];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return unit === 'second' ? 'just now' : format.format(-Math.round(value), unit);
    value /= size;
  }
  return format.format(-Math.round(value), 'year');
}
