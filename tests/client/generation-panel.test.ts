// @vitest-environment happy-dom
// The generation panel as a component: it offers only the providers the server
// lists, shows a model picker, a negative prompt and steps only where the
// chosen provider takes them, and sends exactly those parameters.
import { afterEach, describe, expect, test } from 'vitest';
import type { GenerationPanel } from '../../client/room/generation-panel.ts';
import '../../client/room/generation-panel.ts';
import type { GenParams, ProviderInfo } from '../../shared/protocol.ts';

const caps = (over: Partial<ProviderInfo['capabilities']> = {}): ProviderInfo['capabilities'] => ({
  edit: true,
  mask: true,
  seed: true,
  negativePrompt: false,
  steps: false,
  previews: true,
  cancel: true,
  models: false,
  ...over,
});

const PROVIDERS: ProviderInfo[] = [
  {
    id: 'local',
    label: 'Sketch (offline, not AI)',
    default: true,
    models: [{ id: 'procedural-v1', label: 'Procedural sketch v1' }],
    defaultModel: 'procedural-v1',
    capabilities: caps(),
  },
  {
    id: 'comfyui',
    label: 'ComfyUI',
    default: false,
    models: [
      { id: 'sd_xl_base_1.0.safetensors', label: 'sd_xl_base_1.0' },
      { id: 'v1-5.safetensors', label: 'v1-5' },
    ],
    defaultModel: 'sd_xl_base_1.0.safetensors',
    capabilities: caps({ negativePrompt: true, steps: true, models: true }),
  },
];

async function mount(): Promise<{ panel: GenerationPanel; sent: GenParams[] }> {
  const panel = document.createElement('generation-panel');
  const sent: GenParams[] = [];
  Object.assign(panel, {
    editable: true,
    promptText: 'a lighthouse',
    loadProviders: async () => PROVIDERS,
    start: async (params: GenParams) => {
      sent.push(params);
      return null;
    },
  });
  document.body.append(panel);
  for (let i = 0; i < 5; i++) await panel.updateComplete;
  await new Promise((r) => setTimeout(r, 0));
  await panel.updateComplete;
  return { panel, sent };
}

const $ = <T extends Element>(panel: GenerationPanel, selector: string) => panel.shadowRoot!.querySelector<T>(selector);

function choose(select: HTMLSelectElement | null, value: string): void {
  select!.value = value;
  select!.dispatchEvent(new Event('change'));
}

function type(input: HTMLInputElement | HTMLTextAreaElement | null, value: string): void {
  input!.value = value;
  input!.dispatchEvent(new Event('input'));
}

async function submit(panel: GenerationPanel): Promise<void> {
  $<HTMLFormElement>(panel, 'form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  await new Promise((r) => setTimeout(r, 0));
  await panel.updateComplete;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('generation panel', () => {
  test('offers the listed providers only, the default first chosen; no model, steps or negative prompt for the sketch renderer', async () => {
    const { panel, sent } = await mount();
    const options = [...$<HTMLSelectElement>(panel, 'select[name="provider"]')!.options].map((o) => [o.value, o.textContent, o.selected]);
    expect(options).toEqual([
      ['local', 'Sketch (offline, not AI)', true],
      ['comfyui', 'ComfyUI', false],
    ]);
    expect($(panel, 'select[name="model"]')).toBeNull();
    expect($(panel, 'input[name="steps"]')).toBeNull();
    expect($(panel, 'textarea[name="negativePrompt"]')).toBeNull();
    await submit(panel);
    expect(sent).toEqual([{ size: '1024x1024', count: 1, provider: 'local' }]);
  });

  test('shows the model picker, steps and negative prompt for a provider that takes them, and sends them', async () => {
    const { panel, sent } = await mount();
    choose($(panel, 'select[name="provider"]'), 'comfyui');
    await panel.updateComplete;
    const models = [...$<HTMLSelectElement>(panel, 'select[name="model"]')!.options].map((o) => [o.value, o.selected]);
    expect(models).toEqual([
      ['sd_xl_base_1.0.safetensors', true],
      ['v1-5.safetensors', false],
    ]);
    choose($(panel, 'select[name="model"]'), 'v1-5.safetensors');
    type($(panel, 'input[name="steps"]'), '30');
    type($(panel, 'textarea[name="negativePrompt"]'), ' blurry ');
    type($(panel, 'input[name="seed"]'), '7');
    await submit(panel);
    expect(sent).toEqual([
      { size: '1024x1024', count: 1, seed: 7, provider: 'comfyui', model: 'v1-5.safetensors', negativePrompt: 'blurry', steps: 30 },
    ]);
  });

  test('refuses steps out of range with a clear message, and sends nothing', async () => {
    const { panel, sent } = await mount();
    choose($(panel, 'select[name="provider"]'), 'comfyui');
    await panel.updateComplete;
    type($(panel, 'input[name="steps"]'), '151');
    await submit(panel);
    expect(sent).toEqual([]);
    expect($(panel, '[role="alert"]')!.textContent).toBe('Steps are a whole number from 1 to 150.');
  });
});
