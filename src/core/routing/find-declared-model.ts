import { isGlob } from "./glob.js";
import { matchGlob } from "./match-glob.js";
import type { ProviderModel, RoutingProvider } from "./resolve-model.js";

/**
 * The provider's declared entry for a model name, as `resolveModel` matches it (exact names
 * before globs): what `orderTargets`' `models` callback should return. `undefined` when the
 * provider declares nothing for the name (then the target is assumed capable).
 */
export function findDeclaredModel(provider: RoutingProvider, name: string): ProviderModel | undefined {
  const exact = provider.models.find((model) => !isGlob(model.name) && model.name === name);
  if (exact !== undefined) return exact;
  return provider.models.find((model) => isGlob(model.name) && matchGlob(model.name, name));
}
