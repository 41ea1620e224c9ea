// sharp (libvips and its native threads) loads on first use, not at start: it
// is ~25 MB of resident memory that a node serving rooms but never rendering,
// ingesting or generating an image does not need. The first image operation
// pays the import once (~100 ms); every caller after it shares the module.
import type SharpModule from 'sharp';

export type Sharp = typeof SharpModule;

let loading: Promise<Sharp> | undefined;

export function loadSharp(): Promise<Sharp> {
  loading ??= import('sharp').then((module) => module.default);
  return loading;
}
