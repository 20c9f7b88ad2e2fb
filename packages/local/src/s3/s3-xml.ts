/** S3's XML namespace, which every response document carries. */
export const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

/** A value as XML text: the five predefined entities, and control characters as character references as S3 does. */
export function escapeXml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;")
    .replace(/[^\t\n\u0020-\uffff]/g, (character) => `&#x${character.charCodeAt(0).toString(16)};`);
}

export type XmlChild = string | undefined | false | readonly XmlChild[];

/** `<name>…</name>` around already-escaped children (built with `element` or `text`); absent children are skipped. */
export function element(name: string, ...children: XmlChild[]): string {
  return `<${name}>${flatten(children).join("")}</${name}>`;
}

function flatten(children: readonly XmlChild[]): string[] {
  return children.flatMap((child) =>
    Array.isArray(child) ? flatten(child) : typeof child === "string" ? [child] : [],
  );
}

/** `<name>value</name>` with the value escaped, or nothing for an absent value. */
export function text(name: string, value: string | number | boolean | undefined): string | undefined {
  return value === undefined ? undefined : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A response document: the XML declaration and a root element in S3's namespace. */
export function document(root: string, ...children: XmlChild[]): string {
  const body = element(root, ...children);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.replace(`<${root}>`, `<${root} xmlns="${s3Namespace}">`)}`;
}

/** A parsed element: its name, its text (the concatenated character data) and its child elements, in order. */
export type XmlNode = { name: string; text: string; children: XmlNode[] };

/**
 * Reads the small request documents S3 takes (Delete, Tagging): elements, character data, CDATA and the predefined
 * and numeric entities; namespaces are dropped from names. Anything else (a DOCTYPE, unbalanced tags) is malformed,
 * as S3 answers MalformedXML for it.
 */
export function parseXml(source: string): XmlNode {
  const root: XmlNode = { name: "", text: "", children: [] };
  const stack: XmlNode[] = [root];
  const token =
    /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const match of source.matchAll(token)) {
    const [, cdata, closing, rawName, , selfClosing, characters, stray] = match;
    const current = stack[stack.length - 1] as XmlNode;
    if (stray !== undefined) throw new Error("unexpected <");
    if (cdata !== undefined) current.text += cdata;
    else if (characters !== undefined) current.text += decodeEntities(characters);
    else if (rawName !== undefined) {
      const name = rawName.includes(":") ? rawName.slice(rawName.indexOf(":") + 1) : rawName;
      if (closing) {
        if (current.name !== name || stack.length === 1) throw new Error(`unexpected </${name}>`);
        stack.pop();
      } else {
        const node: XmlNode = { name, text: "", children: [] };
        current.children.push(node);
        if (!selfClosing) stack.push(node);
      }
    }
  }
  if (stack.length !== 1 || root.children.length !== 1 || root.text.trim() !== "") throw new Error("not one document");
  return root.children[0] as XmlNode;
}

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (entity, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[name] ?? entity;
  });
}

/** The child elements of a node with a name. */
export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((child) => child.name === name);
}

/** The text of the first child element with a name, or undefined. */
export function childText(node: XmlNode, name: string): string | undefined {
  return node.children.find((child) => child.name === name)?.text;
}
