/**
 * A phone number as digits only (`+55 11 91234-5678` is `5511912345678`, WhatsApp's `wa_id` form):
 * the SQL both stores index customers' phones by (the migrations) and look them up with (the
 * WhatsApp engine), written once so the index and the query stay the same expression. Phones are
 * checked on input to hold only digits, spaces and `+ - ( ) .` (core/schemas.ts Phone).
 */
export const PHONE_DIGITS = "replace(replace(replace(replace(replace(replace(phone, ' ', ''), '+', ''), '-', ''), '(', ''), ')', ''), '.', '')";

/** The same in JavaScript. */
export const phoneDigits = (phone: string) => phone.replace(/\D/g, '');
