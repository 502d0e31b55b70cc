import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { PHONE_DIGITS, phoneDigits } from '../../src/store/phone.js';
import { Phone, Recipient } from '../../src/core/schemas.js';

describe('phones as digits (R25: WhatsApp finds a customer by the phone digits)', () => {
  it('R25: the index of both stores spells the expression the engine looks customers up with (a released migration never changes)', () => {
    const sqlite = MIGRATIONS.find((m) => m.name === 'whatsapp conversations')!.sql;
    const pg = POSTGRES_MIGRATIONS.find((m) => m.name === 'whatsapp conversations')!.sql;
    expect(sqlite).toContain(`customers_phone ON customers(tenant_id, ${PHONE_DIGITS})`);
    expect(pg).toContain(`customers_phone ON customers(tenant_id, (${PHONE_DIGITS}))`);
  });

  it.each([
    ['+55 11 91234-5678', '5511912345678'],
    ['(55) 11 91234.5678', '5511912345678'],
    ['5511912345678', '5511912345678'],
  ])('R25: %s is %s', (given, digits) => {
    expect(phoneDigits(Phone.parse(given))).toBe(digits);
    expect(Recipient.parse(given)).toBe(digits);
  });

  it.each(['', 'ramal 22', '123', '+55 11 91234-5678 ext 9', '1'.repeat(16)])('a phone number is refused: %j', (given) => {
    expect(Phone.safeParse(given).success).toBe(false);
  });

  it('a recipient is an e-mail or a phone', () => {
    expect(Recipient.parse(' Ana@Norte.example ')).toBe('ana@norte.example');
    expect(Recipient.safeParse('ana@').success).toBe(false);
    expect(Recipient.safeParse('abc').success).toBe(false);
  });
});
