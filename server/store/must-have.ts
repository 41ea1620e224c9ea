/** The row a statement must have given (one just written, an aggregate): its absence is a bug, not an answer. */
export function mustHave<T>(row: T | undefined | null, what: string): T {
  if (row === undefined || row === null) throw new Error(`the store returned no ${what}`);
  return row;
}
