/**
 * A request the simulator refuses, answered with Rails-style `<errors><error>…</error></errors>`:
 * 422 for input that is well-formed but invalid, 400 for a body that cannot be read,
 * 415 for a body in a format the API does not speak.
 * The error body's shape is not documented; the Rails default is the likeliest.
 */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join('; '))
  }
}

export function unprocessable(...messages: string[]): RequestError {
  return new RequestError(422, messages)
}
