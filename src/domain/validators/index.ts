// The validators of every answer the report asks for, split by the kind of answer.
export { parseCount, parseYesNo } from "./answers.ts";
export {
  type PhoneNumber,
  parseEmail,
  parseEmailList,
  parsePhoneList,
  parseVietnamesePhone,
} from "./contact.ts";
export { formatVnDateTime, parseDetectionTime } from "./dates.ts";
export { extractDomains, parseDomains, parsePublicIps } from "./network.ts";
export type { ValidationResult } from "./result.ts";
export { validateText } from "./text.ts";
