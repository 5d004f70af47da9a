import type { ChatMessage } from "../../messages.ts";

/** Turns the HTML subset used in messages into plain terminal text. */
export function htmlToText(html: string): string {
  return html
    .replace(/<\/?(b|i|u|s|code|pre)>/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");
}

/** A chat message as the terminal shows it: text, then its choices numbered (type the number to choose). */
export function formatChatMessage(message: ChatMessage): string {
  const lines = [htmlToText(message.text)];
  if (message.choices?.length) {
    lines.push("");
    message.choices.forEach((c, i) => {
      lines.push(`  ${i + 1}. ${c.label}`);
    });
  }
  return lines.join("\n");
}
