// The room page's layout: the header, the three-column workspace (one column
// on narrow screens, the canvas first), notices and the join / refusal states.
import { css } from 'lit';
import { baseStyles } from '../ui/styles.ts';

export const roomPageStyles = [
  baseStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      overflow: hidden;
    }
    header {
      display: flex;
      align-items: center;
      gap: 0.8rem;
      padding: 0.55rem 1rem;
      background: var(--surface);
      border-bottom: 1px solid var(--line);
      min-height: 3.4rem;
    }
    .home {
      display: grid;
      place-items: center;
      width: max(2rem, var(--tap));
      height: max(2rem, var(--tap));
      border-radius: 8px;
      background: var(--accent);
      color: white;
    }
    .title {
      display: grid;
      min-width: 0;
    }
    .title h1 {
      margin: 0;
      font-size: 1rem;
      font-weight: 650;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .title-button {
      border: none;
      background: none;
      padding: 0 0.2rem;
      margin: 0 -0.2rem;
      font: inherit;
      cursor: text;
      border-radius: 6px;
      min-height: var(--tap);
      /* The negative margins give back the padding: 100% alone cut every title short by 0.4rem. */
      max-width: calc(100% + 0.4rem);
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .title-button:hover {
      background: var(--surface-2);
    }
    .title-input {
      min-height: 1.8rem;
      padding: 0.15rem 0.4rem;
      font-weight: 650;
      width: 16rem;
    }
    .state {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
      font-size: 0.75rem;
      color: var(--ink-3);
    }
    .dot {
      width: 0.5rem;
      height: 0.5rem;
      border-radius: 50%;
      background: var(--line-strong);
    }
    .dot.synced {
      background: #22c55e;
    }
    .dot.offline,
    .dot.refused {
      background: #f59e0b;
    }
    .badge {
      padding: 0.1rem 0.45rem;
      border-radius: 999px;
      background: var(--surface-2);
      color: var(--ink-2);
      font-size: 0.7rem;
      font-weight: 650;
    }
    .spacer {
      flex: 1;
    }
    .origin {
      color: var(--accent-strong);
      font-size: 0.75rem;
    }
    .tools {
      display: flex;
      align-items: center;
      gap: 0.3rem;
    }
    .workspace {
      flex: 1;
      display: grid;
      grid-template-columns: minmax(19rem, 24rem) minmax(0, 1fr) minmax(16rem, 20rem);
      min-height: 0;
    }
    aside {
      overflow: auto;
      padding: 1rem;
      display: flex;
      flex-direction: column;
      gap: 1.3rem;
      background: var(--surface);
    }
    aside.left {
      border-right: 1px solid var(--line);
    }
    aside.right {
      border-left: 1px solid var(--line);
    }
    .stage {
      display: grid;
      grid-template-rows: auto minmax(0, 1fr);
      gap: 0.6rem;
      min-height: 0;
      min-width: 0;
      padding: 1rem;
    }
    .canvas-tools {
      display: flex;
      justify-content: flex-end;
      min-height: 2.3rem;
    }
    .notice {
      display: flex;
      align-items: center;
      justify-content: center;
      gap: 0.5rem;
      padding: 0.45rem 1rem;
      background: var(--accent-soft);
      color: var(--accent-strong);
      font-size: 0.86rem;
    }
    .center-msg {
      margin: auto;
      max-width: 28rem;
      text-align: center;
      padding: 2rem;
      color: var(--ink-2);
    }
    .center-msg h1 {
      color: var(--ink);
      font-size: 1.35rem;
    }
    .spinner {
      width: 2rem;
      height: 2rem;
      margin: 0 auto 1rem;
      border: 3px solid var(--line);
      border-top-color: var(--accent);
      border-radius: 50%;
      animation: spin 0.9s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
    @media (max-width: 1100px) {
      :host {
        height: auto;
        overflow: visible;
      }
      .workspace {
        grid-template-columns: 1fr;
      }
      .stage {
        order: -1;
        height: 70vh;
      }
      aside.left,
      aside.right {
        border: none;
        border-top: 1px solid var(--line);
      }
      .hide-narrow {
        display: none;
      }
    }
    /* A phone: the title and who is here on the first row, the tools on a second. */
    @media (max-width: 600px) {
      header {
        flex-wrap: wrap;
        gap: 0.5rem 0.6rem;
        padding: 0.5rem 0.75rem;
      }
      .title {
        flex: 1 1 0;
      }
      .spacer {
        display: none;
      }
      .tools {
        flex: 1 0 100%;
        justify-content: flex-end;
      }
      /* As tall as a square canvas as wide as the screen needs, with its tools and hint: 70vh left the
         prompt, where a room starts, below the first screen. */
      .stage {
        height: min(70vh, calc(100vw + 7rem));
      }
      /* Masking: the mask's tools take the first row, and the canvas keeps a square the screen's width (with
         its hint) below them; in the height above it shrank to a third of the screen, too small for a finger. */
      .stage.masking {
        height: auto;
        grid-template-rows: auto calc(100vw + 1rem);
      }
      notification-bell {
        /* Below both rows, which a finger's targets make taller. */
        --bell-panel-top: max(6.4rem, calc(2 * var(--tap) + 2.9rem));
      }
    }
    /* The smallest phones: the tools row keeps its icons and drops a label to fit. */
    @media (max-width: 359px) {
      .publish-label {
        display: none;
      }
    }
  `,
];
