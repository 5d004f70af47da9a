import { DeadlineChat } from "../admin/deadline-chat.ts";
import { foldDiacritics } from "../domain/text.ts";
import { renderHotlines } from "../present/incident.ts";
import { DEFAULT_SEED, StoredDeadlineSettings } from "../settings/deadline-settings.ts";
import { sendForms, startFinalReport } from "./final-report.ts";
import { flowById } from "./flows.ts";
import { currentMeta } from "./render.ts";
import { push, renderTop, send, setTop, settle, start, top } from "./stack.ts";
import { myTickets, status } from "./status.ts";
import type { Turn } from "./turn.ts";

/** Admin commands: only admins may run them (checked here, on the server), refusals are audited. */
export const ADMIN_COMMANDS = new Set([
  "contacts_admin",
  "grant",
  "revoke",
  "users",
  "audit",
  "approve",
  "reject",
  "deadlines",
  "holidays",
]);

/**
 * The reporter's commands by canonical name, with the Vietnamese name shown in /help and in the Vietnamese
 * command menu, and the English name shown to English readers; both always work.
 */
export const REPORTER_COMMANDS = [
  { name: "report", vi: "baocao", en: "report" },
  { name: "cancel", vi: "huy", en: "cancel" },
  { name: "status", vi: "trangthai", en: "status" },
  { name: "mytickets", vi: "phieucuatoi", en: "mytickets" },
  { name: "contacts", vi: "lienhe", en: "contacts" },
  { name: "profile", vi: "hoso", en: "profile" },
  { name: "lang", vi: "ngonngu", en: "lang" },
  { name: "help", vi: "trogiup", en: "help" },
] as const;

/** Commands and their Vietnamese aliases, mapped to one canonical name. */
export const COMMAND_ALIASES: Record<string, string> = {
  start: "start",
  report: "report",
  baocao: "report",
  cancel: "cancel",
  huy: "cancel",
  profile: "profile",
  hoso: "profile",
  status: "status",
  trangthai: "status",
  mytickets: "mytickets",
  phieucuatoi: "mytickets",
  // The first Vietnamese name, kept so that habits and old messages still work.
  cuatoi: "mytickets",
  contacts: "contacts",
  lienhe: "contacts",
  lang: "lang",
  ngonngu: "lang",
  help: "help",
  trogiup: "help",
  back: "back",
  quaylai: "back",
  skip: "skip",
  boqua: "skip",
  form: "form",
  maubaocao: "form",
  finalreport: "finalreport",
  ketthuc: "finalreport",
  contacts_admin: "contacts_admin",
  quanlylienhe: "contacts_admin",
  grant: "grant",
  capquyen: "grant",
  revoke: "revoke",
  thuhoi: "revoke",
  users: "users",
  nguoidung: "users",
  audit: "audit",
  nhatky: "audit",
  approve: "approve",
  duyet: "approve",
  reject: "reject",
  tuchoi: "reject",
  deadlines: "deadlines",
  thoihan: "deadlines",
  holidays: "holidays",
  ngaynghi: "holidays",
};

export function command(turn: Turn, name: string, args: string): void {
  const active = top(turn);
  if (ADMIN_COMMANDS.has(name)) {
    adminCommand(turn, name, args);
    return;
  }
  switch (name) {
    case "start":
    case "report":
      if (active) {
        turn.say("common:resume");
        renderTop(turn);
        return;
      }
      if (name === "start") turn.say("common:welcome");
      start(turn, "report");
      settle(turn);
      return;
    case "cancel":
      if (!active) {
        turn.say("common:nothingToCancel");
        return;
      }
      {
        send(turn, { type: "CANCEL", at: turn.at });
        return;
      }
    case "profile":
      if (active?.flow.id === "profile") {
        renderTop(turn);
        return;
      }
      start(turn, "profile");
      settle(turn);
      return;
    case "status":
      status(turn, args);
      {
        renderTop(turn);
        return;
      }
    case "form":
      sendForms(turn, args);
      renderTop(turn);
      return;
    case "finalreport":
      startFinalReport(turn, args);
      return;
    case "mytickets":
      myTickets(turn);
      {
        renderTop(turn);
        return;
      }
    case "contacts":
      turn.messages.push({
        kind: "chat",
        text: `${turn.t.t(turn.locale, "common:contacts.title")}\n\n${renderHotlines(turn.store.contacts(), turn.rc)}`,
      });
      if (turn.isAdmin()) {
        turn.messages.push({ kind: "chat", text: turn.admin.staleSection(turn.event.at, turn.locale) });
      }
      {
        renderTop(turn);
        return;
      }
    case "lang": {
      language(turn, args);
      return;
    }
    case "help":
      help(turn);
      {
        renderTop(turn);
        return;
      }
    case "back":
    case "skip":
      if (!active) {
        turn.say("common:noActiveReport");
        return;
      }
      {
        send(turn, { type: name === "back" ? "BACK" : "SKIP", at: turn.at });
        return;
      }
    default:
      turn.say("common:unknownCommand");
      {
        renderTop(turn);
        return;
      }
  }
}

export function help(turn: Turn): void {
  const active = top(turn);
  const current = active ? currentMeta(active.snapshot) : undefined;
  if (active && current && "question" in current.meta) {
    const key = `${active.flow.id}:q.${current.meta.question}.help`;
    if (turn.t.exists(key, turn.locale)) turn.say(key);
  }
  turn.say("common:help");
  if (turn.isAdmin()) {
    turn.say("admin:help");
    turn.say("deadlines:help");
  }
}

export function language(turn: Turn, args: string): void {
  const wanted = foldDiacritics(args);
  const locale = wanted.startsWith("en")
    ? "en"
    : wanted.startsWith("vi") || wanted.startsWith("tieng viet")
      ? "vi"
      : undefined;
  if (!locale) {
    turn.messages.push({
      kind: "chat",
      text: turn.t.t(turn.locale, "common:lang.prompt"),
      token: "lang",
      choices: [
        { value: "vi", label: "Tiếng Việt" },
        { value: "en", label: "English" },
      ],
    });
    return;
  }
  turn.store.setUserLocale(turn.event.channel, turn.event.userId, locale);
  turn.locale = locale;
  turn.rc = { ...turn.rc, locale };
  turn.say("common:lang.set");
  // The question comes back in the new language without the error of the last answer: that was answered.
  const active = top(turn);
  if (active && !active.flow.present) {
    const next = active.flow.runner.transition(active.snapshot, { type: "REFRESH", at: turn.at });
    if (next !== active.snapshot) setTop(turn, { flow: active.flow, snapshot: next });
  }
  renderTop(turn);
}

/** Refuses an admin command or button to a non-admin, with an audit entry; true when refused. */
export function refuseNonAdmin(turn: Turn, action: string, subject: string): boolean {
  if (turn.isAdmin()) return false;
  turn.store.audit(turn.at, turn.actor(), action, subject.slice(0, 64), "denied", {});
  // A flow left over from when this person was an admin goes too: its buttons would only be refused.
  turn.stack = turn.stack.filter((e) => !flowById(turn.flows, e.flow)?.present);
  turn.say("admin:denied");
  return true;
}

export function startAdmin(turn: Turn): void {
  const flow = turn.flows.adminContacts;
  if (!flow) {
    turn.say("common:unknownCommand");
    return;
  }
  // Asked again, the list starts over with fresh data (another admin may have changed it meanwhile).
  if (top(turn)?.flow.id === flow.id) turn.stack.pop();
  const snapshot = flow.runner.initial(turn.admin.input(turn.event.at));
  push(turn, { flow, snapshot });
  renderTop(turn);
}

export function adminCommand(turn: Turn, name: string, args: string): void {
  if (refuseNonAdmin(turn, "admin.command", `/${name}`)) {
    renderTop(turn);
    return;
  }
  const text = (value: string) => turn.messages.push({ kind: "chat", text: value });
  switch (name) {
    case "contacts_admin":
      startAdmin(turn);
      return;
    case "grant":
    case "revoke":
      text(turn.admin.role(name, turn.adminActor(), args, turn.event.at, turn.locale));
      break;
    case "users":
      text(turn.admin.users(turn.event.channel, turn.locale));
      break;
    case "audit":
      text(turn.admin.audit(turn.locale));
      break;
    case "deadlines":
    case "holidays": {
      // The settings service checks authority again on the server and audits every change.
      const settings = new StoredDeadlineSettings(turn.store, DEFAULT_SEED, turn.admin.service);
      const chat = new DeadlineChat(settings, turn.t, turn.rc.timeZone);
      const run = name === "deadlines" ? chat.deadlines.bind(chat) : chat.calendar.bind(chat);
      text(run(turn.adminActor(), args, turn.event.at, turn.locale));
      break;
    }
    case "approve":
    case "reject": {
      const decided = turn.admin.decide(name, turn.adminActor(), args, turn.event.at, turn.locale);
      turn.others.push(...decided.others);
      text(decided.text);
      break;
    }
  }
  renderTop(turn);
}
