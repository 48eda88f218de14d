// One DNS label: letters, digits and inner hyphens. The account becomes part of a host
// name, so anything else (dots, slashes, '@', percent signs) could redirect our traffic.
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

export function isValidAccountName(account: string): boolean {
  return HOST_LABEL.test(account)
}

/** `https://{account}.batchbook.com`; call only with a validated account name. */
export function batchBookBaseUrl(account: string): string {
  if (!isValidAccountName(account)) throw new RangeError('invalid BatchBook account name')
  return `https://${account.toLowerCase()}.batchbook.com`
}
