import type { DutyPost, PromptPurpose, PromptRow } from "../types.ts";
import type { DutyRepo, Transactions } from "./interfaces.ts";
import { type Db, parse, type Raw } from "./sqlite.ts";

/**
 * The messages posted in duty chats and the questions the bot waits for answers to. Both are found again by
 * the channel message id their outbox row got once sent, so every read writes waiting sent marks first.
 */
export class SqliteDuty implements DutyRepo {
  private readonly s;

  constructor(
    db: Db,
    private readonly tx: Transactions,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      addDutyPost: p(
        `INSERT INTO duty_posts (incident_id, contact_id, channel, chat_id, outbox_key, posted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      dutyPosts: p("SELECT contact_id, channel, chat_id, outbox_key FROM duty_posts WHERE incident_id = ?"),
      outboxResult: p("SELECT result FROM outbox WHERE idempotency_key = ?"),
      addPrompt: p(
        `INSERT INTO duty_prompts (outbox_key, incident_id, channel, chat_id, purpose, user_id, reply_chat, reply_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      // A reply names the message it answers by the channel's message id, which the outbox row got once sent.
      promptByMessage: p(
        `SELECT p.* FROM duty_prompts p JOIN outbox o ON o.idempotency_key = p.outbox_key
         WHERE p.channel = ? AND p.chat_id = ? AND p.answered_at IS NULL
           AND EXISTS (SELECT 1 FROM json_each(o.result, '$.messageIds') WHERE value = ?)
         ORDER BY p.id DESC LIMIT 1`,
      ),
      answerPrompt: p("UPDATE duty_prompts SET answered_at = ? WHERE id = ? AND answered_at IS NULL"),
      dutyPostByMessage: p(
        `SELECT d.incident_id, d.contact_id FROM duty_posts d JOIN outbox o ON o.idempotency_key = d.outbox_key
         WHERE d.channel = ? AND d.chat_id = ?
           AND EXISTS (SELECT 1 FROM json_each(o.result, '$.messageIds') WHERE value = ?)
         LIMIT 1`,
      ),
    };
  }

  addDutyPost(
    incidentId: number,
    contactId: string,
    channel: string,
    chatId: string,
    outboxKey: string,
    at: string,
  ): void {
    this.s.addDutyPost.run(incidentId, contactId, channel, chatId, outboxKey, at);
  }

  /** The duty-chat messages of a ticket, with the Telegram message ids they got once sent. */
  dutyPosts(incidentId: number): DutyPost[] {
    this.tx.flushSentMarks();
    return (this.s.dutyPosts.all(incidentId) as Raw[]).map((r) => {
      const row = this.s.outboxResult.get(String(r.outbox_key)) as Raw | undefined;
      const result = row?.result ? (parse(row.result) as { messageIds?: number[] } | null) : null;
      return {
        contactId: String(r.contact_id),
        channel: String(r.channel),
        chatId: String(r.chat_id),
        outboxKey: String(r.outbox_key),
        messageIds: result?.messageIds ?? [],
      };
    });
  }

  /** The ticket whose duty message this is (by its channel message id), if any. */
  dutyPostByMessage(
    channel: string,
    chatId: string,
    messageId: number,
  ): { incidentId: number; contactId: string } | undefined {
    this.tx.flushSentMarks();
    const r = this.s.dutyPostByMessage.get(channel, chatId, messageId) as Raw | undefined;
    return r ? { incidentId: Number(r.incident_id), contactId: String(r.contact_id) } : undefined;
  }

  /** Remembers a question the bot asked in a chat (sent as outbox row `outboxKey`) and who may answer it. */
  addPrompt(prompt: Omit<PromptRow, "id">, at: string): void {
    this.s.addPrompt.run(
      prompt.outboxKey,
      prompt.incidentId,
      prompt.channel,
      prompt.chatId,
      prompt.purpose,
      prompt.userId,
      prompt.replyChat,
      prompt.replyKey,
      at,
    );
  }

  /** The open question that a message of this chat (by its channel message id) asked, if any. */
  promptByMessage(channel: string, chatId: string, messageId: number): PromptRow | undefined {
    this.tx.flushSentMarks();
    const r = this.s.promptByMessage.get(channel, chatId, messageId) as Raw | undefined;
    return r
      ? {
          id: Number(r.id),
          outboxKey: String(r.outbox_key),
          incidentId: Number(r.incident_id),
          channel: String(r.channel),
          chatId: String(r.chat_id),
          purpose: String(r.purpose) as PromptPurpose,
          userId: String(r.user_id),
          replyChat: r.reply_chat === null ? null : String(r.reply_chat),
          replyKey: r.reply_key === null ? null : String(r.reply_key),
        }
      : undefined;
  }

  /** Closes a question once answered; false if it was answered already. */
  answerPrompt(id: number, at: string): boolean {
    return this.s.answerPrompt.run(at, id).changes === 1;
  }
}
