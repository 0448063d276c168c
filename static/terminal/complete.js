// Tab completion of a kubectl line: the program, its verbs, the resource names the API serves, objects' names.

// Verbs whose next word is a resource (then a name): kubectl get pods web-1, kubectl scale deployment web.
const RESOURCE_VERBS = new Set(["get", "describe", "delete", "scale", "label", "annotate", "patch", "explain", "autoscale", "expose", "wait", "taint", "top", "events"]);
// Verbs whose next word is an object of one resource already.
const NAMED_VERBS = { logs: "pods", cordon: "nodes", uncordon: "nodes", drain: "nodes" };

// What the word under the cursor could become: {partial, candidates} or {partial, names: {resource, namespace}}
// when the candidates are objects' names the server must list.
export function completionFor(words, verbs, resources) {
  const partial = words[words.length - 1];
  const before = words.slice(0, -1).filter((word) => word !== "");
  if (before.length === 0) return { partial, candidates: ["kubectl"] };
  const args = before.slice(1);
  const namespace = namespaceOf(args);
  const positional = args.filter((word, index) => !word.startsWith("-") && !takesValue(args[index - 1]));
  const [verb, ...rest] = positional;
  if (verb === undefined) return { partial, candidates: verbs };
  if (partial.includes("/")) {
    const [resource, prefix] = splitOnce(partial, "/");
    return { partial: prefix, names: { resource, namespace }, prefix: `${resource}/` };
  }
  if (NAMED_VERBS[verb] && rest.length === 0) return { partial, names: { resource: NAMED_VERBS[verb], namespace } };
  if (!RESOURCE_VERBS.has(verb)) return { partial, candidates: [] };
  if (rest.length === 0) return { partial, candidates: resources };
  return { partial, names: { resource: rest[0].split(",")[0], namespace } };
}

function takesValue(flag) {
  return ["-n", "--namespace", "-o", "--output", "-l", "--selector", "-f", "--filename", "-c", "--container"].includes(flag);
}

function namespaceOf(args) {
  for (let index = 0; index < args.length; index++) {
    if (args[index] === "-n" || args[index] === "--namespace") return args[index + 1] || "default";
    if (args[index].startsWith("--namespace=")) return args[index].slice("--namespace=".length);
    if (args[index].startsWith("-n") && args[index].length > 2 && !args[index].startsWith("--")) return args[index].slice(2);
  }
  return "default";
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + 1)];
}

// The longest text every candidate starts with.
export function commonPrefix(candidates) {
  if (candidates.length === 0) return "";
  let prefix = candidates[0];
  for (const candidate of candidates) while (!candidate.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
