// A small YAML writer for the inspector: objects read as `kubectl get -o yaml` prints them.

const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./ -]*$/;
const RESERVED = new Set(["true", "false", "null", "yes", "no", "on", "off", "~", ""]);

function scalar(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = String(value);
  if (PLAIN.test(text) && !RESERVED.has(text.toLowerCase()) && !/^[0-9.+-]/.test(text) && !/ $/.test(text)) return text;
  return JSON.stringify(text);
}

export function toYaml(value, indent = "") {
  if (Array.isArray(value)) {
    if (!value.length) return "[]";
    return value
      .map((item) => {
        const rendered = toYaml(item, `${indent}  `);
        return `${indent}- ${isBlock(item) ? rendered.trimStart() : rendered}`;
      })
      .join("\n");
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (!entries.length) return "{}";
    return entries
      .map(([key, item]) => {
        if (isBlock(item)) return `${indent}${scalar(key)}:\n${toYaml(item, Array.isArray(item) ? indent : `${indent}  `)}`;
        return `${indent}${scalar(key)}: ${toYaml(item, indent)}`;
      })
      .join("\n");
  }
  return scalar(value);
}

const isBlock = (value) => value && typeof value === "object" && Object.keys(value).length > 0;
