import { Type } from 'typebox'

/**
 * The `Idempotency-Key` request header of the create routes (those with
 * `config: { idempotent: true }`); the idempotency plugin enforces it.
 */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        '1 to 255 visible ASCII characters of your choosing. Repeat a request with the same key (and body) to get its first answer instead of a second write. ' +
        'Answers are kept 24 hours once an upstream write was attempted; a request refused before any upstream write leaves the key free for a retry.',
    }),
  ),
})
