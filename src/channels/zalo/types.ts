/** Zalo Bot API objects as documented (reference §3); fields Zalo has been seen to omit are optional. */

export interface ZaloUser {
  /** About 20 hexadecimal characters. */
  id: string;
  display_name?: string;
  is_bot?: boolean;
}

export interface ZaloChat {
  id: string;
  /** PRIVATE or GROUP (groups are in beta). */
  chat_type: string;
}

export interface ZaloMessage {
  /** 20 hexadecimal characters; the only key an update has (Zalo has no update id). */
  message_id: string;
  /** Epoch milliseconds. */
  date: number;
  from: ZaloUser;
  chat: ZaloChat;
  text?: string;
  /** The image's CDN URL: `photo_url` in what Zalo sends today, `photo` in the documentation. */
  photo_url?: string;
  photo?: string;
  caption?: string;
  sticker?: string;
  /** A sticker's image. */
  url?: string;
  voice_url?: string;
  message_type?: string;
}

export interface ZaloUpdate {
  event_name: string;
  message?: ZaloMessage;
}

export interface ZaloBotInfo {
  id: string;
  account_name: string;
  account_type?: string;
  can_join_groups?: boolean;
  display_name?: string;
}

export interface ZaloSent {
  message_id: string;
  date: number;
}

export interface ZaloWebhookInfo {
  url: string;
  updated_at: number;
  verification?: { ok: boolean; url?: string; outcome?: string; hint?: string };
}

export const ZALO_EVENTS = {
  text: "message.text.received",
  image: "message.image.received",
  sticker: "message.sticker.received",
  voice: "message.voice.received",
  unsupported: "message.unsupported.received",
} as const;
