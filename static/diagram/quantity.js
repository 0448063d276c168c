// Kubernetes resource quantities ("250m", "1.5", "512Mi", "2G") as numbers: CPU in millicores, memory in bytes.
// The same suffixes upstream's resource.Quantity accepts (k8s.io/apimachinery/pkg/api/resource).

const BINARY = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export function parseQuantity(text) {
  if (text === undefined || text === null || text === "") return 0;
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(String(text).trim());
  if (!match) return 0;
  const [, number, suffix] = match;
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return factor === undefined ? 0 : Number(number) * factor;
}

export const milliCpu = (text) => Math.round(parseQuantity(text) * 1000);

export function formatCpu(millis) {
  return millis % 1000 === 0 ? `${millis / 1000}` : `${Math.round(millis)}m`;
}

export function formatBytes(bytes) {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1).replace(/\.0$/, "")}Gi`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)}Mi`;
  return `${Math.round(bytes / 2 ** 10)}Ki`;
}
