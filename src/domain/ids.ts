/**
 * How a chat or a person is named across channels: "telegram:-1001234567890", "zalo:6ede9afa66b88fe6d6a9".
 * Telegram ids are (possibly negative) integers; Zalo ids are hexadecimal strings of about 20 characters.
 * One place, so that /grant, the CLI, the YAML import and ADMIN_IDS accept the same names.
 */
export const CHANNELS = ["telegram", "zalo"] as const;
export type ChannelName = (typeof CHANNELS)[number];

const ID_FORMS: Record<ChannelName, RegExp> = {
  telegram: /^-?\d{1,20}$/,
  zalo: /^[A-Za-z0-9]{1,64}$/,
};

/** Whether `id` has the form of an id on `channel`. */
export function isChannelId(channel: string, id: string): boolean {
  const form = ID_FORMS[channel as ChannelName];
  return form?.test(id) === true;
}

/**
 * "channel:id" (or a bare id on `defaultChannel`, when given) → its parts, or undefined when the channel is
 * unknown or the id does not have that channel's form.
 */
export function parseChannelId(
  text: string,
  defaultChannel?: string,
): { channel: ChannelName; id: string } | undefined {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  const channel = colon < 0 ? defaultChannel : trimmed.slice(0, colon).toLowerCase();
  const id = colon < 0 ? trimmed : trimmed.slice(colon + 1);
  if (channel === undefined || !isChannelId(channel, id)) return undefined;
  return { channel: channel as ChannelName, id };
}
