// The graphs ComfyUI runs for a job, in its API format (`{nodeId: {class_type,
// inputs}}`, links as `[nodeId, outputIndex]`): the built-in text-to-image
// graph (and its image-to-image and masked variants for edits), or a workflow
// of the operator's own whose inputs COMFYUI_WORKFLOW_NODES names.
import { readFileSync } from 'node:fs';
import { comboOptions, type NodeInfo } from './http.ts';
import { isObject } from './protocol.ts';

export type Graph = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

export const WORKFLOW_INPUTS = ['prompt', 'negative_prompt', 'seed', 'width', 'height', 'steps', 'model', 'image', 'mask'] as const;
export type WorkflowInput = (typeof WORKFLOW_INPUTS)[number];
export type NodeMapping = Partial<Record<WorkflowInput, { node: string; input: string }>>;

/** What one prompt renders: one image. */
export interface GraphValues {
  prompt: string;
  negativePrompt: string;
  seed: number;
  width: number;
  height: number;
  steps: number;
  model: string;
  /** Names `/upload/image` gave the edit image and its mask. */
  image?: string;
  mask?: string;
}

/** The checkpoint loader of the built-in graph: its `ckpt_name` options are the models. */
export const CHECKPOINT_LOADER = 'CheckpointLoaderSimple';
export const DEFAULT_STEPS = 20;
/** How much of an unmasked edit image is re-drawn. */
const IMAGE_TO_IMAGE_DENOISE = 0.75;

export interface Workflow {
  /** Which inputs this workflow takes: the provider's capabilities follow from them. */
  readonly takes: ReadonlySet<WorkflowInput>;
  /** Node class whose `model` input lists the models, and that input. */
  readonly modelSource: { nodeClass: string; input: string } | undefined;
  build(values: GraphValues): Graph;
  /** Problems with the node types ComfyUI has (`/object_info`); empty when it can run. */
  validate(nodeTypes: Record<string, NodeInfo>): string[];
}

/** The built-in graph: checkpoint loader, two text encoders, empty latent (or the edit image), KSampler, VAE decode, save. */
export const builtInWorkflow: Workflow = {
  takes: new Set(WORKFLOW_INPUTS),
  modelSource: { nodeClass: CHECKPOINT_LOADER, input: 'ckpt_name' },
  build(v) {
    const sampler = {
      class_type: 'KSampler',
      inputs: {
        seed: v.seed,
        steps: v.steps,
        cfg: 7,
        sampler_name: 'euler',
        scheduler: 'normal',
        denoise: 1,
        model: ['4', 0],
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
      } as Record<string, unknown>,
    };
    const graph: Graph = {
      '4': { class_type: CHECKPOINT_LOADER, inputs: { ckpt_name: v.model } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: v.prompt, clip: ['4', 1] } },
      '7': { class_type: 'CLIPTextEncode', inputs: { text: v.negativePrompt, clip: ['4', 1] } },
      '3': sampler,
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'atelier', images: ['8', 0] } },
    };
    if (v.image === undefined) {
      graph['5'] = { class_type: 'EmptyLatentImage', inputs: { width: v.width, height: v.height, batch_size: 1 } };
      return graph;
    }
    graph['10'] = { class_type: 'LoadImage', inputs: { image: v.image } };
    graph['11'] = { class_type: 'VAEEncode', inputs: { pixels: ['10', 0], vae: ['4', 2] } };
    if (v.mask === undefined) {
      Object.assign(sampler.inputs, { latent_image: ['11', 0], denoise: IMAGE_TO_IMAGE_DENOISE });
      return graph;
    }
    // LoadImageMask's alpha channel gives 1 - alpha: transparent is where the sampler repaints.
    graph['12'] = { class_type: 'LoadImageMask', inputs: { image: v.mask, channel: 'alpha' } };
    graph['5'] = { class_type: 'SetLatentNoiseMask', inputs: { samples: ['11', 0], mask: ['12', 0] } };
    return graph;
  },
  validate(nodeTypes) {
    const needed = [CHECKPOINT_LOADER, 'CLIPTextEncode', 'KSampler', 'VAEDecode', 'SaveImage', 'EmptyLatentImage'];
    return needed.filter((c) => !(c in nodeTypes)).map((c) => `ComfyUI has no node type ${c}`);
  },
};

/** Reads COMFYUI_WORKFLOW and COMFYUI_WORKFLOW_NODES; throws an Error naming what is wrong. */
export function loadWorkflow(path: string, nodes: string | undefined): Workflow {
  let graph: unknown;
  try {
    graph = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`COMFYUI_WORKFLOW: cannot read ${path} as JSON: ${(err as Error).message}`);
  }
  if (!isObject(graph) || Object.keys(graph).length === 0)
    throw new Error('COMFYUI_WORKFLOW: not an API-format workflow (export it with "Save (API)")');
  for (const [id, node] of Object.entries(graph)) {
    if (!isObject(node) || typeof node.class_type !== 'string' || !isObject(node.inputs)) {
      throw new Error(`COMFYUI_WORKFLOW: node ${id} has no class_type and inputs (is it the API format?)`);
    }
  }
  const template = graph as Graph;
  const mapping = parseNodeMapping(nodes);
  if (!mapping.prompt) throw new Error('COMFYUI_WORKFLOW_NODES must map prompt (e.g. prompt=6.text)');
  for (const [name, target] of Object.entries(mapping)) {
    if (!template[target.node])
      throw new Error(`COMFYUI_WORKFLOW_NODES: ${name} names node ${target.node}, which the workflow does not have`);
  }
  const node = (id: string) => {
    const found = template[id];
    if (!found) throw new Error(`COMFYUI_WORKFLOW_NODES names node ${id}, which the workflow does not have`);
    return found;
  };
  const model = mapping.model && { nodeClass: node(mapping.model.node).class_type, input: mapping.model.input };
  return {
    takes: new Set(Object.keys(mapping) as WorkflowInput[]),
    modelSource: model,
    build(v) {
      const built = structuredClone(template);
      const set = (name: WorkflowInput, value: unknown) => {
        const target = mapping[name];
        const into = target && built[target.node];
        if (into && value !== undefined) into.inputs[target.input] = value;
      };
      set('prompt', v.prompt);
      set('negative_prompt', v.negativePrompt);
      set('seed', v.seed);
      set('width', v.width);
      set('height', v.height);
      set('steps', v.steps);
      set('model', v.model);
      set('image', v.image);
      set('mask', v.mask);
      return built;
    },
    validate(nodeTypes) {
      const problems: string[] = [];
      for (const [id, entry] of Object.entries(template)) {
        if (!(entry.class_type in nodeTypes)) problems.push(`node ${id} is a ${entry.class_type}, which ComfyUI does not have`);
      }
      for (const [name, target] of Object.entries(mapping)) {
        const nodeClass = node(target.node).class_type;
        const info = nodeTypes[nodeClass];
        if (info && !inputsOf(info).includes(target.input)) {
          problems.push(`${name} names input ${target.input} of node ${target.node} (${nodeClass}), which has no such input`);
        }
      }
      return problems;
    },
  };
}

/** `prompt=6.text,seed=3.seed`: each name, the node id and the input name (split at the last dot). */
export function parseNodeMapping(text: string | undefined): NodeMapping {
  const mapping: NodeMapping = {};
  for (const part of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([a-z_]+)=(.+)\.([A-Za-z0-9_]+)$/.exec(part);
    if (!match) throw new Error(`COMFYUI_WORKFLOW_NODES: "${part}" is not name=node.input`);
    const [, name, node, input] = match as unknown as [string, string, string, string];
    if (!(WORKFLOW_INPUTS as readonly string[]).includes(name)) {
      throw new Error(`COMFYUI_WORKFLOW_NODES: unknown name "${name}" (known: ${WORKFLOW_INPUTS.join(', ')})`);
    }
    mapping[name as WorkflowInput] = { node, input };
  }
  return mapping;
}

/** The models the workflow's model node offers, from `/object_info`. */
export function modelsOf(workflow: Workflow, nodeTypes: Record<string, NodeInfo>): string[] {
  const source = workflow.modelSource;
  if (!source) return [];
  const info = nodeTypes[source.nodeClass];
  return comboOptions(info?.input?.required?.[source.input] ?? info?.input?.optional?.[source.input]) ?? [];
}

function inputsOf(info: NodeInfo): string[] {
  return [...Object.keys(info.input?.required ?? {}), ...Object.keys(info.input?.optional ?? {})];
}
