// The layer panel's look: rows with thumbnails and holders, drop markers while dragging, the selected layer's details.
import { css } from 'lit';
import { baseStyles } from '../ui/styles.ts';

export const layerPanelStyles = [
  baseStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 0;
    }
    .head {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
      padding: 0 0 0.6rem;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 0.35rem;
      overflow: auto;
      min-height: 0;
    }
    li {
      position: relative;
      border: 1px solid transparent;
      border-radius: var(--radius-sm);
      background: var(--surface);
    }
    li:hover {
      border-color: var(--line);
    }
    li.selected {
      border-color: var(--accent);
      box-shadow: 0 0 0 3px var(--accent-soft);
    }
    li.drop-above::before,
    li.drop-below::after {
      content: '';
      position: absolute;
      left: 0.4rem;
      right: 0.4rem;
      height: 3px;
      border-radius: 3px;
      background: var(--accent);
    }
    li.drop-above::before {
      top: -3px;
    }
    li.drop-below::after {
      bottom: -3px;
    }
    li.dragging {
      opacity: 0.45;
    }
    .row {
      display: flex;
      align-items: center;
      gap: 0.4rem;
      padding: 0.3rem;
    }
    .grip {
      cursor: grab;
      color: var(--ink-3);
      width: 1.4rem;
    }
    .thumb {
      width: 2.6rem;
      height: 2.6rem;
      flex: none;
      border-radius: 6px;
      object-fit: contain;
      background: repeating-conic-gradient(#e7e7e2 0 25%, #fafaf7 0 50%) 50% / 12px 12px;
      border: 1px solid var(--line);
    }
    .thumb.missing {
      display: grid;
      place-items: center;
      color: var(--danger);
    }
    .name {
      flex: 1;
      min-width: 0;
      text-align: left;
      background: none;
      border: none;
      padding: 0.3rem 0.2rem;
      border-radius: 6px;
      cursor: pointer;
      min-height: var(--tap);
      font-size: 0.88rem;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .name.hidden-layer {
      color: var(--ink-3);
    }
    layer-thumb.hidden-layer {
      opacity: 0.4;
    }
    .name .label,
    .name small {
      display: block;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .name small {
      color: var(--ink-3);
      font-size: 0.74rem;
    }
    .holders {
      display: inline-flex;
      gap: 2px;
    }
    .holder {
      width: 0.55rem;
      height: 0.55rem;
      border-radius: 50%;
    }
    .rename {
      flex: 1;
      min-width: 0;
    }
    .details {
      display: grid;
      gap: 0.6rem;
      padding: 0.2rem 0.6rem 0.7rem 2rem;
    }
    .opacity {
      display: grid;
      grid-template-columns: 1fr 3rem;
      align-items: center;
      gap: 0.5rem;
    }
    .opacity output {
      font-variant-numeric: tabular-nums;
      text-align: right;
      font-size: 0.82rem;
      color: var(--ink-2);
    }
    input[type='range'] {
      width: 100%;
      /* The slider's box is where a finger takes it: the track stays thin, its thumb centred. */
      height: max(1rem, var(--tap));
      accent-color: var(--accent);
    }
    .tools {
      display: flex;
      align-items: center;
      gap: 0.25rem;
    }
    .tools .spacer {
      flex: 1;
    }
    .tools .btn {
      padding: 0 0.5rem;
    }
    .invalid {
      font-size: 0.75rem;
      color: var(--danger);
    }
    .empty {
      padding: 1.4rem 1rem;
      text-align: center;
      color: var(--ink-3);
      font-size: 0.88rem;
      border: 1px dashed var(--line-strong);
      border-radius: var(--radius-sm);
    }
  `,
];
