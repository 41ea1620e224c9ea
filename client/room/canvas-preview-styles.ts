// The canvas preview's look: the stage, the selection overlay and its handles, the empty state.
import { css } from 'lit';
import { baseStyles } from '../ui/styles.ts';

export const canvasPreviewStyles = [
  baseStyles,
  css`
    :host {
      display: grid;
      place-items: center;
      min-height: 0;
      min-width: 0;
      position: relative;
    }
    .stage {
      position: relative;
      box-shadow: var(--shadow);
      border-radius: 4px;
      background: repeating-conic-gradient(#e7e7e2 0 25%, #fafaf7 0 50%) 50% / 16px 16px;
      touch-action: none;
    }
    .stage:focus-visible {
      outline-offset: 4px;
    }
    .stage.dropping {
      outline: 3px dashed var(--accent);
      outline-offset: 6px;
    }
    canvas,
    svg.overlay {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      border-radius: 4px;
    }
    svg.overlay {
      overflow: visible;
    }
    svg.overlay.editable {
      cursor: default;
    }
    .hit {
      fill: transparent;
    }
    .editable .hit.selected {
      cursor: move;
    }
    .outline {
      fill: none;
      stroke-width: 1.5;
      vector-effect: non-scaling-stroke;
    }
    .outline.mine {
      stroke: var(--accent);
    }
    .handle {
      fill: white;
      stroke: var(--accent);
      stroke-width: 1.5;
      vector-effect: non-scaling-stroke;
    }
    .handle.scale {
      cursor: nwse-resize;
    }
    .handle.rotate {
      cursor: grab;
    }
    .tag {
      font: 600 12px var(--font);
      fill: white;
    }
    .hint {
      position: absolute;
      left: 50%;
      bottom: -2.1rem;
      transform: translateX(-50%);
      margin: 0;
      white-space: nowrap;
      font-size: 0.75rem;
      color: var(--ink-3);
      pointer-events: none;
    }
    /* Fingers have no Shift, arrows or Delete; and a phone is narrower than the whole hint. */
    @media (pointer: coarse) {
      .hint .keys {
        display: none;
      }
    }
    @media (max-width: 600px) {
      .hint {
        left: 0;
        right: 0;
        top: calc(100% + 0.6rem);
        bottom: auto;
        transform: none;
        white-space: normal;
        text-align: center;
      }
    }
    .empty {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      text-align: center;
      padding: 2rem;
      color: var(--ink-3);
      pointer-events: none;
      font-size: 0.95rem;
    }
    .empty strong {
      display: block;
      color: var(--ink-2);
      font-size: 1.05rem;
      margin-bottom: 0.3rem;
    }
  `,
];
