/**
 * A phone number as digits only (`+55 11 91234-5678` is `5511912345678`, WhatsApp's `wa_id` form):
 * the SQL the WhatsApp engine looks customers up with. The index of both stores' migrations
 * (customers_phone) spells the same expression, as a released migration must never change; a unit
 * test holds them equal. Phones are checked on input to hold only digits, spaces and `+ - ( ) .`
 * (core/schemas.ts Phone).
 */
export const PHONE_DIGITS = "replace(replace(replace(replace(replace(replace(phone, ' ', ''), '+', ''), '-', ''), '(', ''), ')', ''), '.', '')";

/** The same in JavaScript. */
export const phoneDigits = (phone: string) => phone.replace(/\D/g, '');
