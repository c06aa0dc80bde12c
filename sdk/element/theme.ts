/**
 * The `accent`, `radius` and `font` attributes as a rule for the element's own stylesheet.
 * A value the browser does not accept for that property is ignored, and so is anything that
 * could end the declaration: an attribute cannot smuggle other rules in.
 */
const CHECKS: [attr: string, prop: string, cssProperty: string][] = [
  ['accent', '--_a-accent', 'color'],
  ['radius', '--_a-radius', 'border-radius'],
  ['font', '--_a-font', 'font-family'],
];

export function themeRule(get: (name: string) => string | null): string {
  const decls = CHECKS.map(([attr, prop, property]) => {
    const value = get(attr)?.trim();
    return value && !/[;{}\\<]/.test(value) && CSS.supports(property, value) ? `${prop}:${value};` : '';
  }).join('');
  return `:host{${decls}}`;
}
