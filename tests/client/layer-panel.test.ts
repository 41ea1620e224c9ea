// @vitest-environment happy-dom
// The layer panel as a component: what it shows for a stack, and the events
// it sends for each control (the room page applies them to the document).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Layer } from '../../shared/doc-schema.ts';
import type { LayerEntry } from '../../client/doc/layers.ts';
import { dropIndex, type LayerPanel } from '../../client/room/layer-panel.ts';
import '../../client/room/layer-panel.ts';
import { testLayer } from '../helpers/layers.ts';

function entry(index: number, patch: Partial<Layer> = {}): LayerEntry {
  const layer = testLayer({ id: `l${index}`, name: `Layer ${index}`, createdBy: 'u', ...patch });
  return { index, id: layer.id, valid: true, layer };
}

async function mount(
  props: Partial<Pick<LayerPanel, 'layers' | 'selectedId' | 'editable'>>,
): Promise<{ panel: LayerPanel; events: { type: string; detail: unknown }[] }> {
  const panel = document.createElement('layer-panel');
  Object.assign(panel, { editable: true, ...props });
  const events: { type: string; detail: unknown }[] = [];
  for (const type of ['layer-select', 'layer-update', 'layer-move', 'layer-delete']) {
    panel.addEventListener(type, (e) => events.push({ type, detail: (e as CustomEvent).detail }));
  }
  document.body.append(panel);
  await panel.updateComplete;
  return { panel, events };
}

const $ = <T extends Element>(panel: LayerPanel, selector: string): T => {
  const el = panel.shadowRoot!.querySelector<T>(selector);
  if (!el) throw new Error(`no ${selector}`);
  return el;
};
const $$ = (panel: LayerPanel, selector: string) => [...panel.shadowRoot!.querySelectorAll(selector)];

beforeEach(() => {
  // Thumbnails ask the image cache for their pictures; there is no server here.
  vi.stubGlobal('fetch', () => Promise.reject(new TypeError('no network in component tests')));
});

afterEach(() => {
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

describe('layer-panel', () => {
  test('lists the stack top first, with an empty state', async () => {
    const { panel } = await mount({ layers: [entry(0), entry(1), entry(2, { visible: false, opacity: 0.25, blend: 'screen' })] });
    expect($$(panel, 'li').map((li) => li.getAttribute('data-layer-id'))).toEqual(['l2', 'l1', 'l0']);
    expect($(panel, 'li[data-layer-id="l2"] .name').textContent).toContain('Screen · 25%');
    expect($(panel, 'li[data-layer-id="l2"] button[aria-label="Show Layer 2"]').getAttribute('aria-pressed')).toBe('true');
    const empty = await mount({ layers: [] });
    expect($(empty.panel, '.empty').textContent).toContain('No layers yet');
  });

  test('selecting, showing and hiding, deleting', async () => {
    const { panel, events } = await mount({ layers: [entry(0), entry(1)] });
    $<HTMLButtonElement>(panel, 'li[data-layer-id="l0"] .name').click();
    $<HTMLButtonElement>(panel, 'button[aria-label="Hide Layer 1"]').click();
    $<HTMLButtonElement>(panel, 'button[aria-label="Delete Layer 0"]').click();
    expect(events).toEqual([
      { type: 'layer-select', detail: { id: 'l0' } },
      { type: 'layer-update', detail: { id: 'l1', patch: { visible: false }, final: true } },
      { type: 'layer-delete', detail: { id: 'l0' } },
    ]);
  });

  test('the selected layer has opacity, blend and order controls', async () => {
    const { panel, events } = await mount({ layers: [entry(0), entry(1)], selectedId: 'l0' });
    const slider = $<HTMLInputElement>(panel, 'input[name="opacity"]');
    expect(slider.value).toBe('100');
    slider.value = '40';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    slider.dispatchEvent(new Event('change', { bubbles: true }));
    const blend = $<HTMLSelectElement>(panel, 'select[name="blend"]');
    expect([...blend.options].map((o) => o.value)).toEqual([
      'normal',
      'multiply',
      'screen',
      'overlay',
      'darken',
      'lighten',
      'soft-light',
      'hard-light',
      'difference',
    ]);
    blend.value = 'multiply';
    blend.dispatchEvent(new Event('change', { bubbles: true }));
    // l0 is at the bottom: it can come forward, not go further back.
    expect($<HTMLButtonElement>(panel, 'button[aria-label="Send backward"]').disabled).toBe(true);
    $<HTMLButtonElement>(panel, 'button[aria-label="Bring forward"]').click();
    expect(events).toEqual([
      { type: 'layer-update', detail: { id: 'l0', patch: { opacity: 0.4 }, final: false } },
      { type: 'layer-update', detail: { id: 'l0', patch: { opacity: 0.4 }, final: true } },
      { type: 'layer-update', detail: { id: 'l0', patch: { blend: 'multiply' }, final: true } },
      { type: 'layer-move', detail: { id: 'l0', toIndex: 1 } },
    ]);
  });

  test('rename with Enter, cancel with Escape', async () => {
    const { panel, events } = await mount({ layers: [entry(0)], selectedId: 'l0' });
    const renameButton = $$(panel, '.tools button').find((b) => b.textContent?.includes('Rename')) as HTMLButtonElement;
    renameButton.click();
    await panel.updateComplete;
    let input = $<HTMLInputElement>(panel, 'input.rename');
    input.value = '  Sky  ';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await panel.updateComplete;
    renameButton.click();
    await panel.updateComplete;
    input = $<HTMLInputElement>(panel, 'input.rename');
    input.value = 'Discarded';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await panel.updateComplete;
    expect(events).toEqual([{ type: 'layer-update', detail: { id: 'l0', patch: { name: 'Sky' }, final: true } }]);
  });

  test('keyboard reorder with Alt+arrows, and drag and drop', async () => {
    const { panel, events } = await mount({ layers: [entry(0), entry(1), entry(2)] });
    $(panel, 'li[data-layer-id="l1"]').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', altKey: true, bubbles: true }));
    // Drag the bottom layer (l0) onto the top row (l2), dropping below it.
    $(panel, 'li[data-layer-id="l0"] .grip').dispatchEvent(new Event('dragstart', { bubbles: true }));
    const target = $(panel, 'li[data-layer-id="l2"]');
    const over = new Event('dragover', { bubbles: true, cancelable: true });
    Object.assign(over, { clientY: 10_000 });
    target.dispatchEvent(over);
    await panel.updateComplete;
    expect(target.classList.contains('drop-below')).toBe(true);
    target.dispatchEvent(new Event('drop', { bubbles: true, cancelable: true }));
    expect(events).toEqual([
      { type: 'layer-move', detail: { id: 'l1', toIndex: 2 } },
      { type: 'layer-move', detail: { id: 'l0', toIndex: 1 } },
    ]);
  });

  test('drop positions in the bottom-first stack', () => {
    // Moving up: just above the target takes its place.
    expect(dropIndex(0, 2, true)).toBe(2);
    expect(dropIndex(0, 2, false)).toBe(1);
    // Moving down.
    expect(dropIndex(3, 1, true)).toBe(2);
    expect(dropIndex(3, 1, false)).toBe(1);
  });

  test('read-only: every control is disabled, invalid layers say why', async () => {
    const invalid: LayerEntry = {
      index: 1,
      id: 'bad',
      valid: false,
      reason: 'src: must be a /media/ file of this server',
      name: 'Foreign',
    };
    const { panel, events } = await mount({ layers: [entry(0), invalid], selectedId: 'l0', editable: false });
    for (const el of $$(panel, 'button.icon-btn, input, select')) expect((el as HTMLButtonElement).disabled, el.outerHTML).toBe(true);
    expect($(panel, 'li[data-layer-id="bad"]').textContent).toContain('Not drawn: src: must be a /media/ file');
    $(panel, 'li[data-layer-id="l0"]').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', altKey: true, bubbles: true }));
    expect(events).toEqual([]);
  });
});
