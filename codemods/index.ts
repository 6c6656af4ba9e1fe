import type { Codemod } from '../engine/types.js';

/** Every registered codemod, in the safe order `all` runs them. */
export const codemods: readonly Codemod[] = [
];

export function findCodemod(id: string): Codemod | undefined {
  return codemods.find((c) => c.id === id);
}
