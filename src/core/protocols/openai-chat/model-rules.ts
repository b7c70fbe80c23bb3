/**
 * What an OpenAI model name says about the parameters it takes. Provider prefixes
 * (`openai/o3` at OpenRouter) are ignored; names this does not know are left alone.
 */
function bareName(model: string): string {
  return model.slice(model.lastIndexOf("/") + 1).toLowerCase();
}

/** o1/o3/o4, codex and the gpt-5 families (not gpt-5-chat): `max_completion_tokens`, no sampling knobs. */
export function isOpenAiReasoningModel(model: string): boolean {
  const name = bareName(model);
  if (/^o\d/.test(name) || name.startsWith("codex-")) return true;
  return name.startsWith("gpt-5") && !name.includes("-chat");
}

/** gpt-5.1 and later accept sampling parameters again when reasoning_effort is "none". */
export function acceptsSamplingWithoutReasoning(model: string): boolean {
  return /^gpt-5\.\d/.test(bareName(model));
}

/** OpenAI models known to reject `reasoning_effort`. */
export function rejectsReasoningEffort(model: string): boolean {
  const name = bareName(model);
  return /^(gpt-4|gpt-3\.5|chatgpt-)/.test(name) || (name.startsWith("gpt-5") && name.includes("-chat"));
}
