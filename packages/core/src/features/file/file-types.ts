import { fileTypeFromBuffer } from "file-type";

/** The legacy Office formats share one container (OLE2/CFB); its magic number alone cannot tell them apart. */
const compoundDocumentTypes = new Set([
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
]);
/** Text formats have no magic number: they are text when the bytes are UTF-8 without control characters. */
const textTypes = new Set(["text/plain", "text/csv"]);

function looksLikeText(bytes: Uint8Array): boolean {
  // A cut at the sniffing window may split a character: drop up to 3 trailing bytes of an incomplete sequence.
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const body = text.replace(/\uFFFD{1,3}$/, "");
  if (body.includes("\uFFFD")) return false;
  // Control characters other than tab, line feed, form feed and carriage return mean binary.
  for (const char of body) {
    const code = char.charCodeAt(0);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) || code === 0x7f)
      return false;
  }
  return true;
}

/**
 * What a file is, by its first bytes (magic numbers via file-type, a well-kept library), not by its name or the
 * client's word. Text has no magic number: UTF-8 text is taken as the text type declared (CSV or plain), else plain
 * text. A legacy Office container is the Office type declared, if one was. Undefined when nothing is recognised.
 */
export async function sniffedType(bytes: Uint8Array, declared: string): Promise<string | undefined> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    if (detected.mime === "application/x-cfb" && compoundDocumentTypes.has(declared)) return declared;
    return detected.mime;
  }
  if (looksLikeText(bytes)) return textTypes.has(declared) ? declared : "text/plain";
  return undefined;
}
