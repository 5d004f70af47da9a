import { domainToASCII, domainToUnicode } from "node:url";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import { clipText } from "../text-cut.ts";
import { dedupe, splitList } from "./lists.ts";
import { fail, MAX_LIST_INPUT, ok, REQUIRED, type ValidationResult } from "./result.ts";

// ---------------------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------------------

/** A phone number in E.164 for storage and in national format for display. */
export interface PhoneNumber {
  e164: string;
  display: string;
}

/** Parses one phone number, Vietnamese by default (mobile, landline, 1800/1900 hotline, or +country). */
export function parseVietnamesePhone(input: string): ValidationResult<PhoneNumber> {
  const text = input.trim();
  if (text === "") return fail(REQUIRED);
  // libphonenumber would happily dig a number out of a sentence; the reporter's answer must be the number.
  if (text.length > 40 || !/^\+?[\d\s().-]+$/.test(text))
    return fail("validation:phone.invalid", { value: text });
  const phone = parsePhoneNumberFromString(text, "VN");
  if (!phone?.isValid()) return fail("validation:phone.invalid", { value: text });
  const display = phone.countryCallingCode === "84" ? phone.formatNational() : phone.formatInternational();
  return ok({ e164: phone.number, display });
}

/** Parses several phone numbers separated by commas, semicolons, new lines, "/" or "hoặc". */
export function parsePhoneList(input: string): ValidationResult<PhoneNumber[]> {
  if (input.trim() === "") return fail(REQUIRED);
  if (input.length > MAX_LIST_INPUT) return fail("validation:phone.invalid", { value: clipText(input, 40) });
  const chunks = input
    .split(/[,;\n/]|\s+(?:hoặc|hoac|or|và|va|and)\s+/iu)
    .map((c) => c.trim())
    .filter((c) => c !== "");
  const phones: PhoneNumber[] = [];
  for (const chunk of chunks) {
    const single = parseVietnamesePhone(chunk);
    if (single.ok) {
      phones.push(single.value);
      continue;
    }
    // "0912345678 0987654321": spaces also group digits, so only split on them when each part is a number.
    const parts = chunk.split(/\s+/).map(parseVietnamesePhone);
    if (parts.length < 2 || !parts.every((p) => p.ok)) return single;
    for (const p of parts) if (p.ok) phones.push(p.value);
  }
  if (phones.length === 0) return fail(REQUIRED);
  return ok(dedupe(phones, (p) => p.e164));
}

// ---------------------------------------------------------------------------------------------------------
// E-mail
// ---------------------------------------------------------------------------------------------------------

const emailSchema = z.email();

/** Parses one e-mail address; the domain is lowercased (the local part is left as typed). */
export function parseEmail(input: string): ValidationResult<string> {
  const text = input
    .trim()
    .replace(/^mailto:/i, "")
    .replace(/^<(.*)>$/, "$1");
  if (text === "") return fail(REQUIRED);
  const at = text.lastIndexOf("@");
  if (text.length > 254 || at <= 0) return fail("validation:email.invalid", { value: clipText(text, 254) });
  const local = text.slice(0, at);
  // Government mail may sit on an IDN domain; zod checks the ASCII form, the Unicode form is kept.
  const ascii = domainToASCII(text.slice(at + 1).toLowerCase());
  if (ascii === "" || !emailSchema.safeParse(`${local}@${ascii}`).success) {
    return fail("validation:email.invalid", { value: text });
  }
  return ok(`${local}@${domainToUnicode(ascii)}`);
}

/** Parses several e-mail addresses separated by commas, semicolons, spaces or "hoặc"/"và". */
export function parseEmailList(input: string): ValidationResult<string[]> {
  if (input.trim() === "") return fail(REQUIRED);
  if (input.length > MAX_LIST_INPUT) return fail("validation:email.invalid", { value: clipText(input, 40) });
  const emails: string[] = [];
  for (const token of splitList(input)) {
    const one = parseEmail(token);
    if (!one.ok) return one;
    emails.push(one.value);
  }
  if (emails.length === 0) return fail(REQUIRED);
  return ok(dedupe(emails, (e) => e.toLowerCase()));
}
