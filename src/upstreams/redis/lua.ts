/** Lua shared by the scripts of the Redis stores. */

/** Defines `now`: the Redis server's time in milliseconds, so gateways' clocks need not agree. */
export const SERVER_NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`
