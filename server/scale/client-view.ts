// A client as one of its users should see it: some methods replaced, every
// other one bound to the client itself. The adapter's command client is seen
// through three such views stacked (adapter-outbox.ts, scale.ts
// adapterClient, adapter-stream.ts), each replacing its own few commands.
export type Call = (...args: unknown[]) => unknown;

/** How a method is replaced: given the original, bound to the client, and the method's name. */
export type Replacement = (call: Call, name: string | symbol) => Call;

export function withMethods<T extends object>(client: T, replaced: ReadonlyMap<string | symbol, Replacement>): T {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const replace = replaced.get(prop);
      return replace ? replace((...args: unknown[]): unknown => value.apply(target, args), prop) : value.bind(target);
    },
  });
}

/** The same replacement for each of `names`. */
export function sameFor(names: Iterable<string>, replace: Replacement): Map<string | symbol, Replacement> {
  return new Map([...names].map((name) => [name, replace]));
}
