export declare const STRIPPED_DIR: string;
/** Where the stripped form of `source` (a .ts file's bytes) is kept. */
export declare function strippedFile(source: Uint8Array | string): string;
/** Strips every .ts file under `dirs` into the cache, and removes entries no longer wanted; returns how many it stripped. */
export declare function fillStrippedCache(dirs: readonly string[]): number;
