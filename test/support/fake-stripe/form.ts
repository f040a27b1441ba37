/**
 * Stripe's form encoding: `items[0][price]=p&metadata[foo]=bar&expand[]=x`, in any order.
 * Parsed into nested objects and arrays so tests and handlers compare values, not strings.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

function segments(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) parts.push(match[1] ?? '');
  return parts;
}

type Container = { [key: string]: FormValue } | FormValue[];

function child(container: Container, segment: string, nextSegment: string): Container {
  const wantsArray = nextSegment === '' || /^\d+$/.test(nextSegment);
  if (Array.isArray(container)) {
    // `a[][x]=1&a[][y]=2` cannot be told apart from two elements; Stripe clients always send indices.
    const index = segment === '' ? container.length : Number(segment);
    const existing = container[index];
    if (existing !== undefined && typeof existing === 'object') return existing;
    const created: Container = wantsArray ? [] : {};
    container[index] = created;
    return created;
  }
  const existing = container[segment];
  if (existing !== undefined && typeof existing === 'object') return existing;
  const created: Container = wantsArray ? [] : {};
  container[segment] = created;
  return created;
}

function assign(container: Container, segment: string, value: string): void {
  if (Array.isArray(container)) {
    if (segment === '') container.push(value);
    else container[Number(segment)] = value;
  } else {
    container[segment] = value;
  }
}

export function parseForm(body: string): FormParams {
  const root: FormParams = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = segments(key);
    let container: Container = root;
    for (let i = 0; i < parts.length - 1; i += 1) {
      container = child(container, parts[i] as string, parts[i + 1] as string);
    }
    assign(container, parts[parts.length - 1] as string, value);
  }
  return root;
}
