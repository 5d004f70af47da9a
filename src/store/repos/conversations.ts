import type { ConversationRow, StackEntry } from "../types.ts";
import type { ConversationsRepo } from "./interfaces.ts";
import { type Db, json, parse } from "./sqlite.ts";

/** Each chat's flow stack, stored as one JSON document per chat. */
export class SqliteConversations implements ConversationsRepo {
  private readonly s;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      getConversation: p("SELECT user_id, stack FROM conversations WHERE channel = ? AND chat_id = ?"),
      getConversationJson: p("SELECT stack FROM conversations WHERE channel = ? AND chat_id = ?"),
      saveConversation: p(
        `INSERT INTO conversations (channel, chat_id, user_id, stack, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (channel, chat_id) DO UPDATE SET user_id = excluded.user_id, stack = excluded.stack,
         updated_at = excluded.updated_at`,
      ),
      deleteConversation: p("DELETE FROM conversations WHERE channel = ? AND chat_id = ?"),
    };
  }

  conversation(channel: string, chatId: string): ConversationRow | undefined {
    const row = this.s.getConversation.get(channel, chatId) as { user_id: string; stack: string } | undefined;
    return row ? { userId: row.user_id, stack: parse(row.stack) } : undefined;
  }

  /** A chat's stack exactly as stored (JSON text), for a caller that may already hold it parsed. */
  conversationJson(channel: string, chatId: string): string | undefined {
    return (this.s.getConversationJson.get(channel, chatId) as { stack: string } | undefined)?.stack;
  }

  saveConversation(channel: string, chatId: string, userId: string, stack: StackEntry[], at: string): void {
    this.saveConversationJson(channel, chatId, userId, stack.length === 0 ? undefined : json(stack), at);
  }

  /** Saves a stack already serialized (`JSON.stringify` of the entries); undefined for an empty stack. */
  saveConversationJson(
    channel: string,
    chatId: string,
    userId: string,
    stack: string | undefined,
    at: string,
  ): void {
    if (stack === undefined) this.s.deleteConversation.run(channel, chatId);
    else this.s.saveConversation.run(channel, chatId, userId, stack, at);
  }
}
