// Small text helpers shared by the renderers and panels.

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);

// "4:05" for countdowns past a minute, "42s" below.
export function duration(total) {
  const whole = Math.ceil(total);
  if (whole < 60) return `${whole}s`;
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

// kubectl's AGE column: 45s, 12m, 3h, 2d.
export function age(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

// Taint keys without their well-known prefixes (node.kubernetes.io/, node.cloudprovider.kubernetes.io/), to fit a card.
export const shortTaint = (taint) => `${taint.key.replace(/^node\.(cloudprovider\.)?kubernetes\.io\//, "")}:${taint.effect}`;

export function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
