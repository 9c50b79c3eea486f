// FormData for server actions, validated with zod: `parseForm(schema, formData)` gives the typed
// values or the first problem with its field. Use cases accept a plain object too (tests pass one).
import { z } from "zod";

export type FormInput = FormData | Record<string, unknown>;

/**
 * The string fields of a form (a file is ignored; a repeated field keeps its last value, unless
 * it is named in `lists`, which always read as arrays of strings).
 */
export function formValues(input: FormInput, lists: readonly string[] = []): Record<string, unknown> {
  if (typeof FormData === "undefined" || !(input instanceof FormData)) return input as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const [key, value] of input.entries()) if (typeof value === "string" && !lists.includes(key)) values[key] = value;
  for (const key of lists) values[key] = input.getAll(key).filter((v): v is string => typeof v === "string");
  return values;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; field: string; message: string };

export function parseForm<S extends z.ZodType>(schema: S, input: FormInput, lists: readonly string[] = []): FormResult<z.infer<S>> {
  const parsed = schema.safeParse(formValues(input, lists));
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, field: String(issue.path[0] ?? ""), message: issue.message };
}

/** An HTML checkbox: "on" when ticked, absent when not. */
export const checkbox = z.preprocess((value) => value === "on" || value === "true" || value === true, z.boolean());

/** A text field that may be left empty (empty → undefined). */
export const optionalText = (max: number) => z.preprocess((value) => (value === "" || value === null ? undefined : value), z.string().max(max).optional());
