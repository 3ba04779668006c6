/** Reading the plain data of a YAML or JSON script. */

/** Whether `value` is a plain object (a YAML mapping), typed for reading its fields. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value))
  );
}
