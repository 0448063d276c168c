// The page's language for the scripts: Django's JavaScript catalog (a classic script loaded before the modules
// defines window.gettext and window.interpolate) translates; without it the English text stands.

export const t = (text) => (window.gettext ? window.gettext(text) : text);

// t() with named placeholders: tf("%(name)s is down", { name }) → "etcd is down".
export function tf(text, values) {
  return t(text).replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
}
