// The shared look: buttons, fields, focus rings and helpers every element
// adopts. Colours and sizes come from the custom properties in index.html.
import { css } from 'lit';

/** Out of sight, still read out: for rules that hide a label only at some widths. */
export const visuallyHidden = css`
  position: absolute !important;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
`;

export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--font);
    color: var(--ink);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  :focus-visible {
    outline: 2px solid var(--focus);
    outline-offset: 2px;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.45rem;
    min-height: max(2.25rem, var(--tap));
    padding: 0 0.9rem;
    border-radius: var(--radius-sm);
    border: 1px solid var(--line);
    background: var(--surface);
    color: var(--ink);
    font-weight: 550;
    font-size: 0.9rem;
    cursor: pointer;
    text-decoration: none;
    white-space: nowrap;
    transition: background 120ms ease, border-color 120ms ease, box-shadow 120ms ease;
  }
  .btn:hover:not(:disabled) {
    background: var(--surface-2);
    border-color: var(--line-strong);
  }
  .btn:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  .btn.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--on-accent);
  }
  .btn.primary:hover:not(:disabled) {
    background: var(--accent-strong);
    border-color: var(--accent-strong);
  }
  .btn.ghost {
    background: transparent;
    border-color: transparent;
  }
  .btn.ghost:hover:not(:disabled) {
    background: var(--surface-2);
  }
  .btn.danger {
    color: var(--danger);
  }
  .icon-btn {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: max(2rem, var(--tap));
    height: max(2rem, var(--tap));
    padding: 0;
    border-radius: var(--radius-sm);
    border: 1px solid transparent;
    background: transparent;
    color: var(--ink-2);
    cursor: pointer;
  }
  .icon-btn:hover:not(:disabled) {
    background: var(--surface-2);
    color: var(--ink);
  }
  .icon-btn:disabled {
    opacity: 0.4;
    cursor: not-allowed;
  }
  .icon-btn[aria-pressed='true'] {
    color: var(--accent);
  }
  svg.icon {
    width: 1.1rem;
    height: 1.1rem;
    flex: none;
  }
  .field {
    display: grid;
    gap: 0.3rem;
    font-size: 0.82rem;
    color: var(--ink-2);
    font-weight: 550;
  }
  .input,
  select.input,
  textarea.input {
    width: 100%;
    min-height: max(2.25rem, var(--tap));
    padding: 0.4rem 0.6rem;
    border: 1px solid var(--line);
    border-radius: var(--radius-sm);
    background: var(--surface);
    color: var(--ink);
    font-weight: 400;
    font-size: 0.9rem;
  }
  .input:hover {
    border-color: var(--line-strong);
  }
  /* Phones zoom into a field whose text is under 16 px when it takes focus. */
  @media (pointer: coarse) {
    .input {
      font-size: 1rem;
    }
  }
  .muted {
    color: var(--ink-3);
  }
  .error-text {
    color: var(--danger);
    font-size: 0.85rem;
  }
  .visually-hidden {
    ${visuallyHidden}
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--line);
    border-radius: var(--radius);
  }
  .section-title {
    margin: 0;
    font-size: 0.78rem;
    font-weight: 650;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--ink-3);
  }
  @keyframes shimmer {
    from {
      background-position: 200% 0;
    }
    to {
      background-position: -200% 0;
    }
  }
  .skeleton {
    background: linear-gradient(90deg, var(--surface-2) 25%, var(--surface-3) 50%, var(--surface-2) 75%);
    background-size: 200% 100%;
    animation: shimmer 1.4s ease-in-out infinite;
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }
  }
`;

/** Native modal dialogs: a card over a dimmed page. */
export const dialogStyles = css`
  dialog {
    border: none;
    border-radius: var(--radius);
    padding: 1.5rem;
    width: min(94vw, var(--dialog-width, 30rem));
    box-shadow: var(--shadow-lg);
    color: var(--ink);
  }
  dialog::backdrop {
    background: rgb(20 20 15 / 30%);
  }
  dialog h2 {
    margin: 0;
    font-size: 1.15rem;
  }
  dialog .top {
    display: flex;
    justify-content: space-between;
    align-items: center;
  }
  dialog .actions {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
  }
`;

/** A page below the app bar: centred, padded, at most --page-width wide. */
export const pageStyles = css`
  :host {
    display: block;
    padding: clamp(1rem, 3vw, 2rem);
    max-width: var(--page-width, 92rem);
    margin: 0 auto;
  }
`;
