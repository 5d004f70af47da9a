import { clipText } from "../../domain/text-cut.ts";
import type { UsersRepo } from "./interfaces.ts";
import { type Db, json, parse } from "./sqlite.ts";

/** People who wrote to the bot (locale, display name) and their reporter profiles. */
export class SqliteUsers implements UsersRepo {
  private readonly s;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      upsertUser: p(
        `INSERT INTO users (channel, user_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT (channel, user_id) DO NOTHING`,
      ),
      userLocale: p("SELECT locale FROM users WHERE channel = ? AND user_id = ?"),
      setUserLocale: p("UPDATE users SET locale = ? WHERE channel = ? AND user_id = ?"),
      setDisplayName: p("UPDATE users SET display_name = ? WHERE channel = ? AND user_id = ?"),
      displayName: p("SELECT display_name FROM users WHERE channel = ? AND user_id = ?"),
      getProfile: p("SELECT data FROM reporter_profiles WHERE channel = ? AND user_id = ?"),
      saveProfile: p(
        `INSERT INTO reporter_profiles (channel, user_id, data, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (channel, user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      ),
    };
  }

  ensureUser(channel: string, userId: string, at: string): void {
    this.s.upsertUser.run(channel, userId, at);
  }

  /** The user's saved locale (null if none chosen), or undefined when the user is not known yet. */
  knownUserLocale(channel: string, userId: string): string | null | undefined {
    const row = this.s.userLocale.get(channel, userId) as { locale: string | null } | undefined;
    return row ? row.locale : undefined;
  }

  setUserLocale(channel: string, userId: string, locale: string): void {
    this.s.setUserLocale.run(locale, channel, userId);
  }

  /** Remembers how a person is shown to others (e.g. in duty chats); it is their public Telegram name. */
  setDisplayName(channel: string, userId: string, name: string): void {
    this.s.setDisplayName.run(clipText(name, 100), channel, userId);
  }

  displayName(channel: string, userId: string): string | null {
    const row = this.s.displayName.get(channel, userId) as { display_name: string | null } | undefined;
    return row?.display_name ?? null;
  }

  profile(channel: string, userId: string): Record<string, unknown> | undefined {
    const row = this.s.getProfile.get(channel, userId) as { data: string } | undefined;
    return row ? parse(row.data) : undefined;
  }

  saveProfile(channel: string, userId: string, data: Record<string, unknown>, at: string): void {
    this.s.saveProfile.run(channel, userId, json(data), at);
  }
}
