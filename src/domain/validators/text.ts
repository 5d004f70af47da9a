import { stripInvisibleControls } from "../text.ts";
import { fail, ok, REQUIRED, type ValidationResult } from "./result.ts";

// ---------------------------------------------------------------------------------------------------------
// Free text
// ---------------------------------------------------------------------------------------------------------

// C0/C1 controls other than tab and line breaks: invisible in chat, and illegal in the XML of the DOCX report.
const STRAY_CONTROLS = /(?![\t\n\r])\p{Cc}/gu;

/**
 * Trims and length-checks free text, counting code points; strips stray control characters and the
 * bidirectional and zero-width characters that make a name or file name read as another.
 */
export function validateText(
  input: string,
  options: { min?: number; max: number; field?: string },
): ValidationResult<string> {
  const { min = 1, max, field } = options;
  // The question's id as the translation context: a message may then give an example fitting that question.
  const withField = (params: Record<string, string | number>) =>
    field ? { ...params, field, context: field } : params;
  const text = stripInvisibleControls(input.normalize("NFC").replace(STRAY_CONTROLS, "")).trim();
  // Text of only zero-width or other invisible characters looks empty to the reporter too.
  if (text.replace(/[\p{C}\s]/gu, "") === "") return fail(REQUIRED, field ? { field } : undefined);
  // Emoji or punctuation alone («😱😱🙏», «...») carry no information a duty officer could act on.
  if (!/[\p{L}\p{N}]/u.test(text)) return fail("validation:text.noInformation", withField({}));
  const length = [...text].length;
  if (length < min) return fail("validation:text.tooShort", withField({ min, length }));
  if (length > max) return fail("validation:text.tooLong", withField({ max, length }));
  return ok(text);
}
