// A response body read as JSON where the answer may be empty or not JSON at all
// (a proxy's HTML error page, a crashed backend): the caller decides what a
// body that is not JSON means, so it gets undefined rather than an exception.

/** `text` parsed as JSON; undefined when it is empty or not JSON. */
export function jsonOrUndefined(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
