// The node types the fake ComfyUI has, in `/object_info`'s shape (server.py
// node_info: `input.required` with combo inputs as `[[…options], {…}]`), and
// its prompt validation as execution.py validate_prompt / validate_inputs
// answer it: `invalid_prompt`, `prompt_no_outputs`, and
// `prompt_outputs_failed_validation` with per-node `node_errors`
// (`required_input_missing`, `value_not_in_list`, `custom_validation_failed`).

export type PromptGraph = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

interface NodeType {
  input: { required: Record<string, unknown>; optional?: Record<string, unknown> };
  input_order: { required: string[] };
  output: string[];
  output_node: boolean;
  name: string;
  display_name: string;
  category: string;
}

function node(name: string, required: Record<string, unknown>, output: string[], outputNode = false): NodeType {
  return {
    input: { required },
    input_order: { required: Object.keys(required) },
    output,
    output_node: outputNode,
    name,
    display_name: name,
    category: 'sd',
  };
}

export function NODE_TYPES(models: string[], uploads: string[]): Record<string, NodeType> {
  const int = ['INT', { default: 0, min: 0, max: Number.MAX_SAFE_INTEGER }];
  return {
    CheckpointLoaderSimple: node(
      'CheckpointLoaderSimple',
      { ckpt_name: [models, { tooltip: 'The name of the checkpoint (model) to load.' }] },
      ['MODEL', 'CLIP', 'VAE'],
    ),
    CLIPTextEncode: node('CLIPTextEncode', { text: ['STRING', { multiline: true }], clip: ['CLIP'] }, ['CONDITIONING']),
    EmptyLatentImage: node(
      'EmptyLatentImage',
      {
        width: ['INT', { default: 512, min: 16, max: 16384 }],
        height: ['INT', { default: 512, min: 16, max: 16384 }],
        batch_size: ['INT', { default: 1, min: 1, max: 4096 }],
      },
      ['LATENT'],
    ),
    KSampler: node(
      'KSampler',
      {
        model: ['MODEL'],
        seed: int,
        steps: ['INT', { default: 20, min: 1, max: 10000 }],
        cfg: ['FLOAT', { default: 8.0, min: 0.0, max: 100.0 }],
        sampler_name: [['euler', 'euler_ancestral', 'dpmpp_2m'], {}],
        scheduler: [['normal', 'karras', 'simple'], {}],
        positive: ['CONDITIONING'],
        negative: ['CONDITIONING'],
        latent_image: ['LATENT'],
        denoise: ['FLOAT', { default: 1.0, min: 0.0, max: 1.0 }],
      },
      ['LATENT'],
    ),
    VAEDecode: node('VAEDecode', { samples: ['LATENT'], vae: ['VAE'] }, ['IMAGE']),
    VAEEncode: node('VAEEncode', { pixels: ['IMAGE'], vae: ['VAE'] }, ['LATENT']),
    SaveImage: node('SaveImage', { images: ['IMAGE'], filename_prefix: ['STRING', { default: 'ComfyUI' }] }, [], true),
    LoadImage: node('LoadImage', { image: [uploads, { image_upload: true }] }, ['IMAGE', 'MASK']),
    LoadImageMask: node('LoadImageMask', { image: [uploads, { image_upload: true }], channel: [['alpha', 'red', 'green', 'blue'], {}] }, [
      'MASK',
    ]),
    SetLatentNoiseMask: node('SetLatentNoiseMask', { samples: ['LATENT'], mask: ['MASK'] }, ['LATENT']),
  };
}

type Validation =
  | { ok: true }
  | { ok: false; error: { type: string; message: string; details: string; extra_info: object }; nodeErrors: Record<string, unknown> };

export function validatePrompt(prompt: unknown, models: string[], uploads: string[]): Validation {
  const types = NODE_TYPES(models, uploads);
  if (typeof prompt !== 'object' || prompt === null) {
    return {
      ok: false,
      error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
      nodeErrors: {},
    };
  }
  const graph = prompt as PromptGraph;
  const outputs: string[] = [];
  for (const [id, entry] of Object.entries(graph)) {
    if (typeof entry?.class_type !== 'string') {
      return invalid('Cannot execute because a node is missing the class_type property.', `Node ID '#${id}'`);
    }
    const type = types[entry.class_type];
    if (!type) return invalid(`Cannot execute because node ${entry.class_type} does not exist.`, `Node ID '#${id}'`);
    if (type.output_node) outputs.push(id);
  }
  if (outputs.length === 0) {
    return {
      ok: false,
      error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} },
      nodeErrors: {},
    };
  }
  const nodeErrors: Record<string, unknown> = {};
  const lines: string[] = [];
  for (const [id, entry] of Object.entries(graph)) {
    const type = types[entry.class_type]!;
    const errors: Array<{ type: string; message: string; details: string; extra_info: object }> = [];
    for (const [name, spec] of Object.entries(type.input.required)) {
      const value = entry.inputs?.[name];
      if (value === undefined) {
        errors.push({
          type: 'required_input_missing',
          message: 'Required input is missing',
          details: name,
          extra_info: { input_name: name },
        });
        continue;
      }
      const options = Array.isArray(spec) && Array.isArray(spec[0]) ? (spec[0] as unknown[]) : undefined;
      if (options && !Array.isArray(value) && !options.includes(value)) {
        if (entry.class_type.startsWith('LoadImage')) {
          // nodes.py LoadImage.VALIDATE_INPUTS answers for its own input.
          errors.push({
            type: 'custom_validation_failed',
            message: 'Custom validation failed for node',
            details: `${name} - Invalid image file: ${String(value)}`,
            extra_info: { input_name: name },
          });
        } else {
          const list = options.length > 20 ? `(list of length ${options.length})` : `[${options.map((o) => `'${String(o)}'`).join(', ')}]`;
          errors.push({
            type: 'value_not_in_list',
            message: 'Value not in list',
            details: `${name}: '${String(value)}' not in ${list}`,
            extra_info: { input_name: name, received_value: value },
          });
        }
      }
    }
    if (errors.length > 0) {
      nodeErrors[id] = { errors, dependent_outputs: outputs, class_type: entry.class_type };
      for (const e of errors) lines.push(`${e.message}: ${e.details}`);
    }
  }
  if (lines.length === 0) return { ok: true };
  return {
    ok: false,
    error: {
      type: 'prompt_outputs_failed_validation',
      message: 'Prompt outputs failed validation',
      details: lines.join('\n'),
      extra_info: {},
    },
    nodeErrors,
  };
}

function invalid(message: string, details: string): Validation {
  return { ok: false, error: { type: 'invalid_prompt', message, details, extra_info: {} }, nodeErrors: {} };
}
