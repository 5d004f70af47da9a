import { assign, setup } from "xstate";
import {
  CHOICE_FIELDS,
  CONTACT_ID,
  type EditableField,
  isEditableField,
  parseFieldValue,
} from "../src/admin/contact-fields.ts";
import { CONTACT_ROLES, type ContactData } from "../src/domain/contacts.ts";
import type { Condition } from "../src/domain/routing.ts";
import type { Reason } from "../src/domain/severity-input.ts";
import type { FlowEvent } from "./types.ts";

/** Bumped whenever a change would make an old snapshot mean something else. */
export const ADMIN_CONTACTS_FLOW_VERSION = 1;

/** A contact as the admin sees it: data, version (the one a change is made against), duty chats, rules. */
export interface AdminContactView {
  id: string;
  version: number;
  data: ContactData;
  bindings: string[];
  rules: string[];
  stale: boolean;
  /** A change to it waits for a second admin. */
  pending: number[];
}

/** A routing rule as shown to admins: whom it sends what, and when. */
export interface AdminRuleView {
  id: string;
  active: boolean;
  exclusive: boolean;
  when: Condition;
  actions: Array<{ contact: string; kind: string }>;
}

/** What the flow asks the engine to do; the engine answers with RESULT in the same update. */
export type AdminRequest =
  | { kind: "update"; id: string; version: number; changes: Partial<ContactData> }
  | { kind: "verify"; id: string; version: number }
  | { kind: "create"; id: string; data: Omit<ContactData, "lastVerified"> }
  | { kind: "delete"; id: string };

export interface AdminContactsContext {
  contacts: AdminContactView[];
  rules: AdminRuleView[];
  selected: string | null;
  field: EditableField | null;
  /** The new value waiting for "save", shown next to the current one. */
  proposed: { field: EditableField; value: ContactData[EditableField] } | null;
  /** A new contact being added, field by field. */
  draft: {
    id?: string;
    nameVi?: string;
    nameEn?: string;
    shortName?: string;
    role?: string;
    source?: string;
  };
  request: AdminRequest | null;
  error: Reason | null;
  notice: Reason | null;
}

export interface AdminContactsInput {
  contacts: AdminContactView[];
  rules: AdminRuleView[];
}

/** The engine's answer to a request: fresh data, where to go, and what to tell the admin. */
export type AdminResultEvent = {
  type: "RESULT";
  contacts: AdminContactView[];
  rules: AdminRuleView[];
  selected: string | null;
  notice: Reason | null;
  error: Reason | null;
  at: string;
};

export type AdminFlowEvent = FlowEvent | AdminResultEvent;

/** Choice values that are not contact ids or field names start with "_" (ids never do). */
export const ADMIN_CHOICES = {
  add: "_add",
  rules: "_rules",
  close: "_close",
  verify: "_verify",
  delete: "_delete",
  save: "_save",
  back: "_back",
} as const;

/** The steps of adding a contact, in order, with the draft key each fills. */
export const ADD_STEPS = ["addId", "addNameVi", "addNameEn", "addShortName", "addRole", "addSource"] as const;
type AddStep = (typeof ADD_STEPS)[number];
const ADD_FIELD: Record<Exclude<AddStep, "addId">, EditableField> = {
  addNameVi: "nameVi",
  addNameEn: "nameEn",
  addShortName: "shortName",
  addRole: "role",
  addSource: "source",
};

/** Where BACK goes from each add step (the previous one; the first returns to the list). */
export const ADD_BACK: Record<AddStep, string> = {
  addId: "pick",
  addNameVi: "addId",
  addNameEn: "addNameVi",
  addShortName: "addNameEn",
  addRole: "addShortName",
  addSource: "addRole",
};

const chose = (event: AdminFlowEvent, value: string) => event.type === "CHOOSE" && event.value === value;
const inputOf = (event: AdminFlowEvent): string | undefined =>
  event.type === "TEXT" ? event.text : event.type === "CHOOSE" ? event.value : undefined;

/** The contact being looked at. */
export function selectedContact(context: AdminContactsContext): AdminContactView | undefined {
  return context.contacts.find((c) => c.id === context.selected);
}

/** Parses the admin's answer for the field being edited (or the add step), with the intake validators. */
function parseInput(field: EditableField, input: string | undefined) {
  if (input === undefined) return { ok: false as const, error: { key: "admin:error.pickButton" } };
  if ((field === "role" || field === "active") && !CHOICE_FIELDS[field].includes(input.trim())) {
    return { ok: false as const, error: { key: "admin:error.pickButton" } };
  }
  return parseFieldValue(field, input);
}

const addStep = (step: AddStep, next: string, draftKey: keyof AdminContactsContext["draft"]) => {
  const field = step === "addId" ? null : ADD_FIELD[step];
  return {
    meta: { prompt: `admin:add.${step}`, choices: [] },
    on: {
      BACK: { target: ADD_BACK[step], actions: "clearFeedback" as const },
      TEXT: [
        {
          guard: { type: "validAddInput" as const, params: { step } },
          target: next,
          actions: { type: "keepDraft" as const, params: { step, key: draftKey } },
        },
        { actions: { type: "refuseAddInput" as const, params: { step } } },
      ],
      ...(field === "role"
        ? {
            CHOOSE: [
              {
                guard: { type: "validAddInput" as const, params: { step } },
                target: next,
                actions: { type: "keepDraft" as const, params: { step, key: draftKey } },
              },
              { actions: { type: "refuseAddInput" as const, params: { step } } },
            ],
          }
        : {}),
    },
  };
};

/**
 * An admin keeping the contact table current, in a private chat: pick a contact, see all of it, change one
 * field at a time with a before/after confirmation, mark it verified, delete or deactivate it, add a new one,
 * read the routing rules. The flow only describes; saving is a request the engine carries out (checking the
 * admin's authority again) and answers with RESULT.
 */
export const adminContactsMachine = setup({
  types: {
    context: {} as AdminContactsContext,
    events: {} as AdminFlowEvent,
    input: {} as AdminContactsInput,
  },
  guards: {
    choseContact: ({ context, event }) =>
      event.type === "CHOOSE" && context.contacts.some((c) => c.id === event.value),
    chose: ({ event }, params: { value: string }) => chose(event, params.value),
    choseField: ({ event }) => event.type === "CHOOSE" && isEditableField(event.value),
    validValue: ({ context, event }) =>
      context.field !== null && parseInput(context.field, inputOf(event)).ok === true,
    validAddInput: ({ context, event }, params: { step: AddStep }) => {
      const input = inputOf(event);
      if (params.step === "addId") {
        const id = input?.trim().toLowerCase() ?? "";
        return event.type === "TEXT" && CONTACT_ID.test(id) && !context.contacts.some((c) => c.id === id);
      }
      return parseInput(ADD_FIELD[params.step], input).ok;
    },
    resultHasSelection: ({ event }) =>
      event.type === "RESULT" &&
      event.selected !== null &&
      event.contacts.some((c) => c.id === event.selected),
  },
  actions: {
    select: assign(({ event }) => ({
      selected: event.type === "CHOOSE" ? event.value : null,
      error: null,
      notice: null,
    })),
    pickField: assign(({ event }) => ({
      field: event.type === "CHOOSE" && isEditableField(event.value) ? event.value : null,
      error: null,
      notice: null,
    })),
    propose: assign(({ context, event }) => {
      const field = context.field;
      const parsed = field ? parseInput(field, inputOf(event)) : undefined;
      return parsed?.ok && field ? { proposed: { field, value: parsed.value }, error: null } : {};
    }),
    refuseValue: assign(({ context, event }) => {
      const parsed = context.field ? parseInput(context.field, inputOf(event)) : undefined;
      return { error: parsed && !parsed.ok ? parsed.error : { key: "admin:error.pickButton" } };
    }),
    requestUpdate: assign(({ context }) => {
      const contact = selectedContact(context);
      if (!contact || !context.proposed) return {};
      return {
        request: {
          kind: "update" as const,
          id: contact.id,
          version: contact.version,
          changes: { [context.proposed.field]: context.proposed.value },
        },
      };
    }),
    requestVerify: assign(({ context }) => {
      const contact = selectedContact(context);
      return contact
        ? { request: { kind: "verify" as const, id: contact.id, version: contact.version } }
        : {};
    }),
    requestDelete: assign(({ context }) =>
      context.selected ? { request: { kind: "delete" as const, id: context.selected } } : {},
    ),
    requestCreate: assign(({ context }) => {
      const d = context.draft;
      return {
        request: {
          kind: "create" as const,
          id: d.id ?? "",
          data: {
            nameVi: d.nameVi ?? "",
            nameEn: d.nameEn ?? "",
            shortName: d.shortName ?? "",
            role: (CONTACT_ROLES.find((r) => r === d.role) ?? "other") as ContactData["role"],
            phones: [],
            hotlines: [],
            emails: [],
            address: "",
            notes: "",
            source: d.source ?? "",
            active: true,
          },
        },
      };
    }),
    keepDraft: assign(
      ({ context, event }, params: { step: AddStep; key: keyof AdminContactsContext["draft"] }) => {
        const input = inputOf(event) ?? "";
        const value =
          params.step === "addId"
            ? input.trim().toLowerCase()
            : (() => {
                const parsed = parseInput(ADD_FIELD[params.step], input);
                return parsed.ok ? String(parsed.value) : "";
              })();
        return { draft: { ...context.draft, [params.key]: value }, error: null };
      },
    ),
    refuseAddInput: assign(({ context, event }, params: { step: AddStep }) => {
      if (params.step === "addId") {
        const id = inputOf(event)?.trim().toLowerCase() ?? "";
        return {
          error: context.contacts.some((c) => c.id === id)
            ? { key: "admin:error.idTaken", params: { id } }
            : { key: "admin:error.badId" },
        };
      }
      const parsed = parseInput(ADD_FIELD[params.step], inputOf(event));
      return { error: parsed.ok ? null : parsed.error };
    }),
    startAdd: assign({ draft: () => ({}), error: null, notice: null, selected: null }),
    clearEdit: assign({ field: null, proposed: null, error: null }),
    clearFeedback: assign({ error: null, notice: null }),
    rejectChoice: assign({ error: () => ({ key: "admin:error.pickButton" }) }),
    takeResult: assign(({ event }) =>
      event.type === "RESULT"
        ? {
            contacts: event.contacts,
            rules: event.rules,
            selected: event.selected,
            notice: event.notice,
            error: event.error,
            request: null,
            field: null,
            proposed: null,
            draft: {},
          }
        : {},
    ),
  },
}).createMachine({
  id: "adminContacts",
  context: ({ input }) => ({
    contacts: input.contacts,
    rules: input.rules,
    selected: null,
    field: null,
    proposed: null,
    draft: {},
    request: null,
    error: null,
    notice: null,
  }),
  initial: "pick",
  on: {
    CANCEL: ".closed",
  },
  states: {
    pick: {
      meta: { prompt: "admin:pick.prompt", choices: [] },
      on: {
        CHOOSE: [
          { guard: "choseContact", target: "view", actions: "select" },
          {
            guard: { type: "chose", params: { value: ADMIN_CHOICES.add } },
            target: "addId",
            actions: "startAdd",
          },
          {
            guard: { type: "chose", params: { value: ADMIN_CHOICES.rules } },
            target: "rules",
            actions: "clearFeedback",
          },
          { guard: { type: "chose", params: { value: ADMIN_CHOICES.close } }, target: "closed" },
          { actions: "rejectChoice" },
        ],
        TEXT: { actions: "rejectChoice" },
        BACK: { target: "closed" },
      },
    },
    view: {
      meta: { prompt: "admin:view.prompt", choices: [] },
      on: {
        CHOOSE: [
          { guard: "choseField", target: "enter", actions: "pickField" },
          {
            guard: { type: "chose", params: { value: ADMIN_CHOICES.verify } },
            target: "working",
            actions: "requestVerify",
          },
          {
            guard: { type: "chose", params: { value: ADMIN_CHOICES.delete } },
            target: "confirmDelete",
            actions: "clearFeedback",
          },
          { actions: "rejectChoice" },
        ],
        TEXT: { actions: "rejectChoice" },
        BACK: { target: "pick", actions: "clearFeedback" },
      },
    },
    enter: {
      meta: { prompt: "admin:enter.prompt", choices: [] },
      on: {
        TEXT: [{ guard: "validValue", target: "confirm", actions: "propose" }, { actions: "refuseValue" }],
        CHOOSE: [{ guard: "validValue", target: "confirm", actions: "propose" }, { actions: "refuseValue" }],
        BACK: { target: "view", actions: "clearEdit" },
      },
    },
    confirm: {
      meta: { prompt: "admin:confirm.prompt", choices: [] },
      on: {
        CHOOSE: [
          {
            guard: { type: "chose", params: { value: ADMIN_CHOICES.save } },
            target: "working",
            actions: "requestUpdate",
          },
          { actions: "rejectChoice" },
        ],
        TEXT: { actions: "rejectChoice" },
        BACK: { target: "enter", actions: "clearFeedback" },
      },
    },
    confirmDelete: {
      meta: { prompt: "admin:confirmDelete.prompt", choices: [] },
      on: {
        CHOOSE: [
          {
            guard: { type: "chose", params: { value: ADMIN_CHOICES.delete } },
            target: "working",
            actions: "requestDelete",
          },
          { actions: "rejectChoice" },
        ],
        TEXT: { actions: "rejectChoice" },
        BACK: { target: "view", actions: "clearFeedback" },
      },
    },
    rules: {
      meta: { prompt: "admin:rules.prompt", choices: [] },
      on: {
        CHOOSE: { actions: "rejectChoice" },
        TEXT: { actions: "rejectChoice" },
        BACK: { target: "pick", actions: "clearFeedback" },
      },
    },
    addId: addStep("addId", "addNameVi", "id"),
    addNameVi: addStep("addNameVi", "addNameEn", "nameVi"),
    addNameEn: addStep("addNameEn", "addShortName", "nameEn"),
    addShortName: addStep("addShortName", "addRole", "shortName"),
    addRole: addStep("addRole", "addSource", "role"),
    addSource: addStep("addSource", "addConfirm", "source"),
    addConfirm: {
      meta: { prompt: "admin:add.addConfirm", choices: [] },
      on: {
        CHOOSE: [
          {
            guard: { type: "chose", params: { value: ADMIN_CHOICES.save } },
            target: "working",
            actions: "requestCreate",
          },
          { actions: "rejectChoice" },
        ],
        TEXT: { actions: "rejectChoice" },
        BACK: { target: "addSource", actions: "clearFeedback" },
      },
    },
    /** The engine is carrying out the request; it answers before the update ends. */
    working: {
      meta: { prompt: "admin:working.prompt", choices: [] },
      on: {
        RESULT: [
          { guard: "resultHasSelection", target: "view", actions: "takeResult" },
          { target: "pick", actions: "takeResult" },
        ],
      },
    },
    closed: { type: "final", meta: { prompt: "admin:closed", choices: [] } },
  },
});
